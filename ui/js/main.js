// The wizard shell: loads what the engine offers, shows one step at a time, and keeps every
// answer in memory so Back never loses anything.

import { appInfo, practiceRequested, startPractice, KeywayError } from './api.js';
import { h, announce, problemBox } from './dom.js';
import * as home from './steps/home.js';
import * as start from './steps/start.js';
import * as method from './steps/method.js';
import * as details from './steps/details.js';
import * as signin from './steps/signin.js';
import * as token from './steps/token.js';
import * as checks from './steps/checks.js';
import * as save from './steps/save.js';
import * as done from './steps/done.js';
import * as settings from './steps/settings.js';
import * as trust from './steps/trust.js';
import * as setup from './steps/setup.js';

// The wizard's path, in order; `stage` is the progress entry each step belongs to.
const FLOW = [start, method, details, signin, token, checks, save, done];
const OTHER = [home, settings, trust, setup];
const STAGES = ['Goal', 'Sign-in method', 'App details', 'Sign in', 'Permissions', 'Save'];
const BACK = { method: 'start', details: 'method', signin: 'details', token: 'details',
  checks: 'token', save: 'checks', done: 'home', settings: 'home', trust: 'start', setup: 'start' };

export const state = {
  draft: { goal: null, cloud: 'public', custom: null, tenant: '', clientId: '', method: null,
    username: '', certificatePath: '', certificateInKeyring: false, workspace: '', scopes: [], v1: false },
  hints: {},          // masked hints of secrets the engine keeps: { clientSecret: '…cdef' }
  token: null,        // what the token says (never the token)
  outcome: null,      // the latest checks
  allowChanges: false,
  savedName: null,    // the connection being checked again, or just saved
  saved: null,
  practice: null,     // practice mode: the practice cloud's addresses and organisation
};

/**
 * Practice mode: the engine now talks to the practice organisation inside the app, and saves to
 * practice's own list and in-memory keyring. Said on every screen.
 */
export async function enterPractice() {
  const practice = await startPractice();
  state.practice = practice;
  Object.assign(state.draft, { cloud: 'custom', custom: practice.endpoints, tenant: practice.tenant });
  document.getElementById('practice-banner').hidden = false;
  document.title = 'Keyway (Practice)';
  announce('Practice mode: a made-up organisation on this computer.');
  go('home');
}

let info = null;
let currentId = null;

function renderProgress(step) {
  const list = document.getElementById('progress');
  const nav = list.closest('nav');
  const stage = step.stage ?? -1;
  nav.hidden = stage < 0;
  list.replaceChildren(...STAGES.map((title, i) => h('li', {
    class: i === stage ? 'current' : i < stage ? 'done' : 'todo',
    'aria-current': i === stage ? 'step' : false,
  }, h('span', { class: 'visually-hidden' },
    `Step ${i + 1} of ${STAGES.length}${i < stage ? ', done' : ''}: `), title)));
}

export function go(id, { focus = true } = {}) {
  const step = [...FLOW, ...OTHER].find((s) => s.id === id);
  if (!step) throw new Error(`no step ${id}`);
  currentId = id;
  const main = document.getElementById('step');
  const ctx = {
    info, state, go,
    next: () => go(FLOW[FLOW.indexOf(step) + 1]?.id ?? 'home'),
    back: () => go(BACK[id] ?? 'home'),
    isCurrent: () => currentId === id,
  };
  main.dataset.step = step.id;
  main.setAttribute('aria-busy', 'false');
  main.replaceChildren(...step.render(ctx).flat().filter(Boolean));
  renderProgress(step);
  if (focus) {
    document.getElementById('step-title')?.focus();
    announce(step.stage >= 0 ? `Step ${step.stage + 1} of ${STAGES.length}: ${step.title}` : step.title);
  }
}

function showFatal(err) {
  const e = err instanceof KeywayError ? err : new KeywayError({ message: String(err) });
  const main = document.getElementById('step');
  main.setAttribute('aria-busy', 'false');
  main.dataset.step = 'error';
  main.replaceChildren(
    h('h1', { id: 'step-title', tabindex: '-1' }, 'Keyway could not start'),
    problemBox(e, state.draft),
  );
}

async function boot() {
  try {
    info = await appInfo();
  } catch (err) {
    showFatal(err);
    return;
  }
  document.getElementById('version').textContent = `Keyway ${info.version}`;
  document.getElementById('open-settings').addEventListener('click', () => go('settings'));
  document.getElementById('open-home').addEventListener('click', () => go('home'));
  go('home', { focus: false });
  // `keyway-app --practice` opens straight into practice mode.
  if (await practiceRequested().catch(() => false)) await enterPractice().catch(showFatal);
  // A standard performance mark once the first screen has painted: the start-up bench reads it.
  requestAnimationFrame(() => performance.mark('keyway:first-step-ready'));
}

boot();
