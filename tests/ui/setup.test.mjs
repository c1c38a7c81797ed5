// "Set it up for me" in headless Chromium, the engine's answers taken from the real core (the
// `keyway setup` CLI against fakecloud): the administrator's sign-in, the workspace chosen from
// their own, the plan, one confirmation; a step left for a Fabric administrator, with its page.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import {
  launch, openUi, coreAppInfo, ARTIFACTS, at, calls, noViolations, shot,
} from '../support/ui-harness.mjs';
import { startFakecloud, coreSetup, CONTOSO } from '../support/core.mjs';

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
  validate_draft: [], open_link: null, cancel_sign_in: null, forget_session: null, ...extra });
const code = () => ({ event: 'device-code', userCode: 'GHT4ZK9QP', verificationUri: `${fc.https}/devicelogin`,
  expiresIn: 900, message: null });

async function toSetup(page) {
  await at(page, 'home');
  await page.click('#new-connection');
  await at(page, 'start');
  await page.click('#open-setup');
  await at(page, 'setup');
  await page.fill('#setup-tenant', CONTOSO);
}

test('set it up for me: sign in, choose one of your workspaces, the plan, one confirmation, then the usual sign-in', async () => {
  // Ada's own workspaces, as the core lists them when none is named.
  const listed = await coreSetup(fc, '--plan');
  const mine = listed.workspaces;
  assert.ok(mine.length >= 2, JSON.stringify(mine));
  const chosen = mine[0];
  const planned = await coreSetup(fc, '--plan', 'UI setup app', { args: ['--workspace', chosen.id] });
  const applied = await coreSetup(fc, '--apply', 'UI setup app', { args: ['--workspace', chosen.id] });
  const { page, context } = await openUi(browser, { responses: responses({
    setup_sign_in: { __events: [code()], __result: null },
    setup_workspaces: mine,
    setup_plan: planned.plan,
    setup_apply: { __events: applied.done, __result: { tenant: CONTOSO, clientId: applied.clientId,
      secretExpires: applied.secretExpires, done: applied.done, workspace: applied.workspace, ids: applied.ids } },
  }) });
  await toSetup(page);
  await page.click('#setup-more summary');
  await page.fill('#setup-group', 'Embedding apps');
  await page.selectOption('#setup-role', 'Contributor');
  await page.selectOption('#setup-months', '12');
  await page.click('#setup-sign-in');
  // No workspace was typed: the administrator's own, by name, to choose from.
  await page.locator('#setup-seat').waitFor();
  const names = await page.locator('#setup-seats .choice-title').allTextContents();
  assert.deepEqual(names, [...mine.map((w) => w.name), 'A new workspace', 'No workspace for now']);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'seat-title');
  await noViolations(page, 'setup workspace choice');
  await shot(page, 'setup-workspace.png');
  // Nothing chosen, then a new one without a name: each says what is missing.
  await page.click('#setup-show-plan');
  assert.match(await page.locator('#setup-seat-error').textContent(), /Choose a workspace/);
  await page.click('#setup-seat-name');
  await page.click('#setup-show-plan');
  assert.match(await page.locator('#setup-seat-error').textContent(), /Type a name/);
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'setup-seat-name');
  assert.equal((await calls(page, 'setup_plan')).length, 0, 'no plan before a choice');
  await page.check(`input[name="setup-seat"][value="${chosen.id}"]`);
  await page.click('#setup-show-plan');
  await page.locator('#plan').waitFor();
  const asked = (await calls(page, 'setup_plan'))[0].args.request;
  assert.deepEqual([asked.workspace, asked.newWorkspace], [chosen.id, null]);
  assert.deepEqual([asked.group, asked.role, asked.secretMonths], ['Embedding apps', 'Contributor', 12]);
  assert.equal((await calls(page, 'setup_sign_in'))[0].args.adminClient, null, 'Azure CLI, chosen by the core');
  const changes = await page.locator('#plan li').evaluateAll((li) => li.map((l) => l.dataset.change));
  assert.deepEqual(changes, planned.plan.map((s) => s.change));
  assert.ok(changes.includes('create'), 'an empty Contoso needs the app created');
  assert.match(await page.locator('#plan').textContent(), /Register the app “UI setup app”/);
  assert.match(await page.locator('#plan [data-step="workspace"]').textContent(), new RegExp(chosen.id));
  const badges = await page.locator('#plan .badge').allTextContents();
  assert.deepEqual(badges, planned.plan.map((s) => ({ create: 'Create', update: 'Change', nothing: 'Already in place' })[s.change]));
  await noViolations(page, 'setup plan');
  await shot(page, 'setup-plan.png');
  await page.click('#setup-apply');
  await page.locator('#setup-done').waitFor();
  assert.equal(await page.locator('#applied li').count(), applied.done.length);
  assert.match(await page.locator('#setup-done').textContent(), new RegExp(applied.clientId));
  // The three IDs, each with where it is used.
  assert.equal(applied.ids.length, 3);
  await page.click('#setup-ids summary');
  const shown = await page.locator('#setup-ids dd .mono').allTextContents();
  assert.deepEqual(shown, applied.ids.map((i) => i.value));
  await noViolations(page, 'setup done');
  await shot(page, 'setup-done.png');
  await page.click('#setup-continue');
  await at(page, 'signin');
  await context.close();
});

