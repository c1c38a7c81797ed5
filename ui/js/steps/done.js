// Done: how to use the connection (examples without the secret), the access token on request,
// and a support report for the help desk.

import { snippets, copyAccessToken } from '../api.js';
import { h, heading, actions, copyText, announce, writeReport } from '../dom.js';

export const id = 'done';
export const title = 'Done';
export const stage = 6;

export function render(ctx) {
  const { state } = ctx;
  const saved = state.saved;
  const status = h('p', { class: 'hint', id: 'done-status', role: 'status' });
  const tabs = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Usage examples' });
  const panel = h('div', { class: 'tab-panel', role: 'tabpanel', id: 'snippet-panel', tabindex: '0' });
  let all = [];
  const select = (i, focus = false) => {
    [...tabs.children].forEach((t, j) => {
      t.setAttribute('aria-selected', String(i === j));
      t.tabIndex = i === j ? 0 : -1;
    });
    const s = all[i];
    panel.setAttribute('aria-labelledby', `tab-${s.id}`);
    panel.replaceChildren(
      h('pre', { class: 'snippet', id: `snippet-${s.id}` }, s.text),
      h('button', { type: 'button', class: 'secondary small', id: 'copy-snippet',
        onclick: async () => { status.textContent = (await copyText(s.text)) ? `${s.title} example copied.` : 'Copy failed: select the text instead.'; } },
      'Copy'));
    if (focus) tabs.children[i].focus();
  };
  tabs.addEventListener('keydown', (e) => {
    const i = [...tabs.children].indexOf(document.activeElement);
    if (i < 0) return;
    const n = all.length;
    const to = { ArrowRight: (i + 1) % n, ArrowLeft: (i - 1 + n) % n, Home: 0, End: n - 1 }[e.key];
    if (to !== undefined) { e.preventDefault(); select(to, true); }
  });
  snippets(state.draft).then((list) => {
    all = list;
    tabs.replaceChildren(...list.map((s, i) => h('button', { type: 'button', role: 'tab', id: `tab-${s.id}`,
      'aria-controls': 'snippet-panel', class: 'tab', onclick: () => select(i) }, s.title)));
    select(0);
  }).catch((e) => { status.textContent = e.title; });

  const copyToken = async () => {
    try {
      const token = await copyAccessToken();
      status.textContent = (await copyText(token))
        ? 'Access token copied. It works for about an hour; treat it like a password.'
        : 'Copy failed.';
    } catch (e) {
      status.textContent = e.title;
    }
  };
  const report = async () => {
    await writeReport(saved.name, status);
    announce(status.textContent);
  };

  return [
    heading(`“${saved?.name ?? 'Connection'}” is saved`),
    h('p', { class: 'lead', id: 'saved-where' }, saved?.secretLocation
      ? `Its secret is in ${saved.secretLocation}; the rest is in ${saved.profileFile}.`
      : `It is in ${saved?.profileFile ?? 'Keyway’s settings file'}; it needs no saved secret.`),
    h('h2', {}, 'Use it'),
    h('p', { class: 'hint' }, 'None of these examples contains the secret: each reads it from POWERBI_CLIENT_SECRET or asks you to sign in.'),
    tabs, panel,
    status,
    actions(
      h('button', { type: 'button', class: 'secondary', id: 'copy-token', onclick: copyToken }, 'Copy access token'),
      h('button', { type: 'button', class: 'secondary', id: 'support-report', onclick: report }, 'Create support report'),
      h('button', { type: 'button', class: 'primary', id: 'to-home', onclick: () => ctx.go('home') }, 'Back to my connections')),
  ];
}
