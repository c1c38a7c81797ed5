// Settings: a custom cloud (every address by hand, as Connect-PowerBIServiceAccount's
// -CustomEnvironment), for private clouds, proxies and the practice emulator.

import { h, heading, actions, backButton, announce } from '../dom.js';
import { listProfiles, setSecretExpiry, setCustomCloud } from '../api.js';

export const id = 'settings';
export const title = 'Settings';
export const stage = -1;

const FIELDS = [
  ['authorityHost', 'Sign-in service', 'https://login.example.com'],
  ['powerbiApi', 'Power BI API', 'https://api.example.com'],
  ['fabricApi', 'Fabric API (optional)', 'https://api.example.com/v1'],
  ['azurePortal', 'Azure portal (optional)', 'https://portal.azure.com'],
];

export function render(ctx) {
  const { state, back } = ctx;
  const custom = { ...(state.draft.custom ?? {}) };
  const error = h('p', { class: 'error', id: 'settings-error', role: 'alert', hidden: true });
  const inputs = FIELDS.map(([key, label, example]) => {
    const input = h('input', { type: 'text', id: `custom-${key}`, value: custom[key] ?? '',
      placeholder: example, spellcheck: 'false', 'aria-describedby': 'custom-hint settings-error' });
    return [key, label, input];
  });
  const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
    h('h2', {}, 'Custom cloud'),
    h('p', { class: 'hint', id: 'custom-hint' },
      'Only for private clouds or when your IT team gives you these addresses. Each must start with https:// (http:// only for 127.0.0.1, this computer).'),
    inputs.map(([key, label, input]) => h('div', { class: 'field wide' }, h('label', { for: input.id }, label), input)),
    error,
    actions(backButton(back),
      h('button', { type: 'button', class: 'secondary', id: 'clear-custom', onclick: () => {
        state.draft.custom = null;
        if (state.draft.cloud === 'custom') state.draft.cloud = 'public';
        announce('Custom cloud removed.');
        back();
      } }, 'Remove custom cloud'),
      h('button', { type: 'submit', class: 'primary', id: 'save-settings' }, 'Use this cloud')));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const values = Object.fromEntries(inputs.map(([key, , input]) => [key, input.value.trim()]));
    for (const [, , input] of inputs) input.removeAttribute('aria-invalid');
    const custom = {
      authorityHost: values.authorityHost, powerbiApi: values.powerbiApi,
      fabricApi: values.fabricApi || null, azurePortal: values.azurePortal || null,
      powerbiResource: null, graph: null,
    };
    try {
      // The engine checks each address the way it will call it, and keeps the cloud.
      await setCustomCloud(custom);
    } catch (err) {
      // The engine quotes the address it refused: mark that field.
      const bad = inputs.find(([key]) => values[key] && err.cause?.includes(`"${values[key]}"`));
      error.textContent = err.cause || err.title;
      error.hidden = false;
      const input = (bad ?? inputs[0])[2];
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    state.draft.custom = custom;
    state.draft.cloud = 'custom';
    announce('Custom cloud saved for this session.');
    ctx.go('home');
  });
  return [
    heading('Settings'),
    h('p', { class: 'lead' }, 'Most people never need to change anything here.'),
    expiries(),
    form,
  ];
}

// When each saved secret expires: Keyway shows "expiring" 30 days before, on the home screen.
function expiries() {
  const list = h('ul', { class: 'expiries', id: 'expiries' });
  const section = h('section', { 'aria-labelledby': 'expiry-title', hidden: true },
    h('h2', { id: 'expiry-title' }, 'When secrets expire'),
    h('p', { class: 'hint' }, 'The date under “Expires” on the app’s Certificates & secrets page. Keyway warns you 30 days before.'),
    list);
  listProfiles().then(({ cards }) => {
    const withSecret = cards.filter((c) => /secret|certificate/i.test(c.method));
    section.hidden = withSecret.length === 0;
    list.replaceChildren(...withSecret.map((c, i) => {
      const input = h('input', { type: 'date', id: `expiry-${i}`, value: c.secretExpires ?? '' });
      const status = h('span', { class: 'hint', role: 'status' });
      return h('li', { class: 'field' },
        h('label', { for: input.id }, c.name),
        h('div', { class: 'input-row' }, input,
          h('button', { type: 'button', class: 'secondary small', id: `expiry-save-${i}`,
            'aria-label': `Save the date: “${c.name}”`,
            onclick: async () => {
              try {
                await setSecretExpiry(c.name, input.value);
                status.textContent = input.value ? 'Saved.' : 'Date cleared.';
              } catch (e) {
                status.textContent = e.title;
              }
            } }, 'Save the date')),
        status);
    }));
  }).catch(() => {});
  return section;
}
