// "Set it up for me": an administrator signs in once, sees every change Keyway would make, and
// confirms once. The new app's secret stays in the engine; the person goes on to sign in with
// the new app and run the checks, as on the usual path.

import { setupSignIn, setupWorkspaces, setupPlan, setupApply, setupUndo } from '../api.js';
import { h, heading, actions, backButton, announce, problemBox, focusProblem, openButton } from '../dom.js';
import { deviceCodeView } from '../device-code.js';
import { workspaceChoice } from '../workspace-choice.js';

export const id = 'setup';
export const title = 'Set it up for me';
export const stage = -1;

const BADGE = { create: 'Create', update: 'Change', nothing: 'Already in place', manual: 'For an administrator' };
const DONE = { create: 'Done', update: 'Changed', nothing: 'Already in place', manual: 'For an administrator' };

// A step someone else does by hand comes with the page where it is done.
function stepItem(step, draft, done = false) {
  return h('li', { class: `plan-step ${step.change}`, 'data-step': step.id, 'data-change': step.change },
    h('span', { class: 'badge' }, (done ? DONE : BADGE)[step.change]), ' ', step.summary,
    step.link ? h('div', {}, openButton(draft, step.link, 'Open the Power BI admin portal',
      { id: `open-${step.id}` })) : null);
}

