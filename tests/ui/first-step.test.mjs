// The first wizard step in headless Chromium, with the engine answering as the real core does.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launch, openUi, axe, coreAppInfo, ORIGIN, ARTIFACTS } from '../support/ui-harness.mjs';

let browser;
let info;

before(async () => {
  info = coreAppInfo();
  browser = await launch();
  await mkdir(ARTIFACTS, { recursive: true });
});
after(async () => { await browser?.close(); });

// The app opens on the connections list; a new connection starts at the goal step.
const ready = async (page) => {
  await page.waitForSelector('main[data-step="home"]');
  await page.click('#new-connection');
  await page.waitForSelector('main[data-step="start"]');
};
const base = (extra = {}) => ({ app_info: info, list_profiles: { cards: [], notice: null },
  ...extra });

test('the first step shows every goal and cloud the core offers', async () => {
  const { page, context, problems, requests } = await openUi(browser,
    { responses: base() });
  await ready(page);
  const goals = await page.locator('input[name="goal"]').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(goals, info.goals.map((g) => g.id));
  const clouds = await page.locator('#cloud option').evaluateAll((els) => els.map((e) => e.value));
  assert.deepEqual(clouds, ['public', 'gcc', 'gcchigh', 'dod', 'china']);
  assert.equal(await page.locator('#cloud').inputValue(), 'public');
  assert.equal(await page.locator('#version').textContent(), `Keyway ${info.version}`);
  for (const g of info.goals) {
    await page.getByText(g.title, { exact: true }).waitFor();
  }
  assert.deepEqual(problems, [], 'no console errors and no CSP violations');
  assert.ok(requests.every((u) => u.startsWith(ORIGIN)), `only local files: ${requests}`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'ui-first-step-light.png') });
  await context.close();
});

for (const colorScheme of ['light', 'dark']) {
  test(`axe finds no accessibility violations on the first step (${colorScheme})`, async () => {
    const { page, context } = await openUi(browser, { responses: base(), colorScheme });
    await ready(page);
    assert.deepEqual(await axe(page), []);
    // And with the error message showing.
    await page.click('#continue');
    await page.waitForSelector('#goal-error:not([hidden])');
    assert.deepEqual(await axe(page), []);
    if (colorScheme === 'dark') {
      await page.screenshot({ path: path.join(ARTIFACTS, 'ui-first-step-dark.png') });
    }
    await context.close();
  });
}

test('Continue without a goal explains what is missing and moves focus there', async () => {
  const { page, context } = await openUi(browser, { responses: base() });
  await ready(page);
  await page.click('#continue');
  const error = page.locator('#goal-error');
  assert.equal(await error.isVisible(), true);
  assert.match(await error.textContent(), /Choose what you want to do/);
  assert.equal(await page.locator('fieldset').first().getAttribute('aria-invalid'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'goal');
  assert.equal(await page.locator('main').getAttribute('data-step'), 'start', 'stays put');
  // Choosing a goal clears the message.
  await page.check('input[value="data"]');
  assert.equal(await error.isVisible(), false);
  await context.close();
});

test('a goal leads to its recommended sign-in method, and Back keeps every answer', async () => {
  const { page, context } = await openUi(browser, { responses: base() });
  await ready(page);
  await page.check('input[value="delegated"]');
  await page.selectOption('#cloud', 'gcchigh');
  assert.match(await page.locator('#cloud-hint').textContent(), /GCC High/);
  await page.click('#continue');
  await page.waitForSelector('main[data-step="method"]');
  const recommended = info.goals.find((g) => g.id === 'delegated').recommendedMethod;
  assert.equal(await page.locator('input[name="method"]:checked').getAttribute('value'), recommended);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'step-title');
  assert.equal(await page.locator('[aria-current="step"]').textContent(), 'Step 2 of 6: Sign-in method');
  assert.deepEqual(await axe(page), []);
  await page.check('input[value="device-code"]');
  await page.click('#back');
  await page.waitForSelector('main[data-step="start"]');
  assert.equal(await page.locator('input[name="goal"]:checked').getAttribute('value'), 'delegated');
  assert.equal(await page.locator('#cloud').inputValue(), 'gcchigh');
  await page.click('#continue');
  assert.equal(await page.locator('input[name="method"]:checked').getAttribute('value'),
    'device-code', 'the changed method survives Back');
  await context.close();
});

test('the first step works from the keyboard alone', async () => {
  const { page, context } = await openUi(browser, { responses: base() });
  await ready(page);
  // The step's heading has focus; the goal group comes next.
  assert.equal(await page.evaluate(() => document.activeElement.id), 'step-title');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.name), 'goal');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.value), 'data');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'cloud');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.locator('#cloud').inputValue(), 'gcc');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'back');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'continue');
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, 'solid', 'focus is visible');
  await page.keyboard.press('Enter');
  await page.waitForSelector('main[data-step="method"]');
  await context.close();
});

test('at 800×600 nothing needs sideways scrolling', async () => {
  const { page, context } = await openUi(browser,
    { responses: base(), viewport: { width: 800, height: 600 } });
  await ready(page);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth
    - document.documentElement.clientWidth);
  assert.equal(overflow, 0);
  await page.screenshot({ path: path.join(ARTIFACTS, 'ui-first-step-800x600.png'), fullPage: true });
  await context.close();
});

test('opened outside the app, the page says so plainly instead of breaking', async () => {
  const { page, context } = await openUi(browser, { tauri: false });
  await page.waitForSelector('main[data-step="error"]');
  assert.match(await page.locator('[role="alert"]').textContent(), /isn't connected to Keyway's engine/);
  assert.match(await page.locator('[role="alert"]').textContent(), /NO_ENGINE/);
  assert.deepEqual(await axe(page), []);
  await context.close();
});

test('a failing engine command is shown with its own code and fix', async () => {
  const { page, context } = await openUi(browser, { responses: { app_info: { __error: {
    code: 'CONFIG_UNREADABLE', message: 'Your settings file could not be read.',
    cause: 'It was changed by another program.', fix: ['Restart Keyway.'] } } } });
  await page.waitForSelector('main[data-step="error"]');
  const text = await page.locator('[role="alert"]').textContent();
  assert.match(text, /Your settings file could not be read/);
  assert.match(text, /Restart Keyway/);
  assert.match(text, /CONFIG_UNREADABLE/);
  await context.close();
});
