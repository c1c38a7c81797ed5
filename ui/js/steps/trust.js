// A preset that names its own cloud: before anything is typed, the person sees every address in
// full and decides whether their secret may go there. One decision on this screen.

import { trustPresetCloud } from '../api.js';
import { h, heading, actions, problemBox, focusProblem } from '../dom.js';

export const id = 'trust';
export const title = 'Check the preset’s addresses';
export const stage = 0;

export function render(ctx) {
  const { state } = ctx;
  const read = state.pendingPreset;
  if (!read) {
    ctx.go('start');
    return [];
  }
  const [signIn, ...others] = read.customHosts;
  const problem = h('div');
  const cancel = () => {
    state.pendingPreset = null;
    ctx.go('start');
  };
  const trust = async () => {
    try {
      await trustPresetCloud();
    } catch (e) {
      problem.replaceChildren(problemBox(e, state.draft, { id: 'trust-problem' }));
      focusProblem('trust-problem');
      return;
    }
    Object.assign(state.draft, read.draft);
    state.pendingPreset = null;
    ctx.go('details');
  };
  return [
    heading('This preset uses its own addresses, not Microsoft’s'),
    h('p', { class: 'lead' },
      'If you continue, the secret you type next is sent to the sign-in address below. ',
      'It does not go to Microsoft.'),
    h('dl', { class: 'hosts', id: 'preset-hosts' },
      h('dt', {}, 'Your secret goes to'), h('dd', {}, h('code', { id: 'preset-sign-in-host' }, signIn)),
      others.length ? [h('dt', {}, 'Keyway also calls'),
        others.map((host) => h('dd', {}, h('code', {}, host)))] : null),
    h('p', {}, 'Continue only if your help desk told you these are your organisation’s addresses. ',
      'If you are not sure, ask them first.'),
    problem,
    actions(
      h('button', { type: 'button', class: 'secondary', id: 'trust-cancel', onclick: cancel },
        'Don’t use this preset'),
      h('button', { type: 'button', class: 'primary', id: 'trust-continue', onclick: trust },
        'I trust these addresses')),
  ];
}
