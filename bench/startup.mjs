// Start-up time and memory of the real Keyway window, against a bare Tauri window measured the
// same way in the same run. Prints figures and ratios; asserts nothing.
//
//   start-up: from the app process's start (kernel start time) to the first step painted
//             (the page's 'keyway:first-step-ready' performance mark);
//   memory:   PSS summed over the app and every WebKit process it spawned, a few seconds after
//             the first step painted (PSS shares shared libraries out; RSS would count them
//             once per process).
//
// Run through scripts/bench-startup.sh, which builds release binaries and provides a display.

import { readFileSync, readdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { startApp } from '../tests/support/window.mjs';
import { ROOT } from '../tests/support/ui-harness.mjs';

const RUNS = Number(process.env.RUNS || 5);
const SETTLE_MS = 3000;
const TICKS = 100; // USER_HZ: /proc start times are in 1/100 s on Linux.
const bootEpoch = Number(readFileSync('/proc/stat', 'utf8').match(/^btime (\d+)$/m)[1]);

function stat(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(fields[1]), startTicks: Number(fields[19]) };
}

function processes() {
  return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number).flatMap((pid) => {
    try { return [{ pid, exe: realpathSync(`/proc/${pid}/exe`), ...stat(pid) }]; } catch { return []; }
  });
}

function treeOf(rootPid, all) {
  const pids = new Set([rootPid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all) if (!pids.has(p.pid) && pids.has(p.ppid)) { pids.add(p.pid); grew = true; }
  }
  return [...pids];
}

function pssKb(pid) {
  const m = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB$/m);
  return m ? Number(m[1]) : 0;
}

async function measure(bin) {
  const app = await startApp({ env: {}, application: bin });
  try {
    const { driver } = app;
    const ready = await driver.wait(async () => driver.executeScript(() => {
      const m = performance.getEntriesByName('keyway:first-step-ready')[0];
      return m ? performance.timeOrigin + m.startTime : null;
    }), 30000);
    const all = processes();
    const proc = all.filter((p) => p.exe === realpathSync(bin)).sort((a, b) => b.startTicks - a.startTicks)[0];
    if (!proc) throw new Error(`no running process for ${bin}`);
    const startedMs = (bootEpoch + proc.startTicks / TICKS) * 1000;
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const tree = treeOf(proc.pid, processes());
    const pss = tree.reduce((sum, pid) => { try { return sum + pssKb(pid); } catch { return sum; } }, 0);
    return { startupMs: ready - startedMs, pssMb: pss / 1024, processes: tree.length };
  } finally {
    await app.stop();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

// Where cargo put the release builds: target/, or CARGO_TARGET_DIR as cargo itself reads it.
const TARGET = path.resolve(ROOT, process.env.CARGO_TARGET_DIR || 'target');
const apps = {
  bare: path.join(TARGET, 'release', 'bare-window'),
  keyway: path.join(TARGET, 'release', 'keyway-app'),
};
const results = { bare: [], keyway: [] };
for (let i = 0; i < RUNS; i++) {
  for (const name of Object.keys(apps)) results[name].push(await measure(apps[name]));
}
const row = (name) => ({
  startup: median(results[name].map((r) => r.startupMs)),
  pss: median(results[name].map((r) => r.pssMb)),
  procs: results[name][0].processes,
});
const bare = row('bare');
const keyway = row('keyway');
console.log(`runs: ${RUNS} each, medians, release builds`);
console.log(`bare Tauri window: first paint ${bare.startup.toFixed(0)} ms, PSS ${bare.pss.toFixed(1)} MB over ${bare.procs} processes`);
console.log(`Keyway:            first step ${keyway.startup.toFixed(0)} ms, PSS ${keyway.pss.toFixed(1)} MB over ${keyway.procs} processes`);
console.log(`ratio Keyway/bare: start-up ${(keyway.startup / bare.startup).toFixed(2)}x, memory ${(keyway.pss / bare.pss).toFixed(2)}x (target <= 1.10x)`);
