// Practice mode in the real app (Tauri + WebKitGTK under Xvfb, over WebDriver, a real Secret
// Service): from the home screen, the practice organisation inside the app; a service principal
// from nothing to a saved, checked connection, kept in practice's own list and memory — the real
// keyring and profile file untouched.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../support/window.mjs';
import { windowSteps } from '../support/window-steps.mjs';
import { ARTIFACTS } from '../support/ui-harness.mjs';
import { CONTOSO, EMBED } from '../support/core.mjs';

let app;
let config;

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  config = await mkdtemp(path.join(os.tmpdir(), 'keyway-practice-e2e-'));
  app = await startApp({ env: { KEYWAY_CONFIG_DIR: config } });
});
after(async () => { await app?.stop(); });

const { find, at, click, type, text, screenshot } = windowSteps(() => app);
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
  await click('#new-connection');
  await at('start');
  await click('input[name="goal"][value="embed"]');
  assert.equal(await (await find('#cloud')).getAttribute('value'), 'custom');
  await click('#continue');
  await at('method');
  await click('input[name="method"][value="client-secret"]');
  await click('#continue');
  await at('details');
  // The README's practice credentials; the organisation is filled in already.
  assert.equal(await (await find('#tenant')).getAttribute('value'), CONTOSO);
  await type('#client-id', EMBED.client);
  await type('#client-secret', EMBED.secret);
  await click('#continue');
  await at('signin');
  await click('#get-token');
  await at('token', 30000);
  await click('#continue');
  await at('checks');
  await find('#verdict-text', 30000);
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
