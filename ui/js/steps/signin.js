// Step 4: get a token. One click for an app; for a person, the device code (large, with a copy
// button, the sign-in page and a countdown) or the browser; every failure explained in place.

import { signIn, signInSaved, cancelSignIn, openLink } from '../api.js';
import { h, heading, actions, backButton, announce, problemBox, copyText, focusProblem,
  secretGoesTo } from '../dom.js';

export const id = 'signin';
export const title = 'Sign in';
export const stage = 3;

const LEADS = {
  'client-secret': (to) => `Keyway signs in as the app: it sends the client secret only to ${to}. `
    + 'Nothing is saved yet.',
  certificate: (to) => `Keyway signs in as the app with its certificate, at ${to}. `
    + 'Nothing is saved yet.',
  password: (to) => `Keyway sends the user name and password only to ${to}.`,
  'device-code': 'You will get a short code to type on Microsoft’s sign-in page, on this or any other device.',
  browser: 'Your browser opens Microsoft’s sign-in page. Sign in there, then come back here.',
};

function countdown(seconds, el) {
  const end = Date.now() + seconds * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((end - Date.now()) / 1000));
    const m = Math.floor(left / 60);
    const s = String(left % 60).padStart(2, '0');
    el.textContent = left > 0 ? `The code works for ${m}:${s} more.` : 'The code has expired.';
    if (left <= 0) clearInterval(timer);
  };
  const timer = setInterval(tick, 1000);
  tick();
  return () => clearInterval(timer);
}

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
      const timer = h('p', { class: 'hint', id: 'code-timer' });
      const copied = h('span', { class: 'hint', role: 'status' });
      area.replaceChildren(h('div', { class: 'device-code' },
        h('p', {}, '1. Open the sign-in page (on this or any device).'),
        h('div', { class: 'row' },
          h('button', { type: 'button', class: 'secondary', id: 'open-signin-page',
            onclick: () => openLink(draft, event.verificationUri).catch((e) => { copied.textContent = e.title; }) },
          'Open the sign-in page'),
          h('span', { class: 'hint mono' }, event.verificationUri)),
        h('p', {}, '2. Type this code there:'),
        h('div', { class: 'row' },
          h('output', { class: 'code', id: 'user-code', 'aria-label': `Code: ${event.userCode.split('').join(' ')}` },
            event.userCode),
          h('button', { type: 'button', class: 'secondary', id: 'copy-code',
            onclick: async () => { copied.textContent = (await copyText(event.userCode)) ? 'Copied.' : 'Copy failed: select the code instead.'; } },
          'Copy code'), copied),
        h('p', {}, '3. Sign in. Keyway carries on by itself.'),
        timer));
      stopCountdown = countdown(event.expiresIn, timer);
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
      area.replaceChildren(problemBox(e, draft, { id: 'signin-problem' }));
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
