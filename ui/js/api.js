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

function bridge() {
  const tauri = globalThis.__TAURI__;
  if (!tauri || !tauri.core || typeof tauri.core.invoke !== 'function') {
    throw new KeywayError({
      code: 'NO_ENGINE',
      message: "This page isn't connected to Keyway's engine.",
      cause: 'The page was opened outside the Keyway app.',
      fix: ['Start Keyway from its icon or with the run command in the README.'],
    });
  }
  return tauri.core;
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
