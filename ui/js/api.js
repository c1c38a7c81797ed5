// The one door to Keyway's engine. Every call goes through a Tauri command; errors come back as
// explanations { code, title, cause, fix, link, linkLabel, … } so screens branch on `code`,
// never on message text.

// The engine's JSON is camelCase throughout, so an explanation's fields are taken as they come.
export class KeywayError extends Error {
  constructor(e = {}) {
    super(e.message || e.title || 'Something went wrong.');
    Object.assign(this, e);
    this.code = e.code || 'UNKNOWN';
    this.title = e.title || e.message || 'Something went wrong.';
    this.fix = e.fix || [];
  }
}

// Tauri's own `core.invoke` is a thin wrapper over `__TAURI_INTERNALS__.invoke`, which every
// Tauri 2 webview has. Calling it directly spares the window the whole global API bundle
// (`withGlobalTauri`), which costs start-up time and memory for nothing Keyway uses.
function bridge() {
  const tauri = globalThis.__TAURI_INTERNALS__ ?? globalThis.__TAURI__?.core;
  if (!tauri || typeof tauri.invoke !== 'function') {
    throw new KeywayError({
      code: 'NO_ENGINE',
      message: "This page isn't connected to Keyway's engine.",
      cause: 'The page was opened outside the Keyway app.',
      fix: ['Start Keyway from its icon or with the run command in the README.'],
    });
  }
  return tauri;
}

export async function call(command, args = {}) {
  try {
    return await bridge().invoke(command, args);
  } catch (err) {
    if (err instanceof KeywayError) throw err;
    if (err && typeof err === 'object' && 'code' in err) throw new KeywayError(err);
    throw new KeywayError({ code: 'COMMAND_FAILED', message: String(err) });
  }
}

// A channel the engine streams progress over (Tauri's `Channel`, without its JS bundle).
// Newer Tauri wraps each message as { index, message } to keep order; older sends it bare.
export function channel(onmessage) {
  const internals = bridge();
  let next = 0;
  const waiting = new Map();
  const id = internals.transformCallback((raw) => {
    if (raw && typeof raw === 'object' && 'index' in raw && ('message' in raw || 'end' in raw)) {
      if ('end' in raw) return;
      waiting.set(raw.index, raw.message);
      while (waiting.has(next)) {
        const m = waiting.get(next);
        waiting.delete(next);
        next += 1;
        onmessage(m);
      }
    } else {
      onmessage(raw);
    }
  });
  const ipc = () => `__CHANNEL__:${id}`;
  return { id, toJSON: ipc, __TAURI_TO_IPC_KEY__: ipc };
}

// The draft as the engine reads it: empty optional fields are absent, not "".
export function clean(draft) {
  const out = { ...draft };
  for (const k of ['username', 'certificatePath', 'workspace', 'goal', 'method']) {
    if (typeof out[k] === 'string' && !out[k].trim()) out[k] = null;
  }
  if (out.cloud !== 'custom') out.custom = null;
  return out;
}

export const appInfo = () => call('app_info');
export const listProfiles = () => call('list_profiles');
export const openProfile = (name) => call('open_profile', { name });
export const deleteProfile = (name) => call('delete_profile', { name });
export const setSecretExpiry = (name, date) => call('set_secret_expiry', { name, date: date || null });
export const validateDraft = (draft) => call('validate_draft', { draft: clean(draft) });
export const rememberSecret = (kind, value) => call('remember_secret', { kind, value });
export const signIn = (draft, onEvent) => call('sign_in', { draft: clean(draft), events: channel(onEvent) });
export const signInSaved = (name, onEvent) => call('sign_in_saved', { name, events: channel(onEvent) });
export const cancelSignIn = () => call('cancel_sign_in');
// Drops the typed secrets, token and answers the engine holds for the connection in progress.
export const forgetSession = () => call('forget_session');
export const runChecks = ({ goal, workspace, allowChanges }, onEvent) =>
  call('run_checks', { goal, workspace: workspace || null, allowChanges, events: channel(onEvent) });
export const saveConnection = ({ name, replace, secretExpires }) =>
  call('save_connection', { name, replace, secretExpires: secretExpires || null });
export const snippets = (draft) => call('snippets', { draft: clean(draft) });
export const copyAccessToken = () => call('copy_access_token');
export const supportReport = (name) => call('support_report', { name });
export const portalLink = (draft, page) => call('portal_link', { draft: clean(draft), page });
export const openLink = (draft, url) => call('open_link', { draft: clean(draft), url });
export const readPreset = (text) => call('read_preset', { text });
