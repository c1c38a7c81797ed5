// The device code as a person needs it: the sign-in page to open, the code (large, with a copy
// button) and how long it still works. Used by the sign-in step and by "set it up for me".

import { openLink } from './api.js';
import { h, copyText } from './dom.js';

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

// { node, stop }: the view for a `device-code` event, and what stops its countdown.
export function deviceCodeView(event, draft) {
  const timer = h('p', { class: 'hint', id: 'code-timer' });
  const copied = h('span', { class: 'hint', role: 'status' });
  const node = h('div', { class: 'device-code' },
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
    timer);
  return { node, stop: countdown(event.expiresIn, timer) };
}
