// The real core, for tests that need its answers: fakecloud (the emulator binary) and the
// `keyway` CLI, which runs the same code the app's commands call. UI tests take their fixtures
// from here instead of writing the engine's answers by hand.

import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { ROOT } from './ui-harness.mjs';

export const KEYWAY = process.env.KEYWAY_BIN || path.join(ROOT, 'target', 'debug', 'keyway');
export const FAKECLOUD = process.env.FAKECLOUD_BIN || path.join(ROOT, 'target', 'debug', 'fakecloud');

export const CONTOSO = 'contoso.onmicrosoft.com';
export const FABRIKAM = 'fabrikam.onmicrosoft.com';
export const EMBED = { client: '11111111-1111-4111-8111-111111111111', secret: 'Emb8Q~current.secret-value_0123456789abcdef' };
export const FABRIKAM_APP = { client: '77777777-7777-4777-8777-777777777777', secret: 'Fab8Q~fabrikam.secret-value_0123456789abcdef' };
export const DESKTOP = { client: '33333333-3333-4333-8333-333333333333' };

/** Starts fakecloud with the Contoso scenario; resolves to { https, http, ca, stop }. */
export async function startFakecloud() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-fc-'));
  const ca = path.join(dir, 'ca.pem');
  const child = spawn(FAKECLOUD, ['--ca-out', ca], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const first = await new Promise((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fakecloud exited (${code})`)));
  });
  lines.on('line', () => {}); // keep draining
  const where = JSON.parse(first);
  return { https: where.https, http: where.http, ca: where.ca, stop: () => child.kill('SIGTERM') };
}

/** The custom-cloud arguments that point the CLI at fakecloud. */
export function cloudArgs(fc) {
  return ['--cloud', 'custom', '--authority-host', fc.https, '--powerbi-api', fc.https,
    '--fabric-api', `${fc.https}/v1`, '--ca-cert', fc.ca];
}

function run(args, input) {
  try {
    return execFileSync(KEYWAY, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    if (e.status === 1 && e.stdout) return e.stdout; // a failed check still prints its result
    throw e;
  }
}

/** `keyway check --json` for an app with a client secret. */
export function coreCheck(fc, { tenant, client, secret, goal }) {
  return JSON.parse(run(['check', ...cloudArgs(fc), '--tenant', tenant, '--client-id', client,
    '--client-secret-stdin', '--goal', goal, '--json'], secret));
}

/** `keyway explain --json` on any error text. */
export function coreExplain(text) {
  return JSON.parse(run(['explain', '--json'], text));
}

/** What the core says of a token, shaped as the app's token summary. */
export function coreTokenSummary(fc, { tenant, client, secret }) {
  const t = JSON.parse(run(['token', ...cloudArgs(fc), '--tenant', tenant, '--client-id', client,
    '--client-secret-stdin', '--json'], secret));
  const c = t.claims;
  return {
    who: c.appOnly ? `the app ${c.appId}` : c.who, name: c.name ?? null, tenantId: c.tenantId,
    appId: c.appId, audience: c.audience, permissions: c.appOnly ? c.roles : c.scopes,
    appOnly: c.appOnly, expiresOn: t.expiresOn, secretHint: `…${secret.slice(-4)}`,
  };
}

/**
 * The notice the core gives when the saved profiles can't be read (here: a file saved as
 * UTF-16, not UTF-8), as an explanation { code, title, cause, fix }. The CLI prints it on
 * standard error as text (`keyway: TITLE [CODE]`, `Why: …`, `What to do:`, numbered steps).
 */
export async function coreProfilesNotice() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-notice-'));
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"schema": 1}', 'utf16le')]);
  await writeFile(path.join(dir, 'profiles.json'), utf16);
  const out = spawnSync(KEYWAY, ['status'], { encoding: 'utf8',
    env: { ...process.env, KEYWAY_CONFIG_DIR: dir } });
  await rm(dir, { recursive: true, force: true });
  const lines = out.stderr.split('\n');
  const head = /^keyway: (.*) \[([A-Z_]+)\]$/.exec(lines[0]);
  if (!head) throw new Error(`no notice from the core: ${out.stderr}`);
  const cause = lines.find((l) => l.startsWith('Why: ')).slice('Why: '.length);
  const fix = lines.filter((l) => /^ {2}\d+\. /.test(l)).map((l) => l.replace(/^ {2}\d+\. /, ''));
  return { code: head[2], title: head[1], cause, fix };
}

/**
 * `keyway ca ARGS --json` in a fresh settings folder: what the core answers about the company
 * certificate authority (`show`, `trust FILE`, `forget`), or its explanation when it refuses.
 */
export async function coreCa(...runs) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-ca-'));
  const answers = runs.map((args) => {
    const out = spawnSync(KEYWAY, ['ca', ...args, '--json'], { encoding: 'utf8',
      env: { ...process.env, KEYWAY_CONFIG_DIR: dir, KEYWAY_CA_CERT: '' } });
    const json = JSON.parse(out.stdout);
    return out.status === 0 ? json : { __error: json.error };
  });
  await rm(dir, { recursive: true, force: true });
  return answers;
}

/**
 * `keyway setup --json` against fakecloud, the administrator (Ada, or `upn`) approving the device
 * code as it is shown: `mode` is '--plan' or '--apply', `args` more flags. Resolves to the core's
 * JSON answer.
 */
export async function coreSetup(fc, mode, name = 'UI setup app', { upn = 'ada@contoso.com', args = [] } = {}) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-setup-'));
  const child = spawn(KEYWAY, ['setup', ...cloudArgs(fc),
    '--tenant', 'contoso.onmicrosoft.com', '--name', name, mode, '--json', ...args],
  { env: { ...process.env, KEYWAY_CONFIG_DIR: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const lines = readline.createInterface({ input: child.stderr });
  lines.on('line', async (line) => {
    const code = /enter the code (\S+)/.exec(line)?.[1];
    if (code) {
      await fetch(`${fc.http}/_fakecloud/device/approve`, { method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user_code: code, upn }) });
    }
  });
  await new Promise((resolve) => child.once('exit', resolve));
  await rm(dir, { recursive: true, force: true });
  return JSON.parse(out);
}
