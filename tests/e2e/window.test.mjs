// The real Keyway window (Tauri + WebKitGTK under Xvfb), driven over WebDriver.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { By, until } from 'selenium-webdriver';
import { startApp } from '../support/window.mjs';
import { coreAppInfo, ARTIFACTS } from '../support/ui-harness.mjs';

let app;
let info;

before(async () => {
  info = coreAppInfo();
  await mkdir(ARTIFACTS, { recursive: true });
  // An empty settings folder, so the list of connections starts empty.
  app = await startApp({ env: { KEYWAY_CONFIG_DIR: await mkdtemp(path.join(os.tmpdir(), 'keyway-window-')) } });
});
after(async () => { await app?.stop(); });

async function screenshot(name) {
  // Let WebKit paint the latest DOM before capturing it.
  await app.driver.executeAsyncScript((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const png = await app.driver.takeScreenshot();
  await writeFile(path.join(ARTIFACTS, name), Buffer.from(png, 'base64'));
}

test('the window opens on the connections list, then the first step, filled by the core through real commands', async () => {
  const { driver } = app;
  await driver.wait(until.elementLocated(By.css('main[data-step="home"]')), 30000);
  await driver.wait(until.elementLocated(By.css('#profiles .empty')), 10000);
  await screenshot('window-home-empty.png');
  await driver.findElement(By.id('new-connection')).click();
  await driver.wait(until.elementLocated(By.css('main[data-step="start"]')), 10000);
  assert.equal(await driver.getTitle(), 'Keyway');
  const version = await driver.findElement(By.id('version')).getText();
  assert.equal(version, `Keyway ${info.version}`, 'the app_info command answered');
  const goals = await driver.findElements(By.css('input[name="goal"]'));
  assert.equal(goals.length, info.goals.length);
  const clouds = await driver.findElements(By.css('#cloud option'));
  const names = await Promise.all(clouds.map((c) => c.getText()));
  assert.deepEqual(names, info.clouds.map((c) => c.name));
  await screenshot('window-first-step.png');
});

test('choosing a goal and continuing reaches the sign-in method step', async () => {
  const { driver } = app;
  await driver.findElement(By.css('input[value="embed"]')).click();
  await driver.findElement(By.id('continue')).click();
  await driver.wait(until.elementLocated(By.css('main[data-step="method"]')), 10000);
  const checked = await driver.findElement(By.css('input[name="method"]:checked'));
  assert.equal(await checked.getAttribute('value'), 'client-secret');
  await screenshot('window-method-step.png');
  await driver.findElement(By.id('back')).click();
  await driver.wait(until.elementLocated(By.css('main[data-step="start"]')), 10000);
  const goal = await driver.findElement(By.css('input[name="goal"]:checked'));
  assert.equal(await goal.getAttribute('value'), 'embed');
});

test('the page runs under the app CSP with nothing from the network', async () => {
  const { driver } = app;
  const external = await driver.executeScript(() => performance.getEntriesByType('resource')
    .map((r) => r.name).filter((u) => !/^(tauri|ipc|http:\/\/(tauri|ipc)\.localhost)/.test(u)));
  assert.deepEqual(external, []);
});