export function render(ctx) {
  const { state, back } = ctx;
  const draft = state.draft;
  const field = (fid, label, value, hint) => {
    const input = h('input', { type: 'text', id: fid, value, spellcheck: 'false',
      'aria-describedby': hint ? `${fid}-hint` : false });
    return [input, h('div', { class: 'field wide' }, h('label', { for: fid }, label), input,
      hint ? h('p', { class: 'hint', id: `${fid}-hint` }, hint) : null)];
  };
  const [tenant, tenantField] = field('setup-tenant', 'Your organisation (tenant domain or ID)', draft.tenant,
    'For example contoso.onmicrosoft.com.');
  const [appName, appField] = field('setup-app-name', 'A name for the new app', 'Power BI API app',
    'Keyway reuses an app with this name if there is one.');
  const [workspace, wsField] = field('setup-workspace', 'Workspace ID (optional)', draft.workspace ?? '',
    'The app gets a seat there. It is the ID after /groups/ in the workspace’s address. Leave it empty to choose from your workspaces after signing in.');
  // The rest has good defaults; an administrator who wants others opens "More choices".
  const [newWorkspace, newWsField] = field('setup-new-workspace', 'Or a workspace by name (optional)', '',
    'Used when the ID above is empty: your workspace of that name, or a new one Keyway creates.');
  const [group, groupField] = field('setup-group', 'Security group the app joins', 'Power BI API apps',
    'Created if there is none by that name. Power BI’s setting for apps is limited to it.');
  const select = (sid, label, options, chosen) => {
    const el = h('select', { id: sid }, options.map(([value, text]) =>
      h('option', { value, selected: value === chosen }, text)));
    return [el, h('div', { class: 'field' }, h('label', { for: sid }, label), el)];
  };
  const [role, roleField] = select('setup-role', 'Role in the workspace',
    [['Member', 'Member'], ['Contributor', 'Contributor'], ['Admin', 'Admin'], ['Viewer', 'Viewer']], 'Member');
  const [credential, credentialField] = select('setup-credential', 'How the app proves who it is',
    [['secret', 'A client secret (simplest)'],
      ['certificate', 'A certificate Keyway makes (stronger; its key never leaves this computer)']], 'secret');
  const [months, monthsField] = select('setup-months', 'It lasts',
    [['3', '3 months'], ['6', '6 months'], ['12', '12 months'], ['24', '24 months']], '6');
  const goals = [['embed', 'Show reports in another application'], ['data', 'Push or refresh data from a script'],
    ['admin', 'Read every workspace’s metadata (admin APIs)'], ['delegated', 'People sign in as themselves']];
  const [goal, goalField] = select('setup-goal', 'What the app is for', goals,
    goals.some(([g]) => g === draft.goal) ? draft.goal : 'embed');
  const [adminClient, adminClientField] = field('setup-admin-client', 'App the administrator signs in with (optional)', '',
    'Empty: Microsoft’s Azure CLI app, which every organisation has. If yours allows only its own app for this, type that app’s client ID.');
  const more = h('details', { class: 'more', id: 'setup-more' },
    h('summary', {}, 'More choices'), goalField, newWsField, groupField, roleField, credentialField, monthsField,
    adminClientField);
  const area = h('div', { id: 'setup-area', 'aria-live': 'polite' });
  const status = h('p', { class: 'status', id: 'setup-status', role: 'status' });
  let stop = () => {};

  const fail = (e) => {
    stop();
    status.textContent = '';
    area.replaceChildren(problemBox(e, draft, { id: 'setup-problem' }));
    focusProblem('setup-problem');
    go.disabled = false;
    here.disabled = false;
  };

  const showPlan = (steps) => {
    const changes = steps.filter((s) => s.change === 'create' || s.change === 'update').length;
    const confirm = h('button', { type: 'button', class: 'primary', id: 'setup-apply',
      onclick: () => apply(steps) }, changes ? 'Make these changes' : 'Continue');
    area.replaceChildren(
      h('h2', { id: 'plan-title' }, changes ? 'What Keyway will do' : 'Everything is already in place'),
      h('p', { class: 'hint' }, changes
        ? 'Nothing has changed yet. Keyway makes these changes, one at a time, when you confirm.'
        : 'Keyway found the app and everything it needs.'),
      h('ol', { class: 'plan', id: 'plan', 'aria-labelledby': 'plan-title' }, steps.map((s) => stepItem(s, draft))),
      actions(confirm));
    status.textContent = '';
    announce(changes ? `The plan has ${changes} changes. Nothing has changed yet.` : 'Everything is already in place.');
    confirm.focus();
  };

  const apply = async (steps) => {
    const list = h('ol', { class: 'plan', id: 'applied' });
    area.replaceChildren(h('h2', {}, 'Making the changes'), list);
    status.textContent = `Step 1 of ${steps.length}…`;
    try {
      const done = await setupApply((step) => {
        list.append(stepItem(step, draft, true));
        status.textContent = `${list.children.length} of ${steps.length} done…`;
      });
      const certificate = done.method === 'certificate';
      const delegated = goal.value === 'delegated';
      Object.assign(draft, { tenant: done.tenant, clientId: done.clientId, method: done.method,
        certificateInKeyring: certificate, certificatePath: '', goal: goal.value,
        workspace: done.workspace ?? '' });
      if (delegated) draft.scopes = done.scopes;
      state.hints = certificate || delegated ? {} : { clientSecret: 'kept by Keyway' };
      state.secretExpires = done.secretExpires ?? '';
      // A changed setting or membership can take Power BI a while: the checks wait it out.
      state.changedAt = done.done.some((s) => (s.change === 'create' || s.change === 'update')
        && (s.id.endsWith('-setting') || s.id === 'membership')) ? Date.now() : null;
      status.textContent = '';
      const what = certificate ? 'Its certificate (with the private key)' : 'Its secret';
      area.append(h('p', { id: 'setup-done' }, delegated
        ? `The app is ready (client ID ${done.clientId}). People sign in to it with their own accounts, and nobody is asked to consent.`
        : `The app is ready (client ID ${done.clientId}). ${what} is held by Keyway and expires on ${done.secretExpires}; you save it with the connection at the end.`),
        // Portals and guides mix up the app's three IDs: each, and where it is used.
        done.ids?.length ? h('details', { class: 'more', id: 'setup-ids' },
          h('summary', {}, 'The app’s IDs, and where each is used'),
          h('dl', { class: 'id-uses' }, done.ids.map((i) => [h('dt', {}, i.name),
            h('dd', {}, h('span', { class: 'mono' }, i.value), h('br'), h('span', { class: 'hint' }, i.usedFor))]))) : null,
        actions(h('button', { type: 'button', class: 'primary', id: 'setup-continue',
          onclick: () => ctx.go('signin') }, 'Sign in with the new app')));
      announce('The app is ready.');
      document.getElementById('setup-continue')?.focus();
    } catch (e) {
      fail(e);
      if (!list.children.length) return;
      // Offer to take back exactly what this run made.
      const undone = h('ul', { id: 'undone' });
      const undo = h('button', { type: 'button', class: 'secondary', id: 'setup-undo', onclick: async () => {
        undo.disabled = true;
        try {
          const said = await setupUndo();
          undone.replaceChildren(...said.map((t) => h('li', {}, t)));
          announce(said.length ? 'What this run made was taken back.' : 'Nothing needed taking back.');
        } catch (err) { undone.replaceChildren(h('li', {}, err.title)); }
      } }, 'Take back what Keyway made');
      area.append(actions(undo), undone);
    }
  };

  // The administrator signs in with a code on any device (a help desk can guide them from
  // afar), or in this computer's browser.
  const signIn = async (inBrowser) => {
    if (!tenant.value.trim()) { tenant.focus(); return; }
    go.disabled = true;
    here.disabled = true;
    draft.tenant = tenant.value.trim();
    status.textContent = inBrowser ? 'Opening the browser…' : 'Asking Microsoft for a code…';
    try {
      await setupSignIn(draft.cloud, draft.tenant, (event) => {
        if (!ctx.isCurrent()) return;
        if (event.event === 'browser-opened') {
          status.textContent = 'Waiting for the administrator to finish signing in, in the browser…';
        } else if (event.event === 'browser-not-opened') {
          area.replaceChildren(h('p', {}, 'The browser did not open. Open this address in a browser on this computer:'),
            h('p', { class: 'mono', id: 'setup-address' }, event.url));
          status.textContent = 'Waiting for the administrator to sign in…';
        } else if (event.event === 'device-code') {
          const view = deviceCodeView(event, draft, { practice: Boolean(state.practice) });
          stop = view.stop;
          area.replaceChildren(view.node);
          status.textContent = 'Waiting for the administrator to sign in…';
          announce(`The code is ${event.userCode.split('').join(' ')}.`);
        }
      }, inBrowser, adminClient.value.trim() || null);
      stop();
      const seat = { workspace: workspace.value.trim() || null,
        newWorkspace: workspace.value.trim() ? null : newWorkspace.value.trim() || null };
      // An app that needs a seat and none named: the administrator picks one of theirs.
      if (['embed', 'data'].includes(goal.value) && !seat.workspace && !seat.newWorkspace) {
        status.textContent = 'Reading your workspaces…';
        const mine = await setupWorkspaces();
        status.textContent = '';
        area.replaceChildren(workspaceChoice(mine, (chosen) => plan(chosen).catch(fail)));
        document.getElementById('seat-title')?.focus();
        return;
      }
      await plan(seat);
    } catch (e) { fail(e); }
  };
  const plan = async (seat) => {
    status.textContent = 'Reading what exists…';
    showPlan(await setupPlan({ appName: appName.value.trim(), group: group.value.trim(),
      ...seat, role: role.value,
      secretMonths: Number(months.value), credential: credential.value, goal: goal.value,
      // The delegated goal asks for the permissions the person picked; none: Keyway's defaults.
      scopes: goal.value === 'delegated' ? draft.scopes ?? [] : [] }));
  };
  const go = h('button', { type: 'button', class: 'primary', id: 'setup-sign-in',
    onclick: () => signIn(false) }, 'Sign in as an administrator');
  const here = h('button', { type: 'button', class: 'secondary', id: 'setup-sign-in-browser',
    onclick: () => signIn(true) }, 'In this computer’s browser');

  return [
    heading('Set it up for me'),
    h('p', { class: 'lead' }, 'An administrator of your organisation signs in once. Keyway then shows every change it would make — the app, its secret or certificate, its security group, the Power BI setting and its workspace seat — and makes them only when you confirm.'),
    tenantField, appField, wsField, more,
    actions(backButton(back), here, go),
    status, area,
  ];
}
