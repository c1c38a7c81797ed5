// Step 3: the app registration's details, each checked as it is typed, each with "Where do I
// find this?" and a button that opens the exact Azure portal page for this app and cloud.
// Secrets go to the engine once (it keeps them in memory until they are saved to the keyring);
// only a masked hint comes back.

import { validateDraft, rememberSecret, portalLink } from '../api.js';
import { h, heading, actions, backButton, announce, openButton, secretGoesTo } from '../dom.js';

export const id = 'details';
export const title = 'App details';
export const stage = 2;

const SCOPES = ['Workspace.Read.All', 'Report.Read.All', 'Dataset.Read.All', 'Dataset.ReadWrite.All',
  'Capacity.Read.All', 'Tenant.Read.All'];

// Each field: what it is, where it comes from, and which portal page shows it.
const FIELDS = {
  tenant: {
    label: 'Directory (tenant) ID', key: 'tenant', input: 'tenant', page: 'tenant-overview',
    hint: 'A GUID, or your organisation’s domain such as contoso.onmicrosoft.com.',
    where: ['Open the Azure portal and go to Microsoft Entra ID.',
      'On the Overview page, copy “Tenant ID”.'],
  },
  clientId: {
    label: 'Application (client) ID', key: 'clientId', input: 'client-id', page: 'app-overview',
    hint: 'A GUID shown on the app registration’s Overview page.',
    where: ['In the Azure portal, open App registrations and pick your app.',
      'On its Overview page, copy “Application (client) ID”.'],
  },
  clientSecret: {
    label: 'Client secret (its Value)', input: 'client-secret', page: 'app-credentials',
    secret: 'client-secret', hintKey: 'clientSecret',
    hint: ({ info, state }) => 'Paste the secret’s Value, not its Secret ID. Azure shows the '
      + `Value only once. Sent only to ${secretGoesTo(info, state.draft)}.`,
    where: ['Open the app’s “Certificates & secrets” page.',
      'Choose “New client secret”, give it a description and an expiry, and add it.',
      'Copy the text in the Value column straight away (not the Secret ID).'],
  },
  certificatePath: {
    label: 'Certificate file', key: 'certificatePath', input: 'certificate-path', page: 'app-credentials',
    hint: 'The full path of a .pfx file, or a .pem file that includes the private key.',
    where: ['Upload the certificate’s public part (.cer) on the app’s “Certificates & secrets” page.',
      'Keep the .pfx (with its private key) on this computer and type its path here.'],
  },
  certificatePassword: {
    label: 'Certificate password (if it has one)', input: 'certificate-password',
    secret: 'certificate-password', hintKey: 'certificatePassword', optional: true,
    hint: 'Leave empty when the file has no password.',
  },
  username: {
    label: 'User name', key: 'username', input: 'username',
    hint: 'Usually your work email address.',
  },
  password: {
    label: 'Password', input: 'password', secret: 'password', hintKey: 'password',
    hint: ({ info, state }) => `Sent only to ${secretGoesTo(info, state.draft)}.`,
  },
  workspace: {
    label: 'Workspace ID (optional)', key: 'workspace', input: 'workspace', page: 'workspace',
    optional: true,
    hint: 'The workspace your reports or datasets are in. Leave empty if the app sees only one.',
    where: ['Open the workspace in Power BI.',
      'Copy the ID from the address bar: the part after /groups/.'],
  },
};

const PROBLEM_FIELD = { tenant: 'tenant', clientId: 'clientId', clientSecret: 'clientSecret',
  username: 'username', certificate: 'certificatePath', password: 'password' };

function fieldsFor(draft) {
  const list = ['tenant', 'clientId'];
  if (draft.method === 'client-secret') list.push('clientSecret');
  if (draft.method === 'certificate') list.push('certificatePath', 'certificatePassword');
  if (draft.method === 'password') list.push('username', 'password');
  if (draft.goal === 'embed' || draft.goal === 'data') list.push('workspace');
  return list;
}

