// The one door to Keyway's engine. Every call goes through a Tauri command; errors come back as
// explanations { code, title, cause, fix, link, linkLabel, … } so screens branch on `code`,
// never on message text. Invoke and Channel are Tauri's public API (@tauri-apps/api/core),
// vendored unchanged in ui/vendor/tauri-api/ by scripts/vendor-tauri-api.mjs.

import { invoke, Channel, isTauri } from '../vendor/tauri-api/core.js';

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

// Not in the app (a plain browser tab): say so instead of failing on a missing bridge.
function requireEngine() {
  if (!isTauri()) {
    throw new KeywayError({
      code: 'NO_ENGINE',
      message: "This page isn't connected to Keyway's engine.",
      cause: 'The page was opened outside the Keyway app.',
      fix: ['Start Keyway from its icon or with the run command in the README.'],
    });
  }
}

export async function call(command, args = {}) {
  try {
    requireEngine();
    return await invoke(command, args);
  } catch (err) {
    if (err instanceof KeywayError) throw err;
    if (err && typeof err === 'object' && 'code' in err) throw new KeywayError(err);
    throw new KeywayError({ code: 'COMMAND_FAILED', message: String(err) });
  }
}

// A channel the engine streams progress over; Tauri's Channel delivers messages in order.
export function channel(onmessage) {
  requireEngine();
  return new Channel(onmessage);
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
// { cards, notice }: `notice` is an explanation when the saved file could not be read and was
// moved aside (the list is then empty), else null.
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
// Links open only in the cloud the engine holds for this session; the page names it by its ID.
export const openLink = (draft, url) => call('open_link', { cloud: draft.cloud, url });
// { draft, customHosts }: a custom cloud's hosts must be confirmed before anything is sent there.
export const readPreset = (text) => call('read_preset', { text });
export const trustPresetCloud = () => call('trust_preset_cloud');
export const setCustomCloud = (custom) => call('set_custom_cloud', { custom });
export const companyCa = () => call('company_ca');
export const setCompanyCa = (pem) => call('set_company_ca', { pem });
export const setupSignIn = (cloud, tenant, onEvent, inBrowser = false, adminClient = null) =>
  call('setup_sign_in', { cloud, tenant, adminClient, inBrowser, events: channel(onEvent) });
export const setupWorkspaces = () => call('setup_workspaces');
export const practiceRequested = () => call('practice_requested');
export const startPractice = () => call('start_practice');
export const practiceDeviceCode = (userCode, approve) => call('practice_device_code', { userCode, approve });
export const practiceFix = (fix) => call('practice_fix', { fix });
export const setupPlan = (request) => call('setup_plan', { request });
export const renewConnection = (name, onEvent, months = 6, inBrowser = false) =>
  call('renew_connection', { name, months, inBrowser, events: channel(onEvent) });
export const setupApply = (onStep) => call('setup_apply', { events: channel(onStep) });
export const setupUndo = () => call('setup_undo');
