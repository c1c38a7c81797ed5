// Step 1: what the person wants to do, and which Microsoft cloud their organisation uses.

import { h, problemBox } from '../dom.js';
import { readPreset, forgetSession } from '../api.js';

export const id = 'start';
export const title = 'Your goal';
export const stage = 0;

// A preset from a help desk fills in everything but the secret; the person checks the rest.
function presetPicker(ctx, problemSlot) {
  const input = h('input', { type: 'file', id: 'preset-file', accept: '.json,application/json',
    class: 'visually-hidden' });
  input.addEventListener('change', async () => {
    const file = input.files?.[0];
    if (!file) return;
    problemSlot.replaceChildren();
    try {
      // A new connection starts here: nothing typed for the last one stays in memory.
      await forgetSession().catch(() => {});
      const read = await readPreset(await file.text());
      ctx.state.hints = {};
      if (read.customHosts.length) {
        // Not Microsoft's cloud: the person sees every host and decides before anything else.
        ctx.state.pendingPreset = read;
        ctx.go('trust');
        return;
      }
      Object.assign(ctx.state.draft, read.draft);
      ctx.go('details');
    } catch (e) {
      problemSlot.replaceChildren(problemBox(e, ctx.state.draft, { id: 'preset-problem' }));
    } finally {
      input.value = '';
    }
  });
  return h('p', { class: 'preset' },
    input,
    h('label', { for: 'preset-file', class: 'button-like secondary', tabindex: '0',
      onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); input.click(); } } },
    'Open a preset from my help desk'),
    h('span', { class: 'hint' }, ' A .json file your help desk sent; it has no secret in it.'));
}

export function render(ctx) {
  const { info, state, next } = ctx;
  const draft = state.draft;
  const presetProblem = h('div');
  const error = h('p', { id: 'goal-error', class: 'error', role: 'alert', hidden: true },
    'Choose what you want to do, then continue.');

  const goals = h('fieldset', { class: 'choices', 'aria-describedby': 'goal-error' },
    h('legend', { class: 'visually-hidden' }, 'Your goal'),
    info.goals.map((goal) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name: 'goal', value: goal.id,
        checked: draft.goal === goal.id,
        'aria-describedby': `goal-${goal.id}-desc`,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, goal.title),
        h('span', { class: 'choice-desc', id: `goal-${goal.id}-desc` }, goal.description)),
    )),
  );

  const cloudHint = h('p', { id: 'cloud-hint', class: 'hint' });
  const cloud = h('select', { id: 'cloud', name: 'cloud', 'aria-describedby': 'cloud-hint' },
    info.clouds.map((c) => h('option', { value: c.id, selected: draft.cloud === c.id }, c.name)),
    draft.custom ? h('option', { value: 'custom', selected: draft.cloud === 'custom' },
      ctx.state.practice ? 'The practice organisation (on this computer)' : 'Custom (from Settings)') : null);
  const describeCloud = () => {
    const chosen = info.clouds.find((c) => c.id === cloud.value);
    cloudHint.textContent = chosen ? chosen.description : ctx.state.practice
      ? 'Made up, running inside Keyway: nothing reaches Microsoft.'
      : `Addresses set in Settings: ${draft.custom?.authorityHost ?? ''}`;
  };
  cloud.addEventListener('change', () => { draft.cloud = cloud.value; describeCloud(); });
  describeCloud();

  const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
    goals,
    error,
    h('div', { class: 'field' },
      h('label', { for: 'cloud' }, 'Microsoft cloud'),
      cloud,
      cloudHint),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'back', onclick: ctx.back }, 'Back'),
      h('button', { type: 'submit', class: 'primary', id: 'continue' }, 'Continue')),
  );

  form.addEventListener('change', (event) => {
    if (event.target.name === 'goal') {
      draft.goal = event.target.value;
      error.hidden = true;
      goals.removeAttribute('aria-invalid');
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!draft.goal) {
      error.hidden = false;
      goals.setAttribute('aria-invalid', 'true');
      goals.querySelector('input')?.focus();
      return;
    }
    next();
  });

  return [
    h('h1', { id: 'step-title', tabindex: '-1' }, 'What do you want to connect to Power BI?'),
    h('p', { class: 'lead' },
      'Pick the one that sounds most like your task. Keyway uses it to suggest how to sign in ' +
      'and which permissions to check.'),
    form,
    h('div', { class: 'or' }, presetPicker(ctx, presetProblem), presetProblem),
    h('p', { class: 'or' },
      h('button', { type: 'button', class: 'secondary', id: 'open-setup', onclick: () => ctx.go('setup') },
        'I don’t have an app yet — set it up for me'),
      h('span', { class: 'hint' }, ' Needs an administrator of your organisation.')),
  ];
}
