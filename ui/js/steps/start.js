// Step 1: what the person wants to do, and which Microsoft cloud their organisation uses.

import { h } from '../dom.js';

export const id = 'start';
export const title = 'Your goal';

export function render(ctx) {
  const { info, state, next } = ctx;
  const error = h('p', { id: 'goal-error', class: 'error', role: 'alert', hidden: true },
    'Choose what you want to do, then continue.');

  const goals = h('fieldset', { class: 'choices', 'aria-describedby': 'goal-error' },
    h('legend', { class: 'visually-hidden' }, 'Your goal'),
    info.goals.map((goal) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name: 'goal', value: goal.id,
        checked: state.goal === goal.id,
        'aria-describedby': `goal-${goal.id}-desc`,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, goal.title),
        h('span', { class: 'choice-desc', id: `goal-${goal.id}-desc` }, goal.description)),
    )),
  );

  const cloudHint = h('p', { id: 'cloud-hint', class: 'hint' });
  const cloud = h('select', { id: 'cloud', name: 'cloud', 'aria-describedby': 'cloud-hint' },
    info.clouds.map((c) => h('option', { value: c.id, selected: state.cloud === c.id }, c.name)));
  const describeCloud = () => {
    const chosen = info.clouds.find((c) => c.id === cloud.value);
    cloudHint.textContent = chosen ? chosen.description : '';
  };
  cloud.addEventListener('change', () => { state.cloud = cloud.value; describeCloud(); });
  describeCloud();

  const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
    goals,
    error,
    h('div', { class: 'field' },
      h('label', { for: 'cloud' }, 'Microsoft cloud'),
      cloud,
      cloudHint),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary', id: 'continue' }, 'Continue')),
  );

  form.addEventListener('change', (event) => {
    if (event.target.name === 'goal') {
      state.goal = event.target.value;
      error.hidden = true;
      goals.removeAttribute('aria-invalid');
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!state.goal) {
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
  ];
}
