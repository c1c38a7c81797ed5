// Practice mode in the real app (Tauri + WebKitGTK under Xvfb, over WebDriver, a real Secret
// Service): from the home screen, the practice organisation inside the app; a service principal
// from nothing to a saved, checked connection, kept in practice's own list and memory — the real
// keyring and profile file untouched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../support/window.mjs';
import { windowSteps, css } from '../support/window-steps.mjs';
import { ARTIFACTS } from '../support/ui-harness.mjs';
import { CONTOSO, EMBED } from '../support/core.mjs';

let app;
let config;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  config = await mkdtemp(path.join(os.tmpdir(), 'keyway-practice-e2e-'));
  app = await startApp({ env: { KEYWAY_CONFIG_DIR: config } });
});
after(async () => {
  await app?.stop();
  await rm(config, { recursive: true, force: true });
});

const { find, at, click, type, text, screenshot, newConnection, detailsToChecks } = windowSteps(() => app);
const keyring = () => execFileSync('secret-tool', ['search', '--all', 'service', 'keyway'], { encoding: 'utf8' });

test('practice mode: the practice organisation from the home screen to a saved, checked connection, kept apart', async () => {
  const before = keyring();
  await at('home', 30000);
  await click('#open-practice');
  const banner = await find('#practice-banner');
  await app.driver.wait(() => banner.isDisplayed(), 15000);
  assert.match(await banner.getText(), /Practice/);
  assert.equal(await app.driver.getTitle(), 'Keyway (Practice)');
  await screenshot('practice-home');
  await newConnection('embed', 'client-secret');
  // The README's practice credentials; the organisation is filled in already.
  assert.equal(await (await find('#tenant')).getAttribute('value'), CONTOSO);
  await type('#client-id', EMBED.client);
  await type('#client-secret', EMBED.secret);
  await detailsToChecks();
  assert.equal(await text('#verdict-text'), 'Everything this goal needs is in place.');
  await screenshot('practice-checks');
  await click('#continue');
  await at('save');
  await type('#connection-name', 'Practice embed');
  await click('#save');
  await at('done', 30000);
  assert.doesNotMatch(await text('#saved-where'), /Secret Service/);
  await click('#open-home');
  await at('home');
  await find('#profiles li.card');
  assert.match(await text('#profiles'), /Practice embed/);
  // Nothing real was touched: no profile file, the keyring as it was.
  assert.deepEqual(await readdir(config).catch(() => []).then((f) => f.filter((n) => n.startsWith('profiles'))), []);
  assert.equal(keyring(), before, 'the real keyring is unchanged');
});


test('practice: a red check (an app outside the allowed group) fixed from the control panel is green on "Check again"', async () => {
  await newConnection('embed', 'client-secret');
  await type('#client-id', '44444444-4444-4444-8444-444444444444');
  await type('#client-secret', 'Out8Q~outside.secret-value_0123456789abcdef');
  await detailsToChecks();
  assert.notEqual(await text('#verdict-text'), 'Everything this goal needs is in place.');
  const panel = await find('#practice-control');
  await app.driver.executeScript((e) => e.scrollIntoView({ block: 'center' }), panel);
  await screenshot('practice-control');
  await click('#practice-add-to-group');
  await app.driver.wait(async () => /Added the app/.test(await text('#practice-control-status')), 15000);
  await click('#run-checks');
  await app.driver.wait(async () => {
    const v = await app.driver.findElements(css('#verdict-text'));
    return v.length && (await v[0].getText()) !== '' && !(await app.driver.findElements(css('.check[data-status="running"]'))).length;
  }, 30000);
  const group = await find('#check-security-group');
  assert.equal(await group.getAttribute('data-status'), 'pass');
  const tenantSwitch = await find('#check-tenant-switch');
  assert.equal(await tenantSwitch.getAttribute('data-status'), 'pass');
});

test('practice: a device code answered from the panel that plays the person on the other device', async () => {
  await newConnection('embed', 'device-code');
  await type('#client-id', '33333333-3333-4333-8333-333333333333');
  await click('#continue');
  await at('signin');
  await click('#get-token');
  await find('#user-code', 30000);
  await find('#practice-person');
  await screenshot('practice-device-code');
  await click('#practice-approve');
  await at('token', 30000);
  assert.match(await text('#token-summary'), /ada@contoso\.com/);
});
