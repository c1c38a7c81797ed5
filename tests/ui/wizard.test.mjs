// Every wizard screen in headless Chromium, with the engine's answers taken from the real core
// (the `keyway` CLI against fakecloud): each screen and error state checked with axe-core, and
// the service-principal flow done with the keyboard alone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  launch, openUi, coreAppInfo, ARTIFACTS, at, calls, noViolations, shot,
} from '../support/ui-harness.mjs';
import {
  startFakecloud, coreCheck, coreExplain, coreTokenSummary, coreProfilesNotice, coreCa, CONTOSO, FABRIKAM,
  EMBED, FABRIKAM_APP, DESKTOP,
} from '../support/core.mjs';
import { execFileSync } from 'node:child_process';
import { KEYWAY } from '../support/core.mjs';

let browser;
let info;
let fc;
const real = {};

function cliExplanation(args, input) {
  try {
    execFileSync(KEYWAY, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (e) {
    return JSON.parse(e.stdout).error;
  }
  throw new Error('expected a failure');
}

// The CLI's failure is an explanation; a typed value's problem names its field.
function cliError(args, input) {
  const x = cliExplanation(args, input);
  return { field: x.field, code: x.code, message: x.message };
}

before(async () => {
  info = coreAppInfo();
  browser = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
  fc = await startFakecloud();
  real.pass = coreCheck(fc, { tenant: CONTOSO, ...EMBED, goal: 'embed' });
  real.switchOff = coreCheck(fc, { tenant: FABRIKAM, ...FABRIKAM_APP, goal: 'embed' });
  real.badSecret = coreCheck(fc, { tenant: CONTOSO, client: EMBED.client,
    secret: 'Emb8Q~not.the.right.value_0123456789abcdef', goal: 'embed' }).items[0].problem;
  real.token = coreTokenSummary(fc, { tenant: CONTOSO, ...EMBED });
  // Field problems exactly as the core words them.
  real.badClientId = cliError(['token', '--tenant', CONTOSO, '--client-id', '1111-not-a-guid',
    '--client-secret-stdin', '--json'], EMBED.secret);
  real.secretId = cliError(['token', '--tenant', CONTOSO, '--client-id', EMBED.client,
    '--client-secret-stdin', '--json'], '5ec1d000-0000-4000-8000-000000000001');
  real.throttled = coreExplain('HTTP/1.1 429 Too Many Requests\nRetry-After: 30\n\n');
  // A custom cloud typed without https://, refused by the same core the Settings screen asks.
  real.badCloud = cliExplanation(['token', '--cloud', 'custom', '--authority-host',
    'login.example.com', '--powerbi-api', 'https://api.example.com', '--tenant', CONTOSO,
    '--client-id', EMBED.client, '--client-secret-stdin', '--json'], EMBED.secret);
});
after(async () => { await browser?.close(); fc?.stop(); });

const saved = { name: 'Sales embed', secretLocation: 'your keyring (Secret Service)',
  profileFile: '/home/someone/.config/keyway/profiles.json' };
const snippets = [
  { id: 'powershell', title: 'PowerShell', text: 'Connect-PowerBIServiceAccount -ServicePrincipal' },
  { id: 'python', title: 'Python (msal)', text: 'import msal' },
  { id: 'env', title: '.env file', text: 'POWERBI_CLIENT_ID=1111\nPOWERBI_CLIENT_SECRET=\n' },
];

function responses(extra = {}) {
  return {
    app_info: info, list_profiles: { cards: [], notice: null }, validate_draft: [],
    remember_secret: '…cdef',
    sign_in: real.token, run_checks: { __events: streamOf(real.pass), __result: real.pass },
    save_connection: saved, snippets, copy_access_token: 'eyJ0eXAi.fake.token',
    support_report: '/home/someone/Downloads/keyway-report-Sales-embed.html',
    portal_link: 'https://portal.azure.com/#view/Microsoft_AAD_RegisteredApps/ApplicationMenuBlade/~/Overview/appId/1111',
    open_link: null, cancel_sign_in: null, forget_session: null,
    ...extra,
  };
}

/** The events the core streams for an outcome: the plan, then each item. */
function streamOf(outcome) {
  return [{ event: 'planned', items: outcome.items.map((i) => ({ id: i.id, title: i.title })) },
    ...outcome.items.map((item) => ({ event: 'finished', item }))];
}

const focused = (page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.name);

/** Fills the path to the details screen for an embed goal with a client secret. */
async function toDetails(page) {
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  await page.check('input[value="embed"]');
  await page.click('#continue');
  await at(page, 'method');
  await page.click('#continue');
  await at(page, 'details');
}

test('home lists connections with their state, most urgent first, or says there are none', async () => {
  const cards = [
    { name: 'Finance refresh', goal: 'Push or refresh datasets from a script', method: 'App with a client secret', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'failing', badgeText: 'Failing', lastSummary: 'Power BI lets apps use its API: Power BI does not let apps in yet', daysLeft: null },
    { name: 'Sales embed', goal: 'Embed reports for customers', method: 'App with a client secret', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'expiring', badgeText: 'Secret expires in 12 days', lastSummary: 'Every check passed.', daysLeft: 12 },
    { name: 'My reports', goal: 'Call the API as myself', method: 'Sign in with my browser', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'working', badgeText: 'Working', lastSummary: 'Every check passed.', daysLeft: null },
  ];
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await openUi(browser,
      { responses: responses({ list_profiles: { cards, notice: null } }), colorScheme });
    await at(page, 'home');
    await page.waitForSelector('.card');
    assert.deepEqual(await page.locator('.card-title').allTextContents(), cards.map((c) => c.name));
    assert.deepEqual(await page.locator('.status-badge').allTextContents(), ['Failing', 'Secret expires in 12 days', 'Working']);
    await noViolations(page, `home (${colorScheme})`);
    await shot(page, `ui-home-${colorScheme}.png`);
    assert.deepEqual(problems, []);
    await context.close();
  }
  const { page, context } = await openUi(browser, { responses: responses() });
  await at(page, 'home');
  await page.getByText('No connections yet').waitFor();
  await noViolations(page, 'empty home');
  await context.close();
});

test('home says, calmly and once, that an unreadable file was moved aside', async () => {
  const notice = await coreProfilesNotice();
  assert.equal(notice.code, 'PROFILES_UNREADABLE');
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await openUi(browser, { colorScheme,
      responses: responses({ list_profiles: { cards: [], notice } }) });
    await at(page, 'home');
    const box = page.locator('#profiles-notice');
    await box.waitFor();
    assert.equal(await box.getAttribute('role'), 'status', 'read out, without interrupting');
    assert.equal(await box.locator('h2').textContent(), notice.title);
    assert.match(await box.textContent(), /nothing was deleted/);
    assert.match(await box.textContent(), /profiles\.json\.unreadable-/, 'where the old file is');
    await page.getByText('No connections yet').waitFor();
    await noViolations(page, `home with the notice (${colorScheme})`);
    await shot(page, `ui-home-notice-${colorScheme}.png`);
    await page.click('#profiles-notice-dismiss');
    assert.equal(await box.count(), 0, 'dismissed');
    assert.equal(await focused(page), 'new-connection', 'focus stays on the page');
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('the service-principal flow from empty to saved, with the keyboard alone', async () => {
  const { page, context, problems, requests } = await openUi(browser, { responses: responses() });
  await at(page, 'home');
  const key = (k) => page.keyboard.press(k);
  const tabTo = async (id, max = 30) => {
    for (let i = 0; i < max; i += 1) {
      if (await focused(page) === id) return;
      await key('Tab');
    }
    assert.fail(`Tab never reached #${id}; focus is on ${await focused(page)}`);
  };
  await tabTo('new-connection');
  await key('Enter');
  await at(page, 'start');
  assert.equal(await focused(page), 'step-title', 'each step moves focus to its heading');
  await key('Tab'); // the goal group
  await key('Space');
  assert.equal(await page.locator('input[name="goal"]:checked').getAttribute('value'), 'embed');
  await tabTo('continue');
  await key('Enter');
  await at(page, 'method');
  assert.equal(await page.locator('input[name="method"]:checked').getAttribute('value'), 'client-secret');
  await noViolations(page, 'method');
  await tabTo('continue');
  await key('Enter');
  await at(page, 'details');
  await noViolations(page, 'details');
  await tabTo('tenant');
  await page.keyboard.type(CONTOSO);
  await tabTo('client-id');
  await page.keyboard.type(EMBED.client);
  await tabTo('client-secret');
  await page.keyboard.type(EMBED.secret);
  await tabTo('continue');
  await key('Enter');
  await at(page, 'signin');
  await noViolations(page, 'sign in');
  // The secret went to the engine once, on its own; the draft never carries it.
  const remembered = await calls(page, 'remember_secret');
  assert.deepEqual(remembered.map((c) => c.args), [{ kind: 'client-secret', value: EMBED.secret }]);
  await tabTo('get-token');
  await key('Enter');
  await at(page, 'token');
  const signIn = await calls(page, 'sign_in');
  assert.equal(signIn.length, 1);
  assert.ok(!JSON.stringify(signIn[0].args).includes(EMBED.secret), 'no secret in the sign-in call');
  assert.equal(signIn[0].args.draft.clientId, EMBED.client);
  assert.match(await page.locator('#token-summary').textContent(), new RegExp(`the app ${EMBED.client}`));
  assert.match(await page.locator('#token-summary').textContent(), /ending …cdef/);
  await noViolations(page, 'token summary');
  await shot(page, 'ui-token.png');
  await tabTo('continue');
  await key('Enter');
  await at(page, 'checks');
  await page.waitForSelector('#verdict-text');
  assert.equal(await page.locator('#verdict-text').textContent(), 'Everything this goal needs is in place.');
  assert.equal(await page.locator('.check[data-status="pass"]').count(), real.pass.items.length);
  await noViolations(page, 'checks (all green)');
  await shot(page, 'ui-checks-pass.png');
  await tabTo('continue');
  await key('Enter');
  await at(page, 'save');
  assert.match(await page.locator('#where-saved').textContent(), /client secret goes into your keyring/);
  await noViolations(page, 'save');
  await tabTo('save');
  await key('Enter');
  await at(page, 'done');
  assert.match(await page.locator('#saved-where').textContent(), /Secret Service/);
  await page.waitForSelector('#snippet-powershell');
  // Tabs move with the arrow keys.
  await page.focus('#tab-powershell');
  await key('ArrowRight');
  assert.equal(await focused(page), 'tab-python');
  assert.equal(await page.locator('#snippet-python').textContent(), 'import msal');
  await noViolations(page, 'done');
  await shot(page, 'ui-done.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations(page, 'done (dark)');
  const save = await calls(page, 'save_connection');
  assert.equal(save[0].args.name, `Embed reports for customers (${CONTOSO})`);
  assert.deepEqual(problems, [], 'no console errors and no CSP violations');
  assert.ok(requests.every((u) => u.startsWith('http://keyway.test/')), `only local files: ${requests}`);
  await context.close();
});

test('each field is checked as typed, a pasted Secret ID is recognised, and Back keeps input', async () => {
  const { page, context } = await openUi(browser, { responses: responses({
    validate_draft: [real.badClientId],
    remember_secret: { __error: real.secretId },
  }) });
  await toDetails(page);
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', '1111-not-a-guid');
  await page.locator('#client-id').blur();
  await page.waitForSelector('#client-id-error:not([hidden])');
  assert.equal(await page.locator('#client-id-error').textContent(), real.badClientId.message);
  assert.equal(await page.locator('#client-id').getAttribute('aria-invalid'), 'true');
  await page.fill('#client-secret', '5ec1d000-0000-4000-8000-000000000001');
  await page.click('#continue');
  await page.waitForSelector('#client-secret-error:not([hidden])');
  assert.equal(await page.locator('#client-secret-error').textContent(), real.secretId.message);
  assert.match(real.secretId.message, /Secret ID/);
  assert.equal(await page.locator('#details-summary').textContent(), '2 fields need attention.');
  assert.equal(await focused(page), 'client-id', 'focus goes to the first field to fix');
  assert.equal(await page.locator('main').getAttribute('data-step'), 'details');
  await noViolations(page, 'details with errors');
  await shot(page, 'ui-details-errors.png');
  await page.click('#back');
  await at(page, 'method');
  await page.click('#continue');
  await at(page, 'details');
  assert.equal(await page.inputValue('#tenant'), CONTOSO);
  assert.equal(await page.inputValue('#client-id'), '1111-not-a-guid');
  await context.close();
});

test('a new connection makes the engine forget the last, and no character of a password shows', async () => {
  // The core answers a password with '…' only (tests/wizard.rs checks that answer).
  const { page, context, problems } = await openUi(browser, { responses: responses({ remember_secret: '…' }) });
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  assert.equal((await calls(page, 'forget_session')).length, 1);
  await page.check('input[value="embed"]');
  await page.click('#continue');
  await at(page, 'method');
  await page.check('input[value="password"]');
  await page.click('#continue');
  await at(page, 'details');
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', DESKTOP.client);
  await page.fill('#username', 'ada@contoso.com');
  await page.fill('#password', 'Correct-Horse-42');
  await page.click('#continue');
  await at(page, 'signin');
  assert.deepEqual((await calls(page, 'remember_secret')).map((c) => c.args.kind), ['password']);
  await page.click('#back');
  await at(page, 'details');
  const kept = await page.locator('#password-kept').textContent();
  assert.equal(kept, 'Password kept for this session. Type a new one to replace it.');
  assert.equal((await calls(page, 'cancel_sign_in')).length, 0, 'nothing was waiting to cancel');
  await noViolations(page, 'details with a kept password');
  assert.deepEqual(problems, []);
  await context.close();
});

test('"Where do I find this?" gives steps and opens the exact portal page', async () => {
  const { page, context } = await openUi(browser, { responses: responses() });
  await toDetails(page);
  await page.fill('#client-id', EMBED.client);
  await page.click('#client-id + * summary, .field:has(#client-id) summary');
  await page.waitForSelector('#client-id-open');
  await page.click('#client-id-open');
  const [portal] = await calls(page, 'portal_link');
  assert.equal(portal.args.page, 'app-overview');
  const [open] = await calls(page, 'open_link');
  assert.match(open.args.url, /\/Overview\/appId\//);
  await noViolations(page, 'details with help open');
  await context.close();
});

test('a refused sign-in is explained in place, with the fix and the page', async () => {
  const { page, context } = await openUi(browser, { responses: responses({ sign_in: { __error: real.badSecret } }) });
  await toDetails(page);
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', EMBED.client);
  await page.fill('#client-secret', 'Emb8Q~not.the.right.value_0123456789abcdef');
  await page.click('#continue');
  await at(page, 'signin');
  await page.click('#get-token');
  await page.waitForSelector('#signin-problem');
  const text = await page.locator('#signin-problem').textContent();
  assert.match(text, new RegExp(real.badSecret.title));
  assert.match(text, /Certificates & secrets/);
  assert.equal(await page.locator('#signin-problem ol.fix li').count(), real.badSecret.fix.length);
  assert.match(await page.locator('#signin-problem .ids').textContent(), /AADSTS7000215/);
  assert.equal(await page.locator('#get-token').textContent(), 'Try again');
  assert.equal(await focused(page), 'signin-problem-title');
  await noViolations(page, 'sign-in error');
  await shot(page, 'ui-signin-error.png');
  await context.close();
});

test('device code: the code large with copy, the sign-in page, a countdown, and cancel', async () => {
  const code = { event: 'device-code', userCode: 'FCKW7D2Q', verificationUri: `${fc.https}/devicelogin`, expiresIn: 900, message: null };
  const { page, context } = await openUi(browser, { responses: responses({
    sign_in: { __hold: true, __events: [code] },
  }) });
  await at(page, 'home');
  await page.click('#new-connection');
  await page.check('input[value="delegated"]');
  await page.click('#continue');
  await page.check('input[value="device-code"]');
  await page.click('#continue');
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', '33333333-3333-4333-8333-333333333333');
  await page.click('#continue');
  await at(page, 'signin');
  await page.click('#get-token');
  await page.waitForSelector('#user-code');
  assert.equal(await page.locator('#user-code').textContent(), 'FCKW7D2Q');
  const size = await page.locator('#user-code').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  assert.ok(size >= 30, `the code is large (${size}px)`);
  assert.match(await page.locator('#code-timer').textContent(), /The code works for 1[45]:\d\d more/);
  assert.equal(await page.locator('#cancel').isVisible(), true);
  await page.click('#open-signin-page');
  assert.equal((await calls(page, 'open_link'))[0].args.url, code.verificationUri);
  await noViolations(page, 'device code');
  await shot(page, 'ui-device-code.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations(page, 'device code (dark)');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.click('#cancel');
  assert.equal((await calls(page, 'cancel_sign_in')).length, 1);
  const cancelled = coreExplain('SIGN_IN_CANCELLED');
  await page.evaluate((e) => window.__KEYWAY_SETTLE__('sign_in', { __error: { ...e, code: 'SIGN_IN_CANCELLED', title: 'The sign-in was cancelled', cause: 'It was stopped here in Keyway.', fix: ['Start it again when you are ready.'] } }), cancelled);
  await page.waitForSelector('#signin-problem');
  assert.match(await page.locator('#signin-problem').textContent(), /cancelled/);
  await context.close();
});

test('a failing check shows its cause, numbered fix, the page, and Check again reruns', async () => {
  const { page, context } = await openUi(browser, { responses: responses({
    run_checks: { __sequence: [
      { __events: streamOf(real.switchOff), __result: real.switchOff },
      { __events: streamOf(real.pass), __result: real.pass },
    ] },
  }) });
  await toDetails(page);
  await page.fill('#tenant', FABRIKAM);
  await page.fill('#client-id', FABRIKAM_APP.client);
  await page.fill('#client-secret', FABRIKAM_APP.secret);
  await page.click('#continue');
  await page.click('#get-token');
  await at(page, 'token');
  await page.click('#continue');
  await at(page, 'checks');
  await page.waitForSelector('#verdict-text');
  const item = page.locator('#check-tenant-switch');
  assert.equal(await item.getAttribute('data-status'), 'fail');
  const text = await item.textContent();
  const problem = real.switchOff.items.find((i) => i.id === 'tenant-switch').problem;
  assert.match(text, /Why: /);
  assert.match(text, /Power BI tenant settings/);
  assert.equal(await item.locator('ol.fix li').count(), problem.fix.length);
  assert.equal(await page.locator('#check-security-group').getAttribute('data-status'), 'skipped');
  assert.match(await page.locator('#verdict-text').textContent(), /1 problem to fix/);
  await noViolations(page, 'checks with a failure');
  await shot(page, 'ui-checks-fail.png');
  await page.emulateMedia({ colorScheme: 'dark' });
  await noViolations(page, 'checks with a failure (dark)');
  await shot(page, 'ui-checks-fail-dark.png');
  await page.emulateMedia({ colorScheme: 'light' });
  // Screen readers hear each item as it finishes.
  assert.ok((await page.locator('#announcer').textContent()).length > 0);
  await page.click('#again-tenant-switch');
  await page.waitForSelector('#check-tenant-switch[data-status="pass"]');
  assert.equal((await calls(page, 'run_checks')).length, 2);
  await context.close();
});

test('a locked keyring is explained and nothing typed is lost', async () => {
  const locked = { code: 'KEYRING_LOCKED', title: 'Your keyring is locked.', cause: 'The Secret Service asked for it to be unlocked.', fix: ['Unlock your keyring (your login password usually does it), then save again.'] };
  const { page, context } = await openUi(browser, { responses: responses({ save_connection: { __sequence: [{ __error: locked }, saved] } }) });
  await toDetails(page);
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', EMBED.client);
  await page.fill('#client-secret', EMBED.secret);
  await page.click('#continue');
  await page.click('#get-token');
  await at(page, 'token');
  await page.click('#continue');
  await page.waitForSelector('#verdict-text');
  await page.click('#continue');
  await at(page, 'save');
  await page.fill('#connection-name', 'Sales embed');
  await page.fill('#secret-expires', '2027-06-30');
  await page.click('#save');
  await page.waitForSelector('#save-problem');
  assert.match(await page.locator('#save-problem').textContent(), /Unlock your keyring/);
  assert.equal(await page.inputValue('#connection-name'), 'Sales embed');
  assert.equal(await page.inputValue('#secret-expires'), '2027-06-30');
  await noViolations(page, 'save error');
  await page.click('#save');
  await at(page, 'done');
  const args = (await calls(page, 'save_connection')).map((c) => c.args);
  assert.deepEqual(args[1], { name: 'Sales embed', replace: false, secretExpires: '2027-06-30' });
  await context.close();
});

test('a preset from the help desk fills in everything but the secret', async () => {
  const draft = { goal: 'embed', cloud: 'gcchigh', custom: null, tenant: CONTOSO, clientId: EMBED.client,
    method: 'client-secret', username: null, certificatePath: null, workspace: 'f0f0f0f0-1111-4111-8111-000000000001', scopes: [], v1: false };
  const { page, context } = await openUi(browser,
    { responses: responses({ read_preset: { draft, customHosts: [] } }) });
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-preset-'));
  const file = path.join(dir, 'preset.json');
  await writeFile(file, JSON.stringify({ schema: 1, name: 'Sales' }));
  await page.setInputFiles('#preset-file', file);
  await at(page, 'details');
  assert.equal(await page.inputValue('#tenant'), CONTOSO);
  assert.equal(await page.inputValue('#workspace'), draft.workspace);
  assert.equal(await page.inputValue('#client-secret'), '');
  const [read] = await calls(page, 'read_preset');
  assert.match(read.args.text, /"schema":1/);
  assert.match(await page.locator('#client-secret-hint').textContent(),
    /Sent only to login\.microsoftonline\.us \(Microsoft’s sign-in service\)/);
  await context.close();
});

test('a preset with its own cloud shows every address before anything is typed', async () => {
  // The host from a real phishing pattern: Microsoft's name as a prefix of someone else's.
  const evil = 'https://login.microsoftonline.com.evil.example';
  const draft = { goal: 'embed', cloud: 'custom', custom: { authorityHost: evil, powerbiApi: evil },
    tenant: CONTOSO, clientId: EMBED.client, method: 'client-secret', scopes: [], v1: false };
  const read = { draft, customHosts: [evil, 'https://graph.microsoft.com'] };
  const { page, context } = await openUi(browser,
    { responses: responses({ read_preset: read, trust_preset_cloud: null }) });
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-preset-'));
  const file = path.join(dir, 'preset.json');
  await writeFile(file, JSON.stringify({ keywayPreset: 1, name: 'Sales' }));
  await page.setInputFiles('#preset-file', file);
  await at(page, 'trust');
  assert.equal(await page.locator('#preset-sign-in-host').textContent(), evil);
  assert.match(await page.locator('main').textContent(), /does not go to Microsoft/);
  await noViolations(page, 'trust a preset cloud');
  await shot(page, 'ui-preset-trust.png');
  // Declining leaves nothing behind: back to the start, the draft untouched.
  await page.click('#trust-cancel');
  await at(page, 'start');
  assert.equal((await calls(page, 'trust_preset_cloud')).length, 0);
  await page.setInputFiles('#preset-file', file);
  await at(page, 'trust');
  await page.click('#trust-continue');
  await at(page, 'details');
  assert.equal((await calls(page, 'trust_preset_cloud')).length, 1);
  assert.match(await page.locator('#client-secret-hint').textContent(),
    /Sent only to https:\/\/login\.microsoftonline\.com\.evil\.example \(your custom cloud, not Microsoft\)/);
  await context.close();
});

test('settings: secret expiry dates, and a custom cloud checked before it is used', async () => {
  const cards = [{ name: 'Sales embed', goal: 'Embed reports for customers', method: 'App with a client secret', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'working', badgeText: 'Working', lastSummary: null, secretExpires: '2027-01-31', daysLeft: 69 }];
  const { page, context } = await openUi(browser, { responses: responses({
    list_profiles: { cards, notice: null }, set_secret_expiry: null,
    set_custom_cloud: { __sequence: [{ __error: real.badCloud }, null] } }) });
  await at(page, 'home');
  await page.click('#open-settings');
  await at(page, 'settings');
  await page.waitForSelector('#expiry-0');
  assert.equal(await page.inputValue('#expiry-0'), '2027-01-31');
  await page.fill('#expiry-0', '2027-06-30');
  await page.click('#expiry-save-0');
  await page.getByText('Saved.').waitFor();
  assert.deepEqual((await calls(page, 'set_secret_expiry'))[0].args, { name: 'Sales embed', date: '2027-06-30' });
  await page.fill('#custom-authorityHost', 'login.example.com');
  await page.fill('#custom-powerbiApi', 'https://api.example.com');
  await page.click('#save-settings');
  assert.equal(real.badCloud.code, 'CUSTOM_CLOUD_INVALID');
  assert.match(await page.locator('#settings-error').textContent(), /"login\.example\.com" can't be used/);
  assert.equal(await focused(page), 'custom-authorityHost');
  await noViolations(page, 'settings');
  await page.fill('#custom-authorityHost', 'https://login.example.com');
  await page.click('#save-settings');
  await at(page, 'home');
  const set = (await calls(page, 'set_custom_cloud')).map((c) => c.args.custom.authorityHost);
  assert.deepEqual(set, ['login.example.com', 'https://login.example.com']);
  await page.click('#new-connection');
  assert.equal(await page.locator('#cloud').inputValue(), 'custom');
  await context.close();
});

test('a saved connection is renewed from its card: the administrator\'s code, then the new expiry said', async () => {
  const cards = [{ name: 'Sales embed', goal: 'Embed reports for customers', method: 'App with a client secret', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'expiring', badgeText: 'Secret expires in 9 days', lastSummary: null, secretExpires: '2026-12-16', daysLeft: 9, renew: 'secret' },
    { name: 'Me', goal: 'Call the API as yourself', method: 'Sign in in the browser', cloud: 'Public (worldwide)', tenant: CONTOSO, clientId: EMBED.client, badge: 'working', badgeText: 'Working', lastSummary: null, renew: null }];
  const code = { event: 'device-code', userCode: 'RNW4ZK9QP', verificationUri: 'https://microsoft.com/devicelogin', expiresIn: 900, message: null };
  const { page, context } = await openUi(browser, { responses: responses({
    list_profiles: { cards, notice: null },
    open_profile: { cloud: 'public', tenant: CONTOSO, clientId: EMBED.client, method: 'client-secret' },
    renew_connection: { __events: [code], __result: { expires: '2027-06-07', removed: '2c8f0d5e-1111-4111-8111-000000000001' } },
  }) });
  await at(page, 'home');
  assert.equal(await page.locator('#renew-button-me').count(), 0, 'a browser sign-in has nothing to renew');
  await page.click('#renew-button-sales-embed');
  await page.locator('#status-sales-embed', { hasText: /Renewed “Sales embed”: the new one works/ }).waitFor();
  assert.match(await page.locator('#status-sales-embed').textContent(), /expires on 2027-06-07\. The old one was removed\./);
  assert.deepEqual((await calls(page, 'renew_connection'))[0].args.name, 'Sales embed');
  await noViolations(page, 'home after renewing');
  await context.close();
});

test('settings: the company certificate authority is checked by the engine, named, and can be forgotten', async () => {
  const notCa = path.join(os.tmpdir(), `keyway-not-a-ca-${process.pid}.pem`);
  await writeFile(notCa, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
  const [none, refused, trusted, forgotten] = await coreCa(['show'], ['trust', notCa], ['trust', fc.ca], ['forget']);
  assert.equal(refused.__error.code, 'CA_CERT_INVALID');
  const { page, context } = await openUi(browser, { responses: responses({
    list_profiles: { cards: [], notice: null }, company_ca: none,
    set_company_ca: { __sequence: [refused, trusted, forgotten] } }) });
  await at(page, 'home');
  await page.click('#open-settings');
  await at(page, 'settings');
  await page.getByText('None: Keyway trusts the same authorities as this computer.').waitFor();
  assert.equal(await page.locator('#ca-remove').isHidden(), true);
  await page.setInputFiles('#ca-file', { name: 'key.pem', mimeType: 'application/x-pem-file',
    buffer: Buffer.from('-----BEGIN PRIVATE KEY-----') });
  await page.locator('#ca-error').waitFor();
  assert.match(await page.locator('#ca-error').textContent(), new RegExp(refused.__error.title));
  await page.setInputFiles('#ca-file', { name: 'company.pem', mimeType: 'application/x-pem-file',
    buffer: await readFile(fc.ca) });
  await page.getByText(`Trusted here: ${trusted.names.join(', ')}.`).waitFor();
  assert.equal(await page.locator('#ca-error').isHidden(), true);
  const sent = (await calls(page, 'set_company_ca')).map((c) => c.args.pem?.slice(0, 27) ?? null);
  assert.deepEqual(sent, ['-----BEGIN PRIVATE KEY-----', '-----BEGIN CERTIFICATE-----']);
  await noViolations(page, 'settings with a company authority');
  await page.screenshot({ path: path.join(ARTIFACTS, 'settings-company-ca.png'), fullPage: true });
  await page.click('#ca-remove');
  await page.getByText('None: Keyway trusts the same authorities as this computer.').waitFor();
  assert.equal((await calls(page, 'set_company_ca')).at(-1).args.pem, null);
  await context.close();
});

test('at 800×600 the busiest screens need no sideways scrolling', async () => {
  const { page, context } = await openUi(browser, { responses: responses({
    run_checks: { __events: streamOf(real.switchOff), __result: real.switchOff },
  }), viewport: { width: 800, height: 600 } });
  await toDetails(page);
  const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.equal(await overflow(), 0, 'details');
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', EMBED.client);
  await page.fill('#client-secret', EMBED.secret);
  await page.click('#continue');
  await page.click('#get-token');
  await page.click('#continue');
  await page.waitForSelector('#verdict-text');
  assert.equal(await overflow(), 0, 'checks');
  await shot(page, 'ui-checks-800x600.png');
  await context.close();
});

test('a throttled call is explained from its real body', () => {
  // The explanation the checks screen shows for a 429 comes from the core's catalogue.
  assert.equal(real.throttled.code, 'HTTP_429');
  assert.equal(real.throttled.retryAfter, 30);
});

test('the remaining error states: a bad preset, an unreadable list, and the browser sign-in waiting', async () => {
  const badPreset = { code: 'PRESET_INVALID', title: 'This preset can\'t be used',
    cause: 'Some of its values are missing or not in the right form.',
    fix: [real.badClientId.message] };
  // The address the core sends with the event: PKCE challenge and state, no secret.
  const signInUrl = `${fc.https}/${CONTOSO}/oauth2/v2.0/authorize?response_type=code`
    + '&client_id=33333333-3333-4333-8333-333333333333&state=Yx2mB9&code_challenge=E9Melhoa2Owv'
    + '&code_challenge_method=S256&redirect_uri=http%3A%2F%2Flocalhost%3A50123%2F';
  const unreadable = { code: 'PROFILES_NEWER', title: 'Saved connections can\'t be read',
    cause: 'The file was written by a newer Keyway.', fix: ['Update Keyway.'] };
  const { page, context } = await openUi(browser, { responses: responses({
    read_preset: { __error: badPreset },
    list_profiles: { __sequence: [{ __error: unreadable }, { cards: [], notice: null }] },
    sign_in: { __hold: true, __events: [{ event: 'browser-opened', url: signInUrl }] },
  }) });
  await at(page, 'home');
  await page.waitForSelector('#problem');
  assert.match(await page.locator('#problem').textContent(), /newer Keyway/);
  await noViolations(page, 'home with an error');
  await page.click('#new-connection');
  await at(page, 'start');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'keyway-preset-'));
  const file = path.join(dir, 'bad.json');
  await writeFile(file, '{"schema": 1, "clientId": "nope"}');
  await page.setInputFiles('#preset-file', file);
  await page.waitForSelector('#preset-problem');
  assert.match(await page.locator('#preset-problem').textContent(), /Application \(client\) ID/);
  assert.equal(await page.locator('main').getAttribute('data-step'), 'start');
  await noViolations(page, 'start with a bad preset');
  // Browser sign-in: waiting, with Cancel.
  await page.check('input[value="delegated"]');
  await page.click('#continue');
  await page.check('input[value="browser"]');
  await page.click('#continue');
  await page.fill('#tenant', CONTOSO);
  await page.fill('#client-id', '33333333-3333-4333-8333-333333333333');
  await page.click('#continue');
  await at(page, 'signin');
  assert.equal(await page.locator('#get-token').textContent(), 'Open the browser');
  await page.click('#get-token');
  await page.waitForFunction(() => /Your browser is open/.test(document.getElementById('signin-status').textContent));
  assert.equal(await page.locator('#cancel').isVisible(), true);
  // Didn't open (a computer without a desktop)? The address is there to copy.
  assert.equal(await page.locator('#signin-address').textContent(), signInUrl);
  await page.evaluate(() => {
    // The test page is not a secure context, so it has no clipboard of its own: stand one in.
    window.__copied = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true,
      value: { writeText: async (t) => { window.__copied.push(t); } } });
  });
  await page.click('#copy-address');
  await page.waitForFunction(() => document.getElementById('address-copied').textContent === 'Copied.');
  assert.deepEqual(await page.evaluate(() => window.__copied), [signInUrl]);
  await noViolations(page, 'browser sign-in waiting');
  await shot(page, 'ui-browser-waiting.png');
  await page.click('#cancel');
  assert.equal((await calls(page, 'cancel_sign_in')).length, 1);
  await context.close();
});
