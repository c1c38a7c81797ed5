// Small helpers for building DOM safely: text is always set as text, never as HTML.

import { openLink, supportReport } from './api.js';

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/**
 * Where a secret typed for this draft goes, named by its host: Microsoft's sign-in service for a
 * built-in cloud, or the custom cloud's own sign-in address (said plainly: not Microsoft).
 */
export function secretGoesTo(info, draft) {
  const builtin = info?.clouds?.find((c) => c.id === draft.cloud);
  if (builtin) return `${new URL(builtin.authorityHost).host} (Microsoft’s sign-in service)`;
  const custom = draft.custom?.authorityHost;
  return custom ? `${custom} (your custom cloud, not Microsoft)` : 'the sign-in service';
}

export function announce(text) {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Clearing first makes a repeated message be read again.
  region.textContent = '';
  setTimeout(() => { region.textContent = text; }, 50);
}

/** The step's heading, focused when the step opens. */
export const heading = (text) => h('h1', { id: 'step-title', tabindex: '-1' }, text);

/** Copies text; falls back to a selected textarea where the clipboard API is missing. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { 'aria-hidden': 'true', class: 'visually-hidden' });
    area.value = text;
    document.body.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}

/** A button that opens a Microsoft page in the browser, with its own error line. */
export function openButton(draft, url, label, { id } = {}) {
  const status = h('span', { class: 'hint', role: 'status' });
  const button = h('button', {
    type: 'button', class: 'secondary small', id,
    onclick: async () => {
      try {
        await openLink(draft, url);
        status.textContent = 'Opened in your browser.';
      } catch (e) {
        status.textContent = e.title || String(e);
      }
    },
  }, label);
  return h('span', { class: 'open-link' }, button, status);
}

/**
 * An explanation from the engine (or a KeywayError): what happened, why, numbered steps, the page
 * to fix it on, and the IDs support asks for. `actions` are extra buttons (Try again, Back…).
 */
export function problemBox(e, draft, { id = 'problem', actions = [], heading = 'h2' } = {}) {
  const ids = [
    ['Error code', e.code], ['HTTP status', e.httpStatus], ['Request ID', e.requestId],
    ['Trace ID', e.traceId], ['Correlation ID', e.correlationId],
  ].filter(([, v]) => v !== undefined && v !== null && v !== '');
  const link = e.link;
  const label = e.linkLabel;
  return h('section', { class: 'problem', id, role: 'alert', 'aria-labelledby': `${id}-title` },
    h(heading, { class: 'problem-what', id: `${id}-title`, tabindex: '-1' }, e.title || e.message),
    e.cause ? h('p', {}, h('strong', {}, 'Why: '), e.cause) : null,
    e.fixedBy ? h('p', {}, h('strong', {}, 'Who can fix it: '), e.fixedBy, '.') : null,
    e.fix?.length ? h('div', {}, h('p', { class: 'fix-title' }, 'What to do:'),
      h('ol', { class: 'fix' }, e.fix.map((f) => h('li', {}, f)))) : null,
    link ? openButton(draft, link, label ? `Open ${label}` : 'Open this page') : null,
    ids.length || e.alsoSeen?.length ? h('details', { class: 'ids' }, h('summary', {}, 'Details for support'),
      h('dl', {}, ids.map(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]),
        e.alsoSeen?.length ? [h('dt', {}, 'Also in the text'), h('dd', {}, e.alsoSeen.join(', '))] : null)) : null,
    actions.length ? h('div', { class: 'actions' }, actions) : null,
  );
}

/** Writes a support report for a saved connection and says where, in `status`. */
export async function writeReport(name, status) {
  try {
    const path = await supportReport(name);
    status.textContent = `Support report saved to ${path}. It holds no secret or token.`;
  } catch (e) {
    status.textContent = e.title;
  }
}

/** Moves focus to a problem box's heading, so it is read first. */
export function focusProblem(id) {
  document.getElementById(`${id}-title`)?.focus();
}

/** Back and Continue (or other) buttons at the foot of a step. */
export function actions(...buttons) {
  return h('div', { class: 'actions' }, buttons);
}

export const backButton = (onclick) =>
  h('button', { type: 'button', class: 'secondary', id: 'back', onclick }, 'Back');