test('a setting only a Fabric administrator may change: the plan says so, with a button to the admin portal page', async () => {
  // Alan registers apps but is not a Fabric administrator; he belongs to no workspace.
  const alan = { upn: 'alan@contoso.com' };
  const listed = await coreSetup(fc, '--plan', 'UI half-done app', alan);
  assert.deepEqual(listed.workspaces, []);
  const manual = listed.plan.find((s) => s.change === 'manual');
  assert.equal(manual?.id, 'tenant-setting', JSON.stringify(listed.plan));
  const bootstrap = '5a5a5a5a-0000-4000-8000-00000000b007';
  const { page, context } = await openUi(browser, { responses: responses({
    setup_sign_in: { __events: [code()], __result: null },
    setup_workspaces: listed.workspaces,
    setup_plan: listed.plan,
  }) });
  await toSetup(page);
  await page.click('#setup-more summary');
  await page.fill('#setup-admin-client', ` ${bootstrap} `);
  await page.click('#setup-sign-in');
  assert.equal((await calls(page, 'setup_sign_in'))[0].args.adminClient, bootstrap);
  await page.locator('#setup-seat').waitFor();
  assert.match(await page.locator('#setup-seat').textContent(), /not a member of any workspace/);
  await page.check('input[name="setup-seat"][value="none"]');
  await page.click('#setup-show-plan');
  await page.locator('#plan').waitFor();
  const asked = (await calls(page, 'setup_plan'))[0].args.request;
  assert.deepEqual([asked.workspace, asked.newWorkspace], [null, null]);
  const step = page.locator('#plan [data-step="tenant-setting"]');
  assert.equal(await step.locator('.badge').textContent(), 'For an administrator');
  assert.match(await step.textContent(), /A Fabric administrator turns on/);
  await step.getByRole('button', { name: 'Open the Power BI admin portal' }).click();
  await step.getByText('Opened in your browser.').waitFor();
  assert.deepEqual((await calls(page, 'open_link')).map((c) => c.args.url), [manual.link]);
  assert.match(manual.link, /\/admin-portal\/tenantSettings$/);
  await noViolations(page, 'setup plan with a step for an administrator');
  await shot(page, 'setup-plan-manual.png');
  await context.close();
});

test('set it up for me in this computer\'s browser: the address when no browser opens, and the goal sent', async () => {
  const planned = await coreSetup(fc, '--plan', 'UI browser app', { args: ['--goal', 'admin'] });
  const address = `${fc.https}/contoso.onmicrosoft.com/oauth2/v2.0/authorize?client_id=04b07795-8ddb-461a-bbee-02f9e1bf7b46`;
  const { page, context } = await openUi(browser, { responses: responses({
    setup_sign_in: { __events: [{ event: 'browser-not-opened', url: address, reason: 'no opener' }], __result: null },
    setup_plan: planned.plan,
  }) });
  await toSetup(page);
  await page.click('#setup-more summary');
  await page.selectOption('#setup-goal', 'admin');
  await page.click('#setup-sign-in-browser');
  // The admin APIs need no workspace seat: no choice of workspace, straight to the plan.
  await page.locator('#plan').waitFor();
  assert.equal((await calls(page, 'setup_sign_in'))[0].args.inBrowser, true);
  assert.equal((await calls(page, 'setup_plan'))[0].args.request.goal, 'admin');
  assert.equal((await calls(page, 'setup_workspaces')).length, 0);
  await context.close();
});
