// "Where does the app get its seat?": after the administrator signs in, their own workspaces to
// choose from, a new one by name, or none for now. One decision; the plan follows.

import { h, actions, announce } from './dom.js';

/**
 * The choice, as a node; `onChosen({ workspace, newWorkspace })` gets the workspace's ID, or a
 * name for a new one, or neither.
 */
export function workspaceChoice(workspaces, onChosen) {
  const choice = (value, title, desc, extra) => h('label', { class: 'choice' },
    h('input', { type: 'radio', name: 'setup-seat', value, 'aria-describedby': desc ? `seat-${value}-desc` : false }),
    h('span', { class: 'choice-text' }, h('span', { class: 'choice-title' }, title),
      desc ? h('span', { class: 'choice-desc', id: `seat-${value}-desc` }, desc) : null, extra));
  const name = h('input', { type: 'text', id: 'setup-seat-name', class: 'choice-name', spellcheck: 'false',
    'aria-label': 'Name of the new workspace' });
  const error = h('p', { class: 'error', id: 'setup-seat-error', role: 'alert', hidden: true });
  const say = (text, where) => { error.textContent = text; error.hidden = false; where?.focus(); };
  const list = h('fieldset', { class: 'choices', id: 'setup-seats', 'aria-describedby': 'setup-seat-error' },
    h('legend', { class: 'visually-hidden' }, 'Workspace'),
    workspaces.map((w) => choice(w.id, w.name || w.id, `ID ${w.id}`)),
    choice('new', 'A new workspace', 'Keyway creates it when you confirm the plan; you become its admin.', name),
    choice('none', 'No workspace for now', 'You can add the app to a workspace later, in Power BI.'));
  name.addEventListener('focus', () => { list.querySelector('input[value="new"]').checked = true; });
  const show = h('button', { type: 'submit', class: 'primary', id: 'setup-show-plan' }, 'Show the plan');
  const form = h('form', { novalidate: true, 'aria-labelledby': 'seat-title', onsubmit: (e) => {
    e.preventDefault();
    const picked = list.querySelector('input[name="setup-seat"]:checked')?.value;
    if (!picked) return say('Choose a workspace, a new one, or “No workspace for now”.', list.querySelector('input'));
    if (picked === 'new' && !name.value.trim()) return say('Type a name for the new workspace.', name);
    error.hidden = true;
    show.disabled = true;
    onChosen({ workspace: ['new', 'none'].includes(picked) ? null : picked,
      newWorkspace: picked === 'new' ? name.value.trim() : null });
  } }, list, error, actions(show));
  announce(workspaces.length
    ? `Signed in. Choose one of your ${workspaces.length} workspaces for the app.`
    : 'Signed in. You have no workspaces yet: Keyway can create one.');
  return h('div', { id: 'setup-seat' },
    h('h2', { id: 'seat-title', tabindex: '-1' }, 'Which workspace does the app work in?'),
    h('p', { class: 'hint' }, workspaces.length
      ? 'These are your workspaces. The app gets a seat in the one you choose, with the role under “More choices”.'
      : 'You are not a member of any workspace yet.'),
    form);
}
