// The one door to Keyway's engine. Every call goes through a Tauri command; errors come back as
// { code, message, cause, fix, link } so screens branch on `code`, never on message text.

export class KeywayError extends Error {
  constructor({ code = 'UNKNOWN', message = 'Something went wrong.', cause, fix, link } = {}) {
    super(message);
    this.code = code;
    this.cause = cause;
    this.fix = fix;
    this.link = link;
  }
}

// Tauri's own `core.invoke` is a thin wrapper over `__TAURI_INTERNALS__.invoke`, which every
// Tauri 2 webview has. Calling it directly spares the window the whole global API bundle
// (`withGlobalTauri`), which costs start-up time and memory for nothing Keyway uses.
function bridge() {
  const tauri = globalThis.__TAURI__?.core ?? globalThis.__TAURI_INTERNALS__;
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

export const appInfo = () => call('app_info');