export function render(ctx) {
  const { state, back, next } = ctx;
  const draft = state.draft;
  const touched = new Set(fieldsFor(draft).filter((f) => FIELDS[f].key && draft[FIELDS[f].key]));
  const errors = {};
  const inputs = {};
  const remembered = {};

  const showProblem = (name, message) => {
    const el = errors[name];
    if (!el) return;
    el.textContent = message || '';
    el.hidden = !message;
    inputs[name]?.setAttribute('aria-invalid', message ? 'true' : 'false');
  };

  let pending = null;
  const validate = async ({ all = false } = {}) => {
    const problems = await validateDraft(draft);
    const byField = {};
    for (const p of problems) byField[PROBLEM_FIELD[p.field] ?? p.field] = p.message;
    for (const name of fieldsFor(draft)) {
      if (FIELDS[name].secret) continue;
      if (all || touched.has(name)) showProblem(name, byField[name]);
    }
    return Object.keys(byField).filter((f) => fieldsFor(draft).includes(f));
  };
  const validateSoon = () => {
    clearTimeout(pending);
    pending = setTimeout(() => validate().catch(() => {}), 150);
  };

  const secretNow = async (name) => {
    const f = FIELDS[name];
    const value = inputs[name].value;
    if (!value) {
      if (f.optional || state.hints[f.hintKey]) return true;
      showProblem(name, `Type the ${f.label.toLowerCase().replace(/ \(.*\)$/, '')}.`);
      return false;
    }
    if (remembered[name] === value) return true;
    try {
      // Nothing appears on success: a line showing up as the field loses focus would move the
      // Continue button under the pointer. The hint shows when the person comes back here.
      state.hints[f.hintKey] = await rememberSecret(f.secret, value);
      remembered[name] = value;
      showProblem(name, '');
      return true;
    } catch (e) {
      showProblem(name, e.title);
      return false;
    }
  };

  const field = (name) => {
    const f = FIELDS[name];
    const hintId = `${f.input}-hint`;
    const errorId = `${f.input}-error`;
    const input = h('input', {
      id: f.input, name: f.input,
      type: f.secret ? 'password' : 'text',
      autocomplete: f.secret ? 'off' : 'on',
      spellcheck: 'false',
      'aria-describedby': `${hintId} ${errorId}${f.secret ? ` ${f.input}-kept` : ''}`,
      'aria-required': f.optional ? 'false' : 'true',
    });
    if (f.key) input.value = draft[f.key] ?? '';
    inputs[name] = input;
    const error = h('p', { class: 'error', id: errorId, hidden: true });
    errors[name] = error;
    if (f.key) {
      input.addEventListener('input', () => {
        draft[f.key] = input.value;
        if (touched.has(name)) validateSoon();
      });
      input.addEventListener('blur', () => {
        if (input.value) touched.add(name);
        validateSoon();
      });
    } else {
      // Checked when the person moves on from the field, except towards Continue, which checks
      // everything itself (a message appearing mid-click would move the button away).
      input.addEventListener('blur', (e) => {
        if (input.value && e.relatedTarget?.id !== 'continue') secretNow(name);
      });
    }
    // Only a client secret shows its last characters; of a password, not one character is shown.
    const keptText = () => {
      const hint = state.hints[f.hintKey];
      if (!hint) return '';
      const replace = 'Type a new one to replace it.';
      if (f.hintKey === 'clientSecret') {
        return `Keyway keeps the value ending ${hint} for this session. ${replace}`;
      }
      return `${f.label.replace(/ \(.*\)$/, '')} kept for this session. ${replace}`;
    };
    const kept = f.secret
      ? h('p', { class: 'hint kept', id: `${f.input}-kept` }, keptText()) : null;
    const reveal = f.secret ? h('button', {
      type: 'button', class: 'link small', 'aria-controls': f.input, 'aria-pressed': 'false',
      onclick: (e) => {
        const shown = input.type === 'text';
        input.type = shown ? 'password' : 'text';
        e.currentTarget.setAttribute('aria-pressed', String(!shown));
        e.currentTarget.textContent = shown ? 'Show' : 'Hide';
      },
    }, 'Show') : null;
    let where = null;
    if (f.where) {
      const linkSlot = h('span');
      where = h('details', { class: 'where' },
        h('summary', {}, 'Where do I find this?'),
        h('ol', {}, f.where.map((s) => h('li', {}, s))),
        linkSlot);
      where.addEventListener('toggle', async () => {
        if (!where.open || linkSlot.childElementCount || !f.page) return;
        try {
          const url = await portalLink(draft, f.page);
          if (url) linkSlot.append(openButton(draft, url, 'Open this page', { id: `${f.input}-open` }));
        } catch { /* the steps above still say where */ }
      });
    }
    return h('div', { class: 'field wide' },
      h('label', { for: f.input }, f.label),
      h('p', { class: 'hint', id: hintId }, typeof f.hint === 'function' ? f.hint(ctx) : f.hint),
      h('div', { class: 'input-row' }, input, reveal),
      error, kept, where);
  };

  const scopes = draft.goal === 'delegated' ? h('fieldset', { class: 'field wide scopes' },
    h('legend', {}, 'Permissions to ask for'),
    h('p', { class: 'hint' }, 'Pick what the tool needs to do as you. Each must also be added on the app’s API permissions page.'),
    SCOPES.map((s) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', value: s, checked: draft.scopes.includes(s),
        onchange: (e) => {
          draft.scopes = e.target.checked ? [...new Set([...draft.scopes, s])]
            : draft.scopes.filter((x) => x !== s);
        } }), s))) : null;

  const summary = h('p', { class: 'error', id: 'details-summary', role: 'alert', hidden: true });
  const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
    fieldsFor(draft).map(field),
    scopes,
    summary,
    actions(backButton(back),
      h('button', { type: 'submit', class: 'primary', id: 'continue' }, 'Continue')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const bad = await validate({ all: true });
    for (const name of fieldsFor(draft).filter((n) => FIELDS[n].secret)) {
      if (!(await secretNow(name))) bad.push(name);
    }
    if (bad.length) {
      const order = fieldsFor(draft).filter((n) => bad.includes(n));
      summary.textContent = order.length === 1 ? '1 field needs attention.'
        : `${order.length} fields need attention.`;
      summary.hidden = false;
      inputs[order[0]]?.focus();
      return;
    }
    summary.hidden = true;
    for (const name of fieldsFor(draft).filter((n) => FIELDS[n].secret)) inputs[name].value = '';
    announce('Details accepted.');
    next();
  });
  if (touched.size) setTimeout(() => validate().catch(() => {}), 0);

  return [
    heading('Your app registration'),
    h('p', { class: 'lead' },
      'These come from the app registration in the Azure portal. Keyway checks each one as you type.'),
    form,
  ];
}
