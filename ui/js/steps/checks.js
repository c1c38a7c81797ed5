// Step 5: the check ladder, streamed item by item; each red item explains its cause, the steps
// to fix it and the page to do it on, with "Check again".

import { runChecks, practiceFix } from '../api.js';
import { h, heading, actions, backButton, announce, problemBox } from '../dom.js';

export const id = 'checks';
export const title = 'Permissions';
export const stage = 4;

const MARK = { pass: '✓', fail: '✕', skipped: '–', running: '…' };
const WORDS = { pass: 'Passed', fail: 'Needs attention', skipped: 'Skipped', running: 'Checking' };

function itemView(item, draft, rerun) {
  const status = item.status === 'fail' && item.optional ? 'warn' : item.status;
  const words = status === 'warn' ? 'Optional: worth fixing' : WORDS[item.status];
  return h('li', { class: `check ${status}`, id: `check-${item.id}`, 'data-status': item.status },
    h('span', { class: 'mark', 'aria-hidden': 'true' }, status === 'warn' ? '!' : MARK[item.status]),
    h('div', { class: 'check-body' },
      h('p', { class: 'check-title' }, item.title,
        h('span', { class: 'visually-hidden' }, `: ${words}.`)),
      item.summary && item.status !== 'running' ? h('p', { class: 'hint' }, item.summary) : null,
      item.status === 'fail' && item.problem ? problemBox(item.problem, draft,
        { id: `problem-${item.id}`, heading: 'h3',
          actions: [h('button', { type: 'button', class: 'secondary small', onclick: rerun,
            id: `again-${item.id}` }, 'Check again')] }) : null,
      item.evidence?.length && item.status === 'fail' ? h('details', { class: 'evidence' },
        h('summary', {}, 'What Keyway tried'),
        h('ul', {}, item.evidence.map((e) => h('li', { class: 'mono' },
          `${e.request} → ${e.httpStatus ?? 'no answer'}${e.code ? ` ${e.code}` : ''}${e.requestId ? ` (request ${e.requestId})` : ''}`)))) : null));
}

