/**
 * DOM for one notification, shared by the inbox list and the toasts so both read the same.
 * Content goes in as text nodes only (see `h`).
 */
import type { Notification } from '@herald/protocol';
import { h } from './dom.ts';
import { ARCHIVE, CLOSE, SEVERITY_ICON } from './icons.ts';
import { formatRelative, parseTime } from './relative-time.ts';

const SEVERITY_WORD = { info: 'Info', success: 'Success', warning: 'Warning', critical: 'Critical' } as const;

/**
 * The severity to draw: a known one, else info. An own-property check, because a lookup by a
 * name like `constructor` or `__proto__` finds Object's members, and the icon goes in as HTML.
 */
function severityOf(n: Notification): keyof typeof SEVERITY_WORD {
  return Object.hasOwn(SEVERITY_WORD, n.severity) ? n.severity : 'info';
}

/** The icon, title, body and meta line of a notification. */
function content(n: Notification, now: number): Node[] {
  const at = parseTime(n.createdAt);
  const sev = severityOf(n);
  return [
    h('span', { class: 'ico', html: SEVERITY_ICON[sev] }),
    h(
      'span',
      { class: 'txt' },
      h('span', { class: 'sr' }, `${SEVERITY_WORD[sev]}: `),
      h('span', { class: 'title' }, n.title),
      n.body ? h('span', { class: 'body' }, n.body) : null,
      h(
        'span',
        { class: 'meta' },
        h('time', { datetime: n.createdAt, 'data-at': String(at), title: Number.isNaN(at) ? undefined : new Date(at).toLocaleString() }, formatRelative(at, now)),
        n.category ? h('span', { class: 'cat' }, n.category) : null,
      ),
    ),
  ];
}

/** A list item: the whole row is a button (mark read / open), plus an archive button. */
export function itemNode(n: Notification, now: number): HTMLLIElement {
  const sev = severityOf(n);
  const li = h(
    'li',
    { class: `item sev-${sev}`, role: 'listitem', 'data-id': n.id },
    h('button', { class: 'main', type: 'button', 'data-act': 'open' }, ...content(n, now)),
    h('span', { class: 'udot', 'aria-hidden': 'true' }),
    h('button', { class: 'arch', type: 'button', 'data-act': 'archive', 'aria-label': `Archive “${n.title}”`, title: 'Archive', html: ARCHIVE }),
  );
  updateItem(li, n);
  return li;
}

/** Applies the state that can change after arrival (read / unread). */
export function updateItem(li: HTMLLIElement, n: Notification): void {
  const unread = !n.readAt;
  li.classList.toggle('unread', unread);
  const main = li.firstElementChild as HTMLElement;
  main.setAttribute('aria-label', `${unread ? 'Unread. ' : ''}${SEVERITY_WORD[severityOf(n)]}: ${n.title}${n.body ? `. ${n.body}` : ''}`);
}

/** A toast card; critical ones are announced assertively (role=alert). */
export function toastNode(n: Notification, now: number): HTMLDivElement {
  const sev = severityOf(n);
  return h(
    'div',
    { class: `toast sev-${sev}`, 'data-id': n.id, role: sev === 'critical' ? 'alert' : undefined, 'data-act': 'open' },
    ...content(n, now),
    h('button', { class: 'x', type: 'button', 'data-act': 'dismiss', 'aria-label': 'Dismiss notification', title: 'Dismiss', html: CLOSE }),
  );
}

/** Refreshes every relative time under `root` from one clock reading. */
export function refreshTimes(root: ParentNode, now: number): void {
  for (const t of root.querySelectorAll<HTMLTimeElement>('time[data-at]')) {
    const text = formatRelative(Number(t.dataset.at), now);
    if (t.textContent !== text) t.textContent = text;
  }
}
