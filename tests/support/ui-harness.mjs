// Opens Keyway's static UI in headless Chromium, exactly as the app's webview would see it:
// files from ui/, the app's Content-Security-Policy, and Tauri's bridge answering commands
// with what the real core returns (taken from the `keyway` CLI, not written by hand).

import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ORIGIN = 'http://keyway.test';
export const ARTIFACTS = path.join(ROOT, 'artifacts');

const TYPES = {
  '.html': 'text/html', '.css': 'text/css', '.js': 'text/javascript',
  '.svg': 'image/svg+xml', '.png': 'image/png',
};

/** The CSP from tauri.conf.json, as one header value. */
export async function appCsp() {
  const conf = JSON.parse(await readFile(path.join(ROOT, 'src-tauri', 'tauri.conf.json'), 'utf8'));
  return Object.entries(conf.app.security.csp).map(([k, v]) => `${k} ${v}`).join('; ');
}

/** What the core's `app_info` command returns, from the real CLI. */
export function coreAppInfo() {
  const bin = process.env.KEYWAY_BIN;
  const out = bin
    ? execFileSync(bin, ['info', '--json'], { encoding: 'utf8' })
    : execFileSync('cargo', ['run', '-q', '--bin', 'keyway', '--', 'info', '--json'],
      { cwd: ROOT, encoding: 'utf8' });
  return JSON.parse(out);
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page with ui/ served under ORIGIN. `responses` maps a command name to its answer (a value,
 * or `{ __error: {...} }` to reject); `tauri: false` leaves the bridge out entirely.
 */
export async function openUi(browser, { responses = {}, tauri = true, colorScheme = 'light',
  viewport = { width: 960, height: 720 } } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const csp = await appCsp();
  const requests = [];
  const problems = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) return route.abort();
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname.slice(1));
    const file = path.join(ROOT, 'ui', rel);
    if (!file.startsWith(path.join(ROOT, 'ui'))) return route.abort();
    try {
      const body = await readFile(file);
      return route.fulfill({
        status: 200, body,
        headers: { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream',
          'content-security-policy': csp },
      });
    } catch {
      return route.fulfill({ status: 404, body: 'not found' });
    }
  });
  if (tauri) {
    // What the app's webview has before the page runs, as Tauri's own initialization scripts
    // set it up: `window.isTauri`, and `__TAURI_INTERNALS__` with invoke and the callback registry
    // that the vendored `@tauri-apps/api/core.js` (invoke, Channel) uses. A channel message comes
    // as `{ index, message }` and, once the command is done, `{ index, end: true }`, as Tauri sends.
    // An answer is a value, `{ __error }` to reject, `{ __events, __result | __error }` to stream
    // channel events first, `{ __hold: true, __events }` to wait for `__KEYWAY_SETTLE__(cmd, answer)`,
    // or `{ __sequence: [...] }` for successive calls.
    await page.addInitScript((answers) => {
      const callbacks = new Map();
      let nextId = 1;
      const held = new Map();
      window.__KEYWAY_CALLS__ = [];
      const unregisterCallback = (id) => { callbacks.delete(id); };
      const transformCallback = (fn, once = false) => {
        const id = nextId++;
        callbacks.set(id, (data) => { if (once) unregisterCallback(id); return fn && fn(data); });
        return id;
      };
      const runCallback = (id, data) => {
        const fn = callbacks.get(id);
        if (fn) fn(data); else console.warn(`[TAURI] Couldn't find callback id ${id}.`);
      };
      // A channel argument serializes to `__CHANNEL__:<callback id>`, as on the way to Rust.
      const channelOf = (args) => {
        for (const v of Object.values(args || {})) {
          const s = v && typeof v.toJSON === 'function' ? v.toJSON() : null;
          if (typeof s === 'string' && s.startsWith('__CHANNEL__:')) {
            const id = Number(s.slice(12));
            let index = 0;
            return { send: (message) => runCallback(id, { index: index++, message }),
              end: () => runCallback(id, { index, end: true }) };
          }
        }
        return { send() {}, end() {} };
      };
      const settle = (answer) => {
        const scripted = answer !== null && typeof answer === 'object' && !Array.isArray(answer);
        if (scripted && answer.__error) throw answer.__error;
        return structuredClone(scripted && '__result' in answer ? answer.__result : answer);
      };
      const respond = async (cmd, args, channel) => {
        if (!(cmd in answers)) throw { code: 'NO_COMMAND', message: `No command ${cmd}` };
        let answer = answers[cmd];
        if (answer !== null && typeof answer === 'object' && answer.__sequence) answer = answer.__sequence.length > 1 ? answer.__sequence.shift() : answer.__sequence[0];
        (answer?.__events ?? []).forEach(channel.send);
        if (answer && answer.__hold) {
          const next = await new Promise((resolve) => held.set(cmd, resolve));
          (next?.__events || []).forEach(channel.send);
          return settle(next);
        }
        return settle(answer);
      };
      window.__KEYWAY_SETTLE__ = (cmd, answer) => { held.get(cmd)?.(answer); held.delete(cmd); };
      Object.defineProperty(window, 'isTauri', { value: true });
      window.__TAURI_INTERNALS__ = {
        transformCallback, unregisterCallback, runCallback,
        invoke: async (cmd, args = {}) => {
          window.__KEYWAY_CALLS__.push({ cmd, args: JSON.parse(JSON.stringify(args ?? {})) });
          const channel = channelOf(args);
          try {
            return await respond(cmd, args, channel);
          } finally {
            channel.end(); // The command is over: Rust drops its end of the channel.
          }
        },
      };
    }, responses);
  }
  await page.goto(`${ORIGIN}/index.html`);
  return { page, context, requests, problems };
}

/** Runs axe-core on the page; returns its violations. */
export async function axe(page) {
  const source = await readFile(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  await page.evaluate(source);
  const result = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
  }));
  return result.violations.map((v) => ({ id: v.id, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')) }));
}

/** Waits for the wizard to show `step`. */
export const at = (page, step) => page.waitForSelector(`main[data-step="${step}"]`);

/** The commands the page sent to the engine by that name, with their arguments. */
export const calls = (page, cmd) => page.evaluate((c) => window.__KEYWAY_CALLS__.filter((x) => x.cmd === c), cmd);

/** Fails with axe-core's findings, if it has any. */
export async function noViolations(page, label) {
  assert.deepEqual(await axe(page), [], `axe on ${label}`);
}

/** A full-page screenshot into the artifacts. */
export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}