export function render(ctx) {
  const { state, back, next } = ctx;
  const draft = state.draft;
  const list = h('ol', { class: 'checks', id: 'check-list', 'aria-labelledby': 'checks-title' });
  // Practice: the administrator's side, to fix a red check and check again.
  const control = h('div', { id: 'practice-control-area' });
  const showControl = () => {
    const said = h('p', { class: 'hint', role: 'status', id: 'practice-control-status' });
    const fix = (body) => async () => {
      try {
        said.textContent = `${await practiceFix({ tenant: draft.tenant, ...body })} Now choose “Check again”.`;
      } catch (e) {
        said.textContent = e.title;
      }
    };
    control.replaceChildren(h('section', { class: 'practice-panel', id: 'practice-control',
      'aria-labelledby': 'practice-control-title' },
    h('h3', { id: 'practice-control-title' }, 'Practice: play the administrator'),
    h('p', { class: 'hint' }, 'In real life an administrator makes these changes in the admin portals.'),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', id: 'practice-add-to-group',
        onclick: fix({ fix: 'add-to-group', clientId: draft.clientId }) }, 'Add this app to the allowed group'),
      h('button', { type: 'button', class: 'secondary', id: 'practice-switch-on',
        onclick: fix({ fix: 'switch-on' }) }, 'Turn on the setting for apps')),
    said));
  };
  const verdict = h('div', { id: 'verdict', role: 'status' });
  const workspace = h('input', { type: 'text', id: 'check-workspace', value: draft.workspace ?? '',
    'aria-describedby': 'check-workspace-hint', spellcheck: 'false' });
  workspace.addEventListener('input', () => { draft.workspace = workspace.value; });
  const allow = h('input', { type: 'checkbox', id: 'allow-changes', checked: state.allowChanges,
    onchange: (e) => { state.allowChanges = e.target.checked; } });
  const items = new Map();

  const paint = () => list.replaceChildren(...[...items.values()].map((i) => itemView(i, draft, run)));

  // Right after "set it up for me" changed a setting or a group, Power BI may refuse the app for
  // a while (up to 15 minutes): Keyway checks again by itself until it passes or that time is up.
  let timer = null;
  const stopTimer = () => { clearInterval(timer); timer = null; };
  const settling = () => state.changedAt && Date.now() - state.changedAt < 15 * 60 * 1000;
  const scheduleRecheck = () => {
    let left = globalThis.KEYWAY_RECHECK_SECONDS ?? 30;
    const count = h('span', { id: 'recheck-seconds' }, String(left));
    const stop = h('button', { type: 'button', class: 'secondary small', id: 'stop-recheck',
      onclick: () => { stopTimer(); note.remove(); } }, 'Stop checking');
    const note = h('p', { class: 'hint', id: 'recheck' },
      'Power BI can take up to 15 minutes to apply a change Keyway just made. Keyway checks again in ',
      count, ' s. ', stop);
    verdict.append(note);
    verdict.scrollIntoView({ block: 'start' });
    stop.focus({ preventScroll: true });
    announce(`Power BI can take up to 15 minutes to apply the change. Keyway checks again in ${left} seconds.`);
    timer = setInterval(() => {
      if (!ctx.isCurrent()) { stopTimer(); return; }
      left -= 1;
      count.textContent = String(Math.max(left, 0));
      if (left <= 0) { stopTimer(); run(); }
    }, 1000);
  };

  let running = false;
  async function run() {
    if (running) return;
    stopTimer();
    running = true;
    runButton.disabled = true;
    verdict.replaceChildren(h('p', { class: 'hint' }, 'Checking…'));
    items.clear();
    list.setAttribute('aria-busy', 'true');
    try {
      const outcome = await runChecks({ goal: draft.goal, workspace: draft.workspace,
        allowChanges: state.allowChanges }, (event) => {
        if (!ctx.isCurrent()) return;
        if (event.event === 'planned') {
          for (const p of event.items) items.set(p.id, { ...p, status: 'running', summary: '' });
        } else if (event.event === 'waiting') {
          const line = `${event.what} asked Keyway to wait ${event.seconds} s. The checks go on after that…`;
          verdict.replaceChildren(h('p', { class: 'hint', id: 'checks-waiting' }, line));
          announce(line);
        } else if (event.event === 'finished') {
          items.set(event.item.id, event.item);
          const words = event.item.status === 'fail' ? 'needs attention' : event.item.status === 'pass' ? 'passed' : 'skipped';
          announce(`${event.item.title}: ${words}.`);
        }
        paint();
      });
      state.outcome = outcome;
      for (const i of outcome.items) items.set(i.id, i);
      if (!ctx.isCurrent()) return;
      paint();
      const bad = outcome.items.filter((i) => !i.optional && i.status === 'fail').length;
      verdict.replaceChildren(h('p', { class: outcome.ok ? 'ok-banner' : 'warn-banner', id: 'verdict-text' },
        outcome.ok ? 'Everything this goal needs is in place.'
          : `${bad} ${bad === 1 ? 'problem' : 'problems'} to fix. Each one below says why and what to do.`));
      announce(outcome.ok ? 'All checks passed.' : `${bad} problems to fix.`);
      if (!outcome.ok && state.practice) showControl();
      if (!outcome.ok && settling()) scheduleRecheck();
      if (!outcome.ok && !settling()) document.querySelector('.check.fail .problem-what')?.closest('li')?.querySelector('button')?.focus();
    } catch (e) {
      verdict.replaceChildren(problemBox(e, draft, { id: 'checks-problem' }));
    } finally {
      running = false;
      runButton.disabled = false;
      list.setAttribute('aria-busy', 'false');
    }
  }
  const runButton = h('button', { type: 'button', class: 'secondary', id: 'run-checks', onclick: run },
    'Check again');

  const needsWorkspace = draft.goal === 'embed' || draft.goal === 'data';
  setTimeout(run, 0);
  return [
    heading('Does Power BI accept it?'),
    h('p', { class: 'lead' }, 'Keyway tries what your goal needs, without changing anything unless you allow it.'),
    needsWorkspace ? h('div', { class: 'field' },
      h('label', { for: 'check-workspace' }, 'Workspace ID (optional)'),
      h('p', { class: 'hint', id: 'check-workspace-hint' }, 'Leave empty to use the only workspace the sign-in can see.'),
      workspace) : null,
    draft.goal === 'data' ? h('label', { class: 'check-option' }, allow,
      ' Also try changes: start a refresh, and create then delete a small test dataset') : null,
    verdict,
    control,
    h('h2', { id: 'checks-title', class: 'visually-hidden' }, 'Checks'),
    list,
    actions(backButton(back), runButton,
      h('button', { type: 'button', class: 'primary', id: 'continue', onclick: next }, 'Continue to save')),
  ];
}
