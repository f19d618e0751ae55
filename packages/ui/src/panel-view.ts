/**
 * Renders the panel from a plain view of the inbox: the rows (keyed, so a row that stays keeps
 * its node, its focus and its hover), the badge, and which of loading / empty / error shows.
 */
import type { Notification } from '@herald/protocol';
import { badgeText, bellLabel } from './badge.ts';
import type { BellParts } from './bell-template.ts';
import { h } from './dom.ts';
import { itemNode, updateItem } from './item-view.ts';

export interface PanelView {
  /** Unarchived items, newest first. */
  items: readonly Notification[];
  unread: number;
  loading: boolean;
  error: string | null;
  loadingMore: boolean;
  moreError: boolean;
}

export function renderPanel(p: BellParts, nodes: Map<string, HTMLLIElement>, v: PanelView, now: number): void {
  p.badge.textContent = badgeText(v.unread);
  p.button.setAttribute('aria-label', bellLabel(v.unread));
  p.markAll.disabled = v.unread === 0;
  renderRows(p.list, nodes, v.items, now);
  const none = v.items.length === 0;
  p.skeleton.hidden = !(none && v.loading);
  p.error.hidden = !(none && v.error !== null && !v.loading);
  p.empty.hidden = !(none && !v.loading && v.error === null);
  p.more.hidden = !(v.loadingMore || v.moreError);
  p.more.replaceChildren(v.moreError ? h('button', { class: 'text-btn', type: 'button', 'data-act': 'more' }, 'Couldn’t load more — try again') : 'Loading…');
}

function renderRows(list: HTMLUListElement, nodes: Map<string, HTMLLIElement>, items: readonly Notification[], now: number): void {
  const seen = new Set<string>();
  let ref: ChildNode | null = list.firstChild;
  for (const n of items) {
    seen.add(n.id);
    let li = nodes.get(n.id);
    if (li) updateItem(li, n);
    else nodes.set(n.id, (li = itemNode(n, now)));
    // Rows already in place are skipped; moving a node would drop its focus.
    if (li === ref) ref = ref.nextSibling;
    else list.insertBefore(li, ref);
  }
  for (const [id, li] of nodes) {
    if (seen.has(id)) continue;
    li.remove();
    nodes.delete(id);
  }
}

/** Arrow keys, Home and End move focus between rows; returns whether the key was handled. */
export function moveFocus(list: HTMLUListElement, active: Element | null, key: string): boolean {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(key)) return false;
  const rows = [...list.querySelectorAll<HTMLElement>('.main')];
  if (rows.length === 0) return false;
  const at = rows.indexOf(active as HTMLElement);
  const next = key === 'Home' ? 0 : key === 'End' ? rows.length - 1 : Math.min(rows.length - 1, Math.max(0, at + (key === 'ArrowDown' ? 1 : -1)));
  rows[next].focus();
  return true;
}
