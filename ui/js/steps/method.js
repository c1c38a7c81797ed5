// Step 2: how the connection signs in. The goal's recommended method is chosen for the person.

import { h } from '../dom.js';

export const id = 'method';
export const title = 'Sign-in method';

export function render(ctx) {
  const { info, state, back } = ctx;
  const goal = info.goals.find((g) => g.id === state.goal);
  const recommended = goal?.recommendedMethod;
  if (!state.method) state.method = recommended;

  const methods = h('fieldset', { class: 'choices' },
    h('legend', { class: 'visually-hidden' }, 'Sign-in method'),
    info.methods.map((m) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name: 'method', value: m.id,
        checked: state.method === m.id,
        'aria-describedby': `method-${m.id}-desc`,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, m.title,
          m.id === recommended ? h('span', { class: 'badge' }, 'Recommended') : null),
        h('span', { class: 'choice-desc', id: `method-${m.id}-desc` }, m.tradeoff)),
    )),
  );
  methods.addEventListener('change', (event) => { state.method = event.target.value; });

  return [
    h('h1', { id: 'step-title', tabindex: '-1' }, 'How should the connection sign in?'),
    h('p', { class: 'lead' },
      goal ? `For “${goal.title}”, Keyway suggests the choice marked Recommended. You can pick another.` : ''),
    h('form', { novalidate: true, 'aria-labelledby': 'step-title',
      onsubmit: (e) => e.preventDefault() },
    methods,
    h('p', { class: 'hint', id: 'next-note' },
      'Entering your app registration details is the next step; it is still being built.'),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', id: 'back', onclick: back }, 'Back'),
      h('button', { type: 'submit', class: 'primary', id: 'continue', disabled: true,
        'aria-describedby': 'next-note' }, 'Continue'))),
  ];
}
