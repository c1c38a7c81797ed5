// After signing in: who or what signed in, for which organisation and app, with which
// permissions, until when. The token itself never reaches this page.

import { h, heading, actions, backButton } from '../dom.js';

export const id = 'token';
export const title = 'Signed in';
export const stage = 3;

function minutesLeft(expiresOn) {
  return Math.max(0, Math.round((expiresOn * 1000 - Date.now()) / 60000));
}

export function render(ctx) {
  const { state, back, next } = ctx;
  const t = state.token;
  if (!t) return [heading('Not signed in yet'), actions(backButton(back))];
  const rows = [
    ['Signed in as', t.name ? `${t.name} (${t.who})` : t.who],
    ['Organisation (tenant)', t.tenantId ?? '—'],
    ['App (client ID)', t.appId ?? '—'],
    [t.appOnly ? 'Application permissions' : 'Permissions (scopes)',
      t.permissions.length ? t.permissions.join(', ')
        : t.appOnly ? 'None, as expected: an app gets its Power BI access from a tenant setting and workspace roles.' : 'None'],
    ['Token works for', `${minutesLeft(t.expiresOn)} more minutes`],
  ];
  if (t.secretHint) rows.push(['Secret used', `the one ending ${t.secretHint}`]);
  return [
    heading('Signed in'),
    h('p', { class: 'lead' }, 'Microsoft accepted the sign-in. Next, Keyway checks that Power BI will accept it too.'),
    h('dl', { class: 'summary', id: 'token-summary' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)])),
    actions(backButton(back),
      h('button', { type: 'button', class: 'primary', id: 'continue', onclick: next }, 'Check permissions')),
  ];
}
