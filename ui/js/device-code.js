// The device code as a person needs it: the sign-in page to open, the code (large, with a copy
// button) and how long it still works. Used by the sign-in step and by "set it up for me".

import { openLink, practiceDeviceCode } from './api.js';
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

// Practice: Keyway plays the person on the other device, who approves or declines the code.
function otherSide(event) {
  const said = h('p', { class: 'hint', role: 'status', id: 'practice-person-status' });
  const answer = (approve) => async () => {
    try {
      await practiceDeviceCode(event.userCode, approve);
      said.textContent = approve ? 'Ada approved the code on her device.' : 'Ada declined the code.';
    } catch (e) {
      said.textContent = e.title;
    }
  };
  return h('section', { class: 'practice-panel', id: 'practice-person', 'aria-labelledby': 'practice-person-title' },
    h('h3', { id: 'practice-person-title' }, 'Practice: play the person on the other device'),
    h('p', { class: 'hint' }, 'In real life someone types the code on their phone or laptop. Here you answer for Ada.'),
    h('div', { class: 'row' },
      h('button', { type: 'button', class: 'secondary', id: 'practice-approve', onclick: answer(true) }, 'Approve as Ada'),
      h('button', { type: 'button', class: 'secondary', id: 'practice-decline', onclick: answer(false) }, 'Decline')),
    said);
}

// { node, stop }: the view for a `device-code` event, and what stops its countdown; in practice,
// with the other side to play.
export function deviceCodeView(event, draft, { practice = false } = {}) {
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
    timer,
    practice ? otherSide(event) : null);
  return { node, stop: countdown(event.expiresIn, timer) };
}
