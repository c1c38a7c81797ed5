// Settings: a custom cloud (every address by hand, as Connect-PowerBIServiceAccount's
// -CustomEnvironment), for private clouds, proxies and the practice emulator.

import { h, heading, actions, backButton, announce } from '../dom.js';
import { listProfiles, setSecretExpiry } from '../api.js';

export const id = 'settings';
export const title = 'Settings';
export const stage = -1;

const FIELDS = [
  ['authorityHost', 'Sign-in service', 'https://login.example.com'],
  ['powerbiApi', 'Power BI API', 'https://api.example.com'],
  ['fabricApi', 'Fabric API (optional)', 'https://api.example.com/v1'],
  ['azurePortal', 'Azure portal (optional)', 'https://portal.azure.com'],
];

const valid = (v) => /^https:\/\/[^\s/]+/i.test(v) || /^http:\/\/(127\.|localhost|\[::1\])/i.test(v);

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
      'Only for private clouds or when your IT team gives you these addresses. Each must start with https:// (http:// only on this computer).'),
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
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const values = Object.fromEntries(inputs.map(([key, , input]) => [key, input.value.trim()]));
    const bad = inputs.find(([key, , input]) => (key === 'authorityHost' || key === 'powerbiApi' || input.value.trim())
      && !valid(input.value.trim()));
    if (bad) {
      error.textContent = `${bad[1]}: give an address starting with https://.`;
      error.hidden = false;
      bad[2].setAttribute('aria-invalid', 'true');
      bad[2].focus();
      return;
    }
    state.draft.custom = {
      authorityHost: values.authorityHost, powerbiApi: values.powerbiApi,
      fabricApi: values.fabricApi || null, azurePortal: values.azurePortal || null,
      powerbiResource: null, graph: null,
    };
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
