// Starts the real Keyway app under tauri-driver (which drives WebKitWebDriver) and connects a
// WebDriver client. Must run inside a display: see scripts/headless-session.sh.

import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { Builder } from 'selenium-webdriver';
import { ROOT } from './ui-harness.mjs';

export const APP_BIN = process.env.KEYWAY_APP_BIN
  || path.join(ROOT, 'target', 'debug', 'keyway-app');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${ms} ms`);
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms); }),
  ]).finally(() => clearTimeout(timer));
}

/** Launches the app; returns { driver, stop }. */
export async function startApp({ env = {}, application = APP_BIN } = {}) {
  if (!process.env.DISPLAY) throw new Error('no DISPLAY: run inside scripts/headless-session.sh');
  const port = await freePort();
  let nativePort = await freePort();
  while (nativePort === port) nativePort = await freePort();
  const log = [];
  // Its own process group: tauri-driver, WebKitWebDriver and the app are stopped together.
  const child = spawn(process.env.TAURI_DRIVER || 'tauri-driver',
    ['--port', String(port), '--native-port', String(nativePort)],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const group = (signal) => { try { process.kill(-child.pid, signal); } catch { /* gone */ } };
  const stop = async (driver) => {
    try { if (driver) await withTimeout(driver.quit(), 10000, 'closing the app'); } catch { /* gone */ }
    group('SIGTERM');
    setTimeout(() => group('SIGKILL'), 2000).unref();
    // An app that outlives the driver keeps the driver's output pipes open, and with them this
    // process: let go of them.
    child.stdout.destroy();
    child.stderr.destroy();
    child.unref();
  };
  try {
    await waitForPort(port, 15000);
    const driver = await withTimeout(new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: 'wry', 'tauri:options': { application } })
      .build(), 60000, 'starting the app over WebDriver');
    return { driver, stop: () => stop(driver), log };
  } catch (err) {
    await stop();
    err.message += `\ntauri-driver said:\n${log.join('')}`;
    throw err;
  }
}
