// Step 2: how the connection signs in. The goal's recommended method is chosen for the person.

import { h, heading, actions, backButton } from '../dom.js';

export const id = 'method';
export const title = 'Sign-in method';
export const stage = 1;

export function render(ctx) {
  const { info, state, back, next } = ctx;
  const draft = state.draft;
  const goal = info.goals.find((g) => g.id === draft.goal);
  const recommended = goal?.recommendedMethod;
  if (!draft.method) draft.method = recommended;

  const warning = h('p', { class: 'warning', id: 'password-warning', role: 'note',
    hidden: draft.method !== 'password' },
  'User name and password stops working when your organisation asks for multi-factor sign-in. ' +
  'Choose it only if a guide you must follow requires a “master user”.');
  const methods = h('fieldset', { class: 'choices' },
    h('legend', { class: 'visually-hidden' }, 'Sign-in method'),
    info.methods.map((m) => h('label', { class: 'choice' },
      h('input', {
        type: 'radio', name: 'method', value: m.id,
        checked: draft.method === m.id,
        'aria-describedby': `method-${m.id}-desc`,
      }),
      h('span', { class: 'choice-text' },
        h('span', { class: 'choice-title' }, m.title,
          m.id === recommended ? h('span', { class: 'badge' }, 'Recommended') : null),
        h('span', { class: 'choice-desc', id: `method-${m.id}-desc` }, m.tradeoff)),
    )),
  );
  methods.addEventListener('change', (event) => {
    draft.method = event.target.value;
    warning.hidden = draft.method !== 'password';
  });

  return [
    heading('How should the connection sign in?'),
    h('p', { class: 'lead' },
      goal ? `For “${goal.title}”, Keyway suggests the choice marked Recommended. You can pick another.` : ''),
    h('form', { novalidate: true, 'aria-labelledby': 'step-title',
      onsubmit: (e) => { e.preventDefault(); next(); } },
    methods,
    warning,
    actions(backButton(back),
      h('button', { type: 'submit', class: 'primary', id: 'continue' }, 'Continue'))),
  ];
}
