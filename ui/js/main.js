// The wizard shell: loads what the engine offers, shows one step at a time, and keeps every
// answer in memory so Back never loses anything.

import { appInfo, KeywayError } from './api.js';
import { h, announce } from './dom.js';
import * as start from './steps/start.js';
import * as method from './steps/method.js';

const STEPS = [start, method];
const UPCOMING = ['App details', 'Sign in', 'Permissions', 'Save'];

const state = { goal: null, cloud: 'public', method: null };
let info = null;
let current = 0;

function renderProgress() {
  const list = document.getElementById('progress');
  const titles = [...STEPS.map((s) => s.title), ...UPCOMING];
  list.replaceChildren(...titles.map((title, i) => h('li', {
    class: i === current ? 'current' : i < current ? 'done' : 'todo',
    'aria-current': i === current ? 'step' : false,
  }, h('span', { class: 'visually-hidden' }, `Step ${i + 1} of ${titles.length}: `), title)));
}

function show(index, { focus = true } = {}) {
  current = index;
  const step = STEPS[index];
  const main = document.getElementById('step');
  const ctx = {
    info,
    state,
    next: () => show(Math.min(index + 1, STEPS.length - 1)),
    back: () => show(Math.max(index - 1, 0)),
  };
  main.replaceChildren(...step.render(ctx));
  main.dataset.step = step.id;
  main.setAttribute('aria-busy', 'false');
  renderProgress();
  if (focus) {
    document.getElementById('step-title')?.focus();
    announce(`Step ${index + 1}: ${step.title}`);
  }
}

function showFatal(err) {
  const e = err instanceof KeywayError ? err : new KeywayError({ message: String(err) });
  const main = document.getElementById('step');
  main.setAttribute('aria-busy', 'false');
  main.dataset.step = 'error';
  main.replaceChildren(
    h('h1', { id: 'step-title', tabindex: '-1' }, 'Keyway could not start'),
    h('div', { class: 'problem', role: 'alert' },
      h('p', { class: 'problem-what' }, e.message),
      e.cause ? h('p', {}, h('strong', {}, 'Why: '), e.cause) : null,
      e.fix?.length ? h('ol', {}, e.fix.map((f) => h('li', {}, f))) : null,
      h('p', { class: 'hint' }, `Error code: ${e.code}`)),
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
  show(0, { focus: false });
  // A standard performance mark once the first step has painted: the start-up bench reads it.
  requestAnimationFrame(() => performance.mark('keyway:first-step-ready'));
}

boot();
