// What the real-window tests do with the app over WebDriver: find, wait for a step, click, type,
// read, and take a screenshot into the artifacts.

import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { By, until } from 'selenium-webdriver';
import { ARTIFACTS } from './ui-harness.mjs';

export const css = (s) => By.css(s);

/** The steps, for the app that `getApp()` returns once it runs. */
export function windowSteps(getApp) {
  const find = (sel, ms = 15000) => getApp().driver.wait(until.elementLocated(css(sel)), ms);
  const at = async (step, ms = 15000) => { await find(`main[data-step="${step}"]`, ms); };
  async function click(sel) {
    const el = await find(sel);
    await getApp().driver.executeScript((e) => e.scrollIntoView({ block: 'center' }), el);
    await el.click();
  }
  async function type(sel, text) {
    const el = await find(sel);
    await el.clear();
    if (text) await el.sendKeys(text);
  }
  const text = async (sel) => (await find(sel)).getText();
  async function screenshot(name) {
    const { driver } = getApp();
    await driver.executeAsyncScript((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
    await writeFile(path.join(ARTIFACTS, `window-${name}.png`), Buffer.from(await driver.takeScreenshot(), 'base64'));
  }
  /** From anywhere to the details step of a new connection for `goal` and `method`. */
  async function newConnection(goal, method) {
    await click('#open-home');
    await at('home');
    await click('#new-connection');
    await at('start');
    await click(`input[name="goal"][value="${goal}"]`);
    assert.equal(await (await find('#cloud')).getAttribute('value'), 'custom');
    await click('#continue');
    await at('method');
    await click(`input[name="method"][value="${method}"]`);
    await click('#continue');
    await at('details');
  }
  /** From the details step, with what is typed there, through sign-in to the checks' verdict. */
  async function detailsToChecks() {
    await click('#continue');
    await at('signin');
    await click('#get-token');
    await at('token', 30000);
    await click('#continue');
    await at('checks');
    await find('#verdict-text', 30000);
  }
  return { find, at, click, type, text, screenshot, newConnection, detailsToChecks };
}
