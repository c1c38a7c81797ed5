// Step 6: save. The secret (or the sign-in to renew) goes to the system keyring; the rest to a
// settings file. Said plainly, before the button.

import { saveConnection } from '../api.js';
import { h, heading, actions, backButton, problemBox, focusProblem } from '../dom.js';

export const id = 'save';
export const title = 'Save';
export const stage = 5;

const SECRET_WORDS = {
  'client-secret': 'The client secret',
  certificate: 'The certificate’s password (if it has one)',
  password: 'The password',
  'device-code': 'A sign-in Keyway can renew (a refresh token)',
  browser: 'A sign-in Keyway can renew (a refresh token)',
};

export function render(ctx) {
  const { info, state, back, next } = ctx;
  const draft = state.draft;
  const goal = info.goals.find((g) => g.id === draft.goal);
  const suggested = state.savedName || `${goal?.title ?? 'Power BI'} (${draft.tenant})`;
  const name = h('input', { type: 'text', id: 'connection-name', value: state.saveName ?? suggested,
    'aria-describedby': 'connection-name-hint name-error', 'aria-required': 'true' });
  name.addEventListener('input', () => { state.saveName = name.value; });
  const expires = h('input', { type: 'date', id: 'secret-expires', value: state.secretExpires ?? '',
    'aria-describedby': 'secret-expires-hint' });
  expires.addEventListener('input', () => { state.secretExpires = expires.value; });
  const nameError = h('p', { class: 'error', id: 'name-error', hidden: true });
  const problem = h('div');
  const warn = state.outcome && !state.outcome.ok
    ? h('p', { class: 'warning', role: 'note' }, 'Some checks did not pass. You can save now and check again later from your connections.')
    : null;

  const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
    h('div', { class: 'field wide' },
      h('label', { for: 'connection-name' }, 'Name this connection'),
      h('p', { class: 'hint', id: 'connection-name-hint' }, 'A few words you will recognise, such as “Sales embed”.'),
      name, nameError),
    (draft.method === 'client-secret' || draft.method === 'certificate') && !draft.certificateInKeyring ? h('div', { class: 'field' },
      h('label', { for: 'secret-expires' }, 'When does the secret expire? (optional)'),
      h('p', { class: 'hint', id: 'secret-expires-hint' }, 'Shown under “Expires” on the app’s Certificates & secrets page. Keyway warns you 30 days before.'),
      expires) : null,
    h('div', { class: 'where-saved', id: 'where-saved' },
      h('h2', {}, 'Where things are kept'),
      h('ul', {},
        h('li', {}, `${draft.certificateInKeyring ? 'The certificate Keyway made, with its private key,' : SECRET_WORDS[draft.method] ?? 'The secret'} goes into ${info.keyring}, protected by your sign-in to this computer.`),
        h('li', {}, 'Everything else (tenant, app, goal, cloud) goes into Keyway’s settings file. It holds no secret.'),
        h('li', {}, 'Nothing is sent anywhere except to Microsoft when you sign in.'))),
    warn,
    problem,
    actions(backButton(back),
      h('button', { type: 'submit', class: 'primary', id: 'save' }, 'Save')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.replaceChildren();
    if (!name.value.trim()) {
      nameError.textContent = 'Give the connection a name.';
      nameError.hidden = false;
      name.setAttribute('aria-invalid', 'true');
      name.focus();
      return;
    }
    nameError.hidden = true;
    name.removeAttribute('aria-invalid');
    const button = document.getElementById('save');
    button.disabled = true;
    try {
      state.saved = await saveConnection({ name: name.value.trim(), replace: Boolean(state.savedName) || state.replace === true,
        secretExpires: expires.value });
      state.savedName = state.saved.name;
      next();
    } catch (e) {
      const replace = e.code === 'PROFILE_EXISTS' ? [h('button', { type: 'button', class: 'secondary small', id: 'replace',
        onclick: () => { state.replace = true; form.requestSubmit(); } }, 'Replace the saved one')] : [];
      problem.replaceChildren(problemBox(e, draft, { id: 'save-problem', actions: replace }));
      focusProblem('save-problem');
    } finally {
      button.disabled = false;
    }
  });

  return [
    heading('Save the connection'),
    h('p', { class: 'lead' }, 'So that you, or a script on this computer, can use it again without typing the secret.'),
    form,
  ];
}
