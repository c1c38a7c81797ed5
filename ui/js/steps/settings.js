// Settings: a custom cloud (every address by hand, as Connect-PowerBIServiceAccount's
// -CustomEnvironment), for private clouds, proxies and the practice emulator.

import { h, heading, actions, backButton, announce } from '../dom.js';
import { listProfiles, setSecretExpiry, setCustomCloud, companyCa, setCompanyCa } from '../api.js';

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
    companyCaSection(),
    form,
  ];
}

const CA_SOURCES = {
  settings: 'Trusted here',
  environment: 'Set by the KEYWAY_CA_CERT environment variable',
  option: 'Given with --ca-cert',
};

// A company network whose proxy opens secure connections with the company's own certificate
// authority: the person picks the file their IT team gave them; the engine checks it.
function companyCaSection() {
  const status = h('p', { class: 'hint', id: 'ca-status', role: 'status' });
  const error = h('p', { class: 'error', id: 'ca-error', role: 'alert', hidden: true });
  const input = h('input', { type: 'file', id: 'ca-file', class: 'visually-hidden',
    accept: '.pem,.crt,.cer,application/x-pem-file' });
  const pick = h('label', { for: 'ca-file', class: 'button-like secondary small', tabindex: '0',
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } } },
  'Choose the certificate file…');
  const remove = h('button', { type: 'button', class: 'secondary small', id: 'ca-remove', hidden: true,
    onclick: () => change(null, 'Keyway no longer trusts that certificate authority.') }, 'Stop trusting it');
  const show = (ca) => {
    error.hidden = true;
    const fromHere = ca.source === 'settings';
    status.textContent = ca.source
      ? `${CA_SOURCES[ca.source]}: ${ca.names.join(', ')}.`
      : 'None: Keyway trusts the same authorities as this computer.';
    remove.hidden = !fromHere;
    // A script's KEYWAY_CA_CERT comes first; the window does not override it.
    pick.hidden = ca.source === 'environment' || ca.source === 'option';
  };
  const change = async (pem, said) => {
    try {
      show(await setCompanyCa(pem));
      announce(said ?? status.textContent);
    } catch (e) {
      error.textContent = `${e.title}. ${e.cause ?? ''}`.trim();
      error.hidden = false;
    }
  };
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) await change(await file.text());
  });
  companyCa().then(show).catch((e) => { status.textContent = e.title; });
  return h('section', { 'aria-labelledby': 'ca-title' },
    h('h2', { id: 'ca-title' }, 'Company certificate authority'),
    h('p', { class: 'hint', id: 'ca-hint' },
      'Only if Keyway said a connection came “from an unknown authority”: your company’s network then checks secure connections with its own certificate. Ask your IT team for that certificate (a .pem or .crt file).'),
    status, error,
    h('p', { class: 'input-row' }, input, pick, remove));
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
