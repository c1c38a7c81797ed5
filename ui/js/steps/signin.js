// Step 4: get a token. One click for an app; for a person, the device code (large, with a copy
// button, the sign-in page and a countdown) or the browser; every failure explained in place.

import { signIn, signInSaved, cancelSignIn } from '../api.js';
import { deviceCodeView } from '../device-code.js';
import { h, heading, actions, backButton, announce, problemBox, copyText, focusProblem,
  secretGoesTo } from '../dom.js';

export const id = 'signin';
export const title = 'Sign in';
export const stage = 3;

const LEADS = {
  'client-secret': (to) => `Keyway signs in as the app: it sends the client secret only to ${to}. `
    + 'Nothing is saved yet.',
  certificate: (to) => `Keyway signs in as the app with its certificate, at ${to}: it sends a `
    + 'signed proof, never the private key. Nothing is saved yet.',
  password: (to) => `Keyway sends the user name and password only to ${to}.`,
  'device-code': 'You will get a short code to type on Microsoft’s sign-in page, on this or any other device.',
  browser: 'Your browser opens Microsoft’s sign-in page. Sign in there, then come back here.',
};


function addressBox(url, opened) {
  const copied = h('span', { class: 'hint', role: 'status', id: 'address-copied' });
  return h('div', { class: 'device-code' },
    h('p', {}, opened ? 'Didn’t open? Copy the address into a browser:' : 'Copy the address into a browser:'),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', id: 'copy-address',
        onclick: async () => { copied.textContent = (await copyText(url)) ? 'Copied.' : 'Copy failed: select the address instead.'; } },
      'Copy the address'), copied),
    h('p', { class: 'hint mono', id: 'signin-address' }, url));
}

export function render(ctx) {
  const { state, back } = ctx;
  const draft = state.draft;
  const area = h('div', { id: 'signin-area', 'aria-live': 'polite' });
  const status = h('p', { class: 'status', id: 'signin-status', role: 'status' });
  let stopCountdown = () => {};
  let running = false;

  const onEvent = (event) => {
    if (!ctx.isCurrent()) return;
    if (event.event === 'device-code') {
      const view = deviceCodeView(event, draft, { practice: Boolean(state.practice) });
      area.replaceChildren(view.node);
      stopCountdown = view.stop;
      status.textContent = 'Waiting for you to finish signing in…';
      announce(`Your code is ${event.userCode.split('').join(' ')}. Waiting for you to sign in.`);
      document.getElementById('copy-code')?.focus();
    } else if (event.event === 'browser-opened' || event.event === 'browser-not-opened') {
      const opened = event.event === 'browser-opened';
      status.textContent = opened
        ? 'Your browser is open at Microsoft’s sign-in page. Waiting for you to finish there…'
        : 'Keyway could not open your browser. Open the address below in a browser yourself; Keyway is waiting.';
      // The address holds no secret (only the PKCE challenge and state), and is the way in when
      // nothing visibly opened.
      if (event.url) area.replaceChildren(addressBox(event.url, opened));
      announce(status.textContent);
    } else if (event.event === 'waiting') {
      status.textContent = `${event.what} asked Keyway to wait ${event.seconds} s. It tries again after that…`;
      announce(status.textContent);
    }
  };

  // Cancelling drops the secrets typed for this sign-in in the engine: they are typed again.
  const cancelled = () => { state.hints = {}; return cancelSignIn(); };
  const cancel = h('button', { type: 'button', class: 'secondary', id: 'cancel', hidden: true,
    onclick: () => cancelled() }, 'Cancel');
  const start = async () => {
    if (running) return;
    running = true;
    area.replaceChildren();
    go.disabled = true;
    cancel.hidden = !['device-code', 'browser'].includes(draft.method);
    status.textContent = draft.method === 'device-code' ? 'Asking Microsoft for a code…' : 'Signing in…';
    try {
      const summary = state.savedName
        ? await signInSaved(state.savedName, onEvent)
        : await signIn(draft, onEvent);
      state.token = summary;
      state.outcome = null;
      if (ctx.isCurrent()) ctx.go('token');
    } catch (e) {
      if (!ctx.isCurrent()) return;
      status.textContent = '';
      // A person's password met multi-factor or Conditional Access: an app signing in as
      // itself is the way for anything unattended.
      const instead = e.instead === 'service-principal' ? [h('button', { type: 'button',
        class: 'secondary', id: 'use-an-app', onclick: () => {
          draft.method = 'client-secret';
          ctx.go('method');
        } }, 'Use an app instead')] : [];
      // The tenant lives in another cloud: one click chooses it and signs in again.
      const cloud = e.instead?.startsWith('cloud:')
        ? ctx.info?.clouds?.find((c) => c.id === e.instead.slice(6)) : null;
      if (cloud) {
        instead.push(h('button', { type: 'button', class: 'secondary', id: 'use-cloud', onclick: () => {
          draft.cloud = cloud.id;
          start();
        } }, `Use ${cloud.name}`));
      }
      area.replaceChildren(problemBox(e, draft, { id: 'signin-problem', actions: instead }));
      go.textContent = 'Try again';
      focusProblem('signin-problem');
    } finally {
      running = false;
      stopCountdown();
      go.disabled = false;
      cancel.hidden = true;
    }
  };

  const go = h('button', { type: 'button', class: 'primary', id: 'get-token', onclick: start },
    draft.method === 'device-code' ? 'Get a code' : draft.method === 'browser' ? 'Open the browser' : 'Get a token');
  const warning = draft.method === 'password' ? h('p', { class: 'warning', role: 'note' },
    'If your organisation requires multi-factor sign-in, this will be refused; go back and choose the browser or a device code instead.') : null;

  return [
    heading(state.savedName ? `Sign in with “${state.savedName}”` : 'Get a token'),
    h('p', { class: 'lead' }, typeof LEADS[draft.method] === 'function'
      ? LEADS[draft.method](secretGoesTo(ctx.info, draft)) : LEADS[draft.method] ?? ''),
    warning,
    status,
    area,
    // Back stops a sign-in still waiting; when none is, the typed secrets stay for the next try.
    actions(backButton(() => {
      if (running) cancelled().catch(() => {});
      state.savedName ? ctx.go('home') : back();
    }), cancel, go),
  ];
}
