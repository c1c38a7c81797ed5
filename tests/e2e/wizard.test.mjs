// The real app (Tauri + WebKitGTK under Xvfb, over WebDriver) against fakecloud over HTTPS and a
// real Secret Service (gnome-keyring in this D-Bus session): a service principal from nothing to
// a saved, checked connection whose secret is in the keyring and in no file; a device-code
// sign-in approved through fakecloud; and a tenant whose switch is off, explained.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../support/window.mjs';
import { windowSteps, css } from '../support/window-steps.mjs';
import { ARTIFACTS } from '../support/ui-harness.mjs';
import { startFakecloud, CONTOSO, FABRIKAM, EMBED, FABRIKAM_APP, DESKTOP } from '../support/core.mjs';

let app;
let fc;
let config;


before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  fc = await startFakecloud();
  config = await mkdtemp(path.join(os.tmpdir(), 'keyway-e2e-'));
  app = await startApp({ env: { KEYWAY_CONFIG_DIR: config, KEYWAY_CA_CERT: fc.ca } });
});
after(async () => { await app?.stop(); fc?.stop(); });

const { find, at, click, type, text, screenshot, newConnection, detailsToChecks } = windowSteps(() => app);

// fakecloud's control API: a fault, a person's answer on another device, the world arranged.
async function control(path, body) {
  const res = await fetch(`${fc.http}/_fakecloud/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, await res.text());
}

async function useFakecloud() {
  await click('#open-settings');
  await at('settings');
  await type('#custom-authorityHost', fc.https);
  await type('#custom-powerbiApi', fc.https);
  await type('#custom-fabricApi', `${fc.https}/v1`);
  await screenshot('settings');
  await click('#save-settings');
  await at('home');
}


async function filesUnder(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...await filesUnder(p));
    else if (entry.isFile() && (await stat(p)).size < 5_000_000) out.push(p);
  }
  return out;
}

test('a service principal with a secret: from nothing to a saved, checked connection', async () => {
  await at('home', 30000);
  await useFakecloud();
  await newConnection('embed', 'client-secret');
  await type('#tenant', CONTOSO);
  await type('#client-id', EMBED.client);
  await type('#client-secret', EMBED.secret);
  await screenshot('details');
  await click('#continue');
  await at('signin');
  await screenshot('signin');
  await click('#get-token');
  await at('token', 30000);
  assert.match(await text('#token-summary'), new RegExp(`the app ${EMBED.client}`));
  await screenshot('token');
  await click('#continue');
  await at('checks');
  await find('#verdict-text', 30000);
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.');
  const passed = await app.driver.findElements(css('.check[data-status="pass"]'));
  assert.equal(passed.length, 8);
  await screenshot('checks-pass');
  await click('#continue');
  await at('save');
  await type('#connection-name', 'Sales embed');
  await screenshot('save');
  await click('#save');
  await at('done', 30000);
  assert.match(await text('#saved-where'), /Secret Service/);
  await find('#snippet-powershell');
  await screenshot('done');

  // The secret is in the keyring, under Keyway's name for it, bound to the host it is for...
  const account = `Sales embed@${fc.https}/client-secret`;
  const stored = execFileSync('secret-tool', ['lookup', 'service', 'keyway', 'username', account],
    { encoding: 'utf8' }).trim();
  assert.equal(stored, EMBED.secret);
  // ...and in no file Keyway wrote, nor anywhere in this session's home.
  const files = [...await filesUnder(config), ...await filesUnder(os.homedir())];
  assert.ok(files.some((f) => f.endsWith('profiles.json')), `the profile was written: ${files}`);
  for (const f of files) {
    const body = await readFile(f).catch(() => Buffer.alloc(0));
    assert.ok(!body.includes(EMBED.secret), `the secret leaked into ${f}`);
  }
  const profiles = JSON.parse(await readFile(path.join(config, 'profiles.json'), 'utf8'));
  assert.equal(profiles.profiles[0].lastCheck.ok, true);

  // Home shows it as working.
  await click('#to-home');
  await at('home');
  await find('.card');
  assert.equal(await text('.card .status-badge'), 'Working');
  await screenshot('home-saved');

  // A support report for the help desk: written, and free of the secret.
  await click('.card-actions button:nth-child(2)');
  await app.driver.wait(async () => /Support report saved to/.test(await text('.card [role="status"]')), 10000);
  const where = (await text('.card [role="status"]')).match(/saved to (.+\.html)/)[1];
  const report = await readFile(where, 'utf8');
  assert.match(report, /Sales embed/);
  assert.ok(!report.includes(EMBED.secret));

  // "Check again" signs in with the secret from the keyring and runs the checks.
  await click('.card-actions button:nth-child(1)');
  await at('signin');
  await click('#get-token');
  await at('token', 30000);
  await click('#continue');
  await find('#verdict-text', 30000);
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.');
});

test('device code: the code shown, the person approves through fakecloud, and the token arrives', async () => {
  await newConnection('delegated', 'device-code');
  await type('#tenant', CONTOSO);
  await type('#client-id', DESKTOP.client);
  await click('#continue');
  await at('signin');
  await click('#get-token');
  const code = await text('#user-code');
  assert.match(code, /^[A-Z0-9]{6,12}$/);
  assert.match(await text('#code-timer'), /The code works for/);
  await screenshot('device-code');
  // The person signs in on another device: fakecloud's control API plays that part.
  await control('device/approve', { user_code: code, upn: 'ada@contoso.com' });
  await at('token', 30000);
  assert.match(await text('#token-summary'), /ada@contoso\.com/);
  await screenshot('device-code-token');
  await click('#continue');
  await at('checks');
  await find('#verdict-text', 30000);
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.');
});

test('a tenant whose switch is off: the check fails with the right explanation', async () => {
  await newConnection('embed', 'client-secret');
  await type('#tenant', FABRIKAM);
  await type('#client-id', FABRIKAM_APP.client);
  await type('#client-secret', FABRIKAM_APP.secret);
  await type('#workspace', '');
  await detailsToChecks();
  assert.match(await text('#verdict-text'), /1 problem to fix/);
  const item = await find('#check-tenant-switch[data-status="fail"]');
  const words = await item.getText();
  assert.match(words, /Power BI does not let apps in yet/);
  assert.match(words, /Service principals can call Fabric public APIs/);
  assert.match(words, /Open Power BI tenant settings/);
  assert.equal(await (await find('#check-security-group')).getAttribute('data-status'), 'skipped');
  await app.driver.executeScript(() => document.getElementById('check-tenant-switch').scrollIntoView());
  await screenshot('checks-switch-off');
});

// Three rows of the fault matrix (tests/faults.rs) in the real window, on the saved connection.
const fault = (body) => control('faults', body);
const keyring = () => execFileSync('secret-tool', ['search', '--all', 'service', 'keyway'], { encoding: 'utf8' });
const TOKEN_PATH = `/${CONTOSO}/oauth2`;
const SALES = 'f0f0f0f0-1111-4111-8111-000000000001';

async function checkAgain() {
  await click('#open-home');
  await at('home');
  await click('.card-actions button:nth-child(1)');
  await at('signin');
}

test('faults in the window: a busy sign-in service, a wait, a token that expires half-way', async () => {
  const profiles = path.join(config, 'profiles.json');
  const before = [await readFile(profiles), keyring()];

  // 500 from the sign-in service: explained, nothing saved changes, and "Try again" works.
  await checkAgain();
  await fault({ path: TOKEN_PATH, kind: '500', times: 1 });
  await click('#get-token');
  const problem = await find('#signin-problem', 30000);
  assert.match(await problem.getText(), /The sign-in service is busy/);
  assert.match(await problem.getText(), /OAUTH_TEMPORARILY_UNAVAILABLE/);
  await screenshot('fault-busy');
  assert.deepEqual([await readFile(profiles), keyring()], before, 'profiles.json and the keyring are unchanged');
  await click('#get-token');
  await at('token', 30000);

  // 429 with Retry-After: the wait is shown, then the token arrives.
  await checkAgain();
  await fault({ path: TOKEN_PATH, kind: '429', times: 1, retry_after: 3 });
  await click('#get-token');
  await app.driver.wait(async () => /The sign-in service at 127\.0\.0\.1 asked Keyway to wait 3 s/.test(await text('#signin-status')), 10000);
  await screenshot('fault-wait');
  await at('token', 30000);

  // Power BI's TokenExpired in the middle of the checks: a new token, and every check passes.
  await fault({ path: '/v1.0/myorg/groups', kind: 'token-expired', times: 1 });
  await click('#continue');
  await at('checks');
  await find('#verdict-text', 30000);
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.');
  assert.equal((await app.driver.findElements(css('.check[data-status="pass"]'))).length, 8);
  assert.equal(keyring(), before[1], 'the keyring is unchanged');
});

test('set it up for me: the administrator approves a device code, picks a workspace, confirms the changes, then a saved, checked connection', async () => {
  await click('#open-home');
  await at('home');
  await click('#new-connection');
  await at('start');
  await click('input[name="goal"][value="embed"]');
  await click('#open-setup');
  await at('setup');
  // The administrator is also an admin of the Sales workspace, where the app gets its seat.
  await control(`workspaces/${SALES}/members`, { principal: 'aaaaaaaa-0000-4000-8000-00000000ada0', role: 'Admin' });
  // The setting for apps is off, and once turned on it takes a few seconds to reach Power BI
  // (up to 15 minutes in real life): the checks wait it out by themselves.
  await control(`tenants/${CONTOSO}/settings`, { servicePrincipalsEnabled: false, delaySeconds: 6 });
  await app.driver.executeScript('globalThis.KEYWAY_RECHECK_SECONDS = 2;');
  await type('#setup-tenant', CONTOSO);
  await type('#setup-app-name', 'Window setup app');
  await click('#setup-more summary');                // the choices with good defaults, shown
  await screenshot('setup-choices');
  await click('#setup-sign-in');
  const code = await text('#user-code');
  await screenshot('setup-device-code');
  await control('device/approve', { user_code: code, upn: 'ada@contoso.com' });
  // No workspace typed: Ada's own, read through the app, to choose from.
  await find('#setup-seat', 30000);
  assert.match(await text('#setup-seats'), /Sales Analytics/);
  await click(`input[name="setup-seat"][value="${SALES}"]`);
  await screenshot('setup-workspace');
  await click('#setup-show-plan');                   // confirmation 1: the workspace
  await find('#plan', 30000);
  assert.match(await text('#plan [data-step="workspace"]'), new RegExp(SALES));
  assert.match(await text('#plan'), /Register the app “Window setup app”/);
  await screenshot('setup-plan');
  await click('#setup-apply');                       // confirmation 2: the changes
  await find('#setup-done', 30000);
  await screenshot('setup-done');
  await click('#setup-continue');
  await at('signin');
  await click('#get-token');
  await at('token', 30000);
  await click('#continue');
  await at('checks');
  await find('#recheck', 30000);                     // refused at first: Keyway says why it waits
  assert.match(await text('#recheck'), /up to 15 minutes/);
  await screenshot('setup-checks-waiting');
  await app.driver.wait(async () => (await app.driver.findElements(css('.ok-banner'))).length > 0, 40000);
  await screenshot('setup-checks');
  const failing = await app.driver.findElements(css('.check[data-status="fail"]'));
  const said = await Promise.all(failing.map((f) => f.getText()));
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.', said.join('\n---\n'));
  await click('#continue');
  await at('save');
  await type('#connection-name', 'Set up by Keyway');
  await click('#save');
  await at('done', 30000);
  assert.match(await text('#saved-where'), /Secret Service/);
  await control(`tenants/${CONTOSO}/settings`, { servicePrincipalsEnabled: true, delaySeconds: 0 });
});
