// Home: the saved connections with their state at a glance, and the way to add one.

import { listProfiles, openProfile, deleteProfile, forgetSession, renewConnection } from '../api.js';
import { h, heading, announce, problemBox, writeReport } from '../dom.js';
import { deviceCodeView } from '../device-code.js';

export const id = 'home';
export const title = 'My connections';
export const stage = -1;

const BADGE_LABEL = { working: 'Working', failing: 'Failing', expiring: 'Expiring soon',
  expired: 'Expired', unchecked: 'Not checked' };

function card(p, ctx, list) {
  const status = h('p', { class: 'hint', role: 'status', id: `status-${slug(p.name)}` });
  const checkAgain = async () => {
    try {
      const draft = await openProfile(p.name);
      // Nothing typed for an earlier connection stays in the engine's memory.
      await forgetSession().catch(() => {});
      Object.assign(ctx.state.draft, draft);
      ctx.state.savedName = p.name;
      ctx.state.hints = {};
      ctx.go('signin');
    } catch (e) {
      status.textContent = e.title;
    }
  };
  const report = () => writeReport(p.name, status);
  // Renewing: an administrator (or the app's owner) signs in with a code; a new secret or
  // certificate is added, proved, kept, and only then the old one removed.
  const renewWords = p.renew === 'certificate' ? 'Renew certificate' : 'Renew secret';
  const renewArea = h('div', { class: 'renew-area', id: `renew-${slug(p.name)}` });
  const renew = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    status.textContent = 'An administrator or the app’s owner signs in to renew it…';
    let stop = () => {};
    try {
      const draft = await openProfile(p.name);
      const done = await renewConnection(p.name, (e) => {
        if (e.event !== 'device-code') return;
        const view = deviceCodeView(e, draft);
        stop = view.stop;
        renewArea.replaceChildren(view.node);
      });
      stop();
      const said = `Renewed “${p.name}”: the new one works, is kept by Keyway and expires on ${done.expires}. `
        + (done.removed ? 'The old one was removed.' : 'The old one was kept: remove it in the portal once nothing uses it.');
      list.replaceChildren(...(await cards(ctx, list)));
      const now = document.getElementById(`status-${slug(p.name)}`);
      if (now) now.textContent = said;
      announce(said);
    } catch (e) {
      stop();
      renewArea.replaceChildren();
      status.textContent = e.title;
      button.disabled = false;
    }
  };
  const remove = async (event) => {
    const button = event.currentTarget;
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = `Yes, delete “${p.name}”`;
      status.textContent = 'Press again to delete this connection and its saved secret.';
      return;
    }
    try {
      await deleteProfile(p.name);
      announce(`Deleted ${p.name}.`);
      list.replaceChildren(...(await cards(ctx, list)));
      document.getElementById('new-connection')?.focus();
    } catch (e) {
      status.textContent = e.title;
    }
  };
  return h('li', { class: `card badge-${p.badge}` },
    h('div', { class: 'card-head' },
      h('h2', { class: 'card-title' }, p.name),
      h('span', { class: `status-badge ${p.badge}` }, p.badgeText || BADGE_LABEL[p.badge])),
    h('p', { class: 'card-meta' }, [p.goal, p.method, p.cloud].filter(Boolean).join(' · ')),
    p.lastSummary ? h('p', { class: 'hint' }, `Last check: ${p.lastSummary}`) : null,
    h('div', { class: 'card-actions' },
      h('button', { type: 'button', class: 'secondary small', onclick: checkAgain,
        'aria-label': `Check again: “${p.name}”` }, 'Check again'),
      h('button', { type: 'button', class: 'secondary small', onclick: report,
        'aria-label': `Support report: “${p.name}”` }, 'Support report'),
      p.renew ? h('button', { type: 'button', class: 'secondary small', onclick: renew,
        id: `renew-button-${slug(p.name)}`, 'aria-label': `${renewWords}: “${p.name}”` }, renewWords) : null,
      h('button', { type: 'button', class: 'secondary small danger', onclick: remove,
        'aria-label': `Delete: “${p.name}”` }, 'Delete')),
    status, renewArea);
}

function slug(s) {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-');
}

async function cards(ctx, list, notice = null) {
  const { cards: profiles, notice: said } = await listProfiles();
  if (said && notice) notice.replaceChildren(noticeBox(said));
  if (!profiles.length) {
    return [h('li', { class: 'empty' },
      h('p', {}, 'No connections yet. Set one up in a few steps: Keyway explains each one.'))];
  }
  return profiles.map((p) => card(p, ctx, list));
}

// The saved file could not be read and was moved aside: said calmly, once, with where the old
// file is kept, until the person dismisses it. A status (not an alert): nothing is broken now.
function noticeBox(e) {
  const dismiss = () => {
    box.remove();
    document.getElementById('new-connection')?.focus();
  };
  const box = h('section', { class: 'notice', id: 'profiles-notice', role: 'status',
    'aria-labelledby': 'profiles-notice-title' },
    h('h2', { class: 'notice-title', id: 'profiles-notice-title' }, e.title),
    e.cause ? h('p', {}, e.cause) : null,
    (e.fix || []).map((step) => h('p', {}, step)),
    h('button', { type: 'button', class: 'secondary small', id: 'profiles-notice-dismiss',
      onclick: dismiss }, 'Dismiss'));
  return box;
}

export function render(ctx) {
  const list = h('ul', { class: 'cards', id: 'profiles', 'aria-labelledby': 'step-title' },
    h('li', { class: 'loading' }, 'Loading your connections…'));
  const start = () => {
    // A new connection: the engine drops whatever the last one typed, and so does the window.
    forgetSession().catch(() => {});
    ctx.state.savedName = null;
    ctx.state.hints = {};
    ctx.go('start');
  };
  const problem = h('div');
  const notice = h('div');
  cards(ctx, list, notice)
    .then((items) => list.replaceChildren(...items))
    .catch((e) => {
      list.replaceChildren();
      problem.replaceChildren(problemBox(e, ctx.state.draft));
    });
  return [
    heading('Your Power BI connections'),
    h('p', { class: 'lead' }, ctx.state.practice
      ? 'Practice connections: to the made-up organisation (Contoso) on this computer. They are kept only until Keyway closes.'
      : 'Each connection is a way for a script, a tool or an app to reach the Power BI API. ' +
        'Secrets stay in your system’s keyring.'),
    h('div', { class: 'actions start' },
      h('button', { type: 'button', class: 'primary', id: 'new-connection', onclick: start },
        'Set up a new connection'),
      // Practice: everything works against a made-up organisation inside Keyway.
      ctx.state.practice ? null : h('button', { type: 'button', class: 'secondary', id: 'open-practice',
        onclick: async (event) => {
          const button = event.currentTarget;
          button.disabled = true;
          try {
            await (await import('../main.js')).enterPractice();
          } catch (e) {
            problem.replaceChildren(problemBox(e, ctx.state.draft));
            button.disabled = false;
          }
        } }, 'Try it with a practice organisation')),
    problem,
    notice,
    list,
  ];
}
