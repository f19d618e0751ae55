/** The static skeleton of the bell's shadow DOM, built once; the element fills it in. */
import { h } from './dom.ts';
import { ALERT, BELL, CHECK_ALL, INBOX } from './icons.ts';

let uid = 0;

export interface BellParts {
  button: HTMLButtonElement;
  badge: HTMLSpanElement;
  connDot: HTMLSpanElement;
  connText: HTMLSpanElement;
  panel: HTMLDivElement;
  status: HTMLSpanElement;
  statusLabel: HTMLSpanElement;
  markAll: HTMLButtonElement;
  scroll: HTMLDivElement;
  list: HTMLUListElement;
  sentinel: HTMLDivElement;
  more: HTMLDivElement;
  empty: HTMLDivElement;
  error: HTMLDivElement;
  errorText: HTMLSpanElement;
  skeleton: HTMLDivElement;
  footer: HTMLElement;
}

export function buildBell(): { root: DocumentFragment; parts: BellParts } {
  const id = `hb${++uid}`;
  const connText = h('span', { class: 'sr', id: `${id}-conn` });
  const badge = h('span', { class: 'badge', 'aria-hidden': 'true' });
  const connDot = h('span', { class: 'dot conn', 'aria-hidden': 'true' });
  const button = h(
    'button',
    { class: 'bell', type: 'button', part: 'button', 'aria-haspopup': 'dialog', 'aria-expanded': 'false', 'aria-controls': `${id}-panel`, 'aria-describedby': `${id}-conn`, 'data-act': 'toggle' },
    h('span', { html: BELL, style: 'display:contents' }),
    badge,
    connDot,
  );
  const statusLabel = h('span', {});
  const status = h('span', { class: 'status' }, h('span', { class: 'dot', 'aria-hidden': 'true' }), statusLabel);
  const markAll = h('button', { class: 'text-btn', type: 'button', 'data-act': 'mark-all', html: CHECK_ALL }, 'Mark all read');
  const list = h('ul', { class: 'items', role: 'list', 'aria-label': 'Notifications' });
  const sentinel = h('div', { class: 'sentinel', 'aria-hidden': 'true' });
  const more = h('div', { class: 'more', hidden: true, role: 'status' });
  const empty = h(
    'div',
    { class: 'state empty', hidden: true },
    h('span', { class: 'big', html: INBOX }),
    h('strong', {}, 'You’re all caught up'),
    h('span', {}, 'New notifications will show up here.'),
  );
  const errorText = h('span', {}, 'Check your connection and try again.');
  const error = h(
    'div',
    { class: 'state error', hidden: true, role: 'alert' },
    h('span', { class: 'big', html: ALERT }),
    h('strong', {}, 'Couldn’t load notifications'),
    errorText,
    h('button', { class: 'text-btn', type: 'button', 'data-act': 'retry' }, 'Try again'),
  );
  const skeleton = h('div', { hidden: true, 'aria-hidden': 'true' });
  for (let i = 0; i < 3; i++) skeleton.append(h('div', { class: 'skel' }, h('i'), h('i'), h('i')));
  const scroll = h('div', { class: 'scroll' }, list, sentinel, more, skeleton, empty, error);
  const footer = h('footer', { hidden: true });
  const panel = h(
    'div',
    { class: 'panel', part: 'panel', id: `${id}-panel`, role: 'dialog', 'aria-label': 'Notifications', tabindex: '-1' },
    h('header', {}, h('h2', {}, 'Notifications'), status, h('span', { class: 'spacer' }), markAll),
    scroll,
    footer,
  );
  const root = document.createDocumentFragment();
  root.append(button, panel, connText);
  return { root, parts: { button, badge, connDot, connText, panel, status, statusLabel, markAll, scroll, list, sentinel, more, empty, error, errorText, skeleton, footer } };
}
