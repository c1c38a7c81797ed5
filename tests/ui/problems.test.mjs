// How an explanation shows, with the engine's answers taken from the real core (`keyway` against
// fakecloud, and `keyway explain` on a text collected from a public thread): who can fix it, the
// other codes the text held, and a master user met by multi-factor sign-in offered an app instead.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  launch, openUi, coreAppInfo, ARTIFACTS, ROOT, at, calls, noViolations, shot,
} from '../support/ui-harness.mjs';
import { startFakecloud, cloudArgs, coreExplain, CONTOSO, DESKTOP, KEYWAY } from '../support/core.mjs';

let browser;
let info;
let fc;

before(async () => {
  info = coreAppInfo();
  browser = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
  fc = await startFakecloud();
});
after(async () => { await browser?.close(); fc?.stop(); });

const responses = (extra) => ({ app_info: info, list_profiles: { cards: [], notice: null },
  validate_draft: [], remember_secret: '…', open_link: null, cancel_sign_in: null,
  forget_session: null, ...extra });

/** The core's explanation of a failed `keyway` run (it prints `{ ok: false, error }`). */
function refusal(args, input) {
  try {
    execFileSync(KEYWAY, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return JSON.parse(e.stdout).error;
  }
  throw new Error('expected a failure');
}

async function toSignIn(page, method, fill) {
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  await page.check('input[value="embed"]');
  await page.click('#continue');
  await at(page, 'method');
  await page.check(`input[value="${method}"]`);
  await page.click('#continue');
  await at(page, 'details');
  for (const [sel, value] of fill) await page.fill(sel, value);
  await page.click('#continue');
  await at(page, 'signin');
}

test('a master user who meets multi-factor sign-in is told it can\'t run unattended and offered an app instead', async () => {
  const refused = refusal(['token', ...cloudArgs(fc), '--tenant', CONTOSO, '--client-id', DESKTOP.client,
    '--username', 'grace@contoso.com', '--password-stdin', '--json'], 'Correct-Horse-42');
  assert.equal(refused.code, 'AADSTS50076');
  assert.equal(refused.instead, 'service-principal');
  const { page, context } = await openUi(browser, { responses: responses({ sign_in: { __error: refused } }) });
  await toSignIn(page, 'password', [['#tenant', CONTOSO], ['#client-id', DESKTOP.client],
    ['#username', 'grace@contoso.com'], ['#password', 'Correct-Horse-42']]);
  await page.click('#get-token');
  await page.locator('#signin-problem').waitFor();
  assert.match(await page.locator('#signin-problem').textContent(), /unattended/);
  await noViolations(page, 'a master user met by multi-factor sign-in');
  await shot(page, 'signin-mfa-use-an-app.png');
  await page.click('#use-an-app');
  await at(page, 'method');
  assert.equal(await page.locator('input[name="method"]:checked').getAttribute('value'), 'client-secret');
  await context.close();
});

test('an explanation says who can fix it and keeps the other codes the text held for support', async () => {
  // Real texts (tests/explain_corpus), explained by the core: one whose code's entry says who
  // fixes it and that held another code.
  const dir = path.join(ROOT, 'tests', 'explain_corpus');
  const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.toml'));
  const texts = await Promise.all(files.map((f) => readFile(path.join(dir, f), 'utf8')));
  const explained = texts.map((t) => coreExplain(/text = '''\n([\s\S]*?)'''/.exec(t)[1]))
    .find((x) => x.alsoSeen?.length && x.fixedBy);
  assert.ok(explained, 'a collected text with a wrapper code and an entry that says who fixes it');
  const { page, context } = await openUi(browser, { responses: responses({ sign_in: { __error: explained } }) });
  await toSignIn(page, 'client-secret', [['#tenant', CONTOSO], ['#client-id', DESKTOP.client],
    ['#client-secret', 'Emb8Q~current.secret-value_0123456789abcdef']]);
  await page.click('#get-token');
  const box = page.locator('#signin-problem');
  await box.waitFor();
  assert.match(await box.textContent(), new RegExp(`Who can fix it: ${explained.fixedBy}`));
  await box.locator('details.ids summary').click();
  assert.match(await box.locator('details.ids').textContent(), new RegExp(explained.alsoSeen[0]));
  assert.equal(await page.locator('#use-an-app').count(), 0);
  assert.equal((await calls(page, 'sign_in')).length, 1);
  await noViolations(page, 'an explanation with who can fix it and other codes');
  await context.close();
});

test('a tenant in another cloud: said before signing in, and one click chooses that cloud and signs in again', async () => {
  // Tailspin's discovery document names GCC High; "Public" was chosen.
  const wrong = refusal(['tenant-cloud', ...cloudArgs(fc), '--tenant', 'tailspin.onmicrosoft.us',
    '--expect', 'public', '--json']);
  assert.equal(wrong.code, 'CLOUD_MISMATCH');
  assert.equal(wrong.instead, 'cloud:gcchigh');
  const gcchigh = info.clouds.find((c) => c.id === 'gcchigh');
  const { page, context } = await openUi(browser, { responses: responses({
    sign_in: { __sequence: [{ __error: wrong }, { __error: wrong }] } }) });
  await toSignIn(page, 'client-secret', [['#tenant', 'tailspin.onmicrosoft.us'],
    ['#client-id', DESKTOP.client], ['#client-secret', 'Emb8Q~current.secret-value_0123456789abcdef']]);
  await page.click('#get-token');
  await page.locator('#signin-problem').waitFor();
  assert.match(await page.locator('#signin-problem-title').textContent(), /GCC High/);
  await noViolations(page, 'a tenant in another cloud');
  await shot(page, 'signin-wrong-cloud.png');
  await page.click('#use-cloud');
  await page.waitForFunction(() => window.__KEYWAY_CALLS__.filter((c) => c.cmd === 'sign_in').length === 2);
  const [first, second] = (await calls(page, 'sign_in')).map((c) => c.args.draft.cloud);
  assert.deepEqual([first, second], ['public', gcchigh.id]);
  await context.close();
});
