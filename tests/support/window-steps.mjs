// What the real-window tests do with the app over WebDriver: find, wait for a step, click, type,
// read, and take a screenshot into the artifacts.

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
  return { find, at, click, type, text, screenshot };
}
