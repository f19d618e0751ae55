/**
 * The toast region: owns the queue state (policy in `toast-queue.ts`), one timer for the next
 * expiry, hover-to-hold, and the DOM of the visible cards. Lives in an aria-live region that
 * exists from the start, so screen readers announce each card as it is added.
 */
import type { Notification } from '@herald/protocol';
import { h } from './dom.ts';
import { toastNode } from './item-view.ts';
import { EMPTY_TOASTS, dismissToast, expireToasts, extendToasts, keepToasts, nextExpiry, pushToast, type ToastPolicy, type ToastState } from './toast-queue.ts';

/** After the pointer leaves, each timed toast stays at least this long. */
const HOLD_MS = 2000;

export class ToastStack {
  /** The live region; the bell appends it to its shadow root. */
  readonly region: HTMLDivElement;
  #state: ToastState = EMPTY_TOASTS;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #hover = false;
  readonly #now: () => number;
  readonly #policy: Partial<ToastPolicy>;

  constructor(now: () => number, policy: Partial<ToastPolicy> = {}) {
    this.#now = now;
    this.#policy = policy;
    this.region = h('div', { class: 'toasts', 'aria-live': 'polite', 'aria-relevant': 'additions', role: 'region', 'aria-label': 'New notifications' });
    this.region.addEventListener('mouseenter', () => {
      this.#hover = true;
      clearTimeout(this.#timer);
    });
    this.region.addEventListener('mouseleave', () => {
      this.#hover = false;
      this.#set(extendToasts(this.#state, this.#now(), HOLD_MS));
    });
  }

  /** Ids on screen, oldest first. */
  get visibleIds(): string[] {
    return this.#state.visible.map((t) => t.notification.id);
  }

  /** The notification of a toast on screen or waiting. */
  find(id: string): Notification | undefined {
    return [...this.#state.visible, ...this.#state.pending].find((t) => t.notification.id === id)?.notification;
  }

  show(n: Notification): void {
    this.#set(pushToast(this.#state, n, this.#now(), this.#policy));
  }

  dismiss(id: string): void {
    this.#set(dismissToast(this.#state, id, this.#now(), this.#policy));
  }

  /** Keeps only the toasts whose notification passes `keep` (see `keepToasts`). */
  keep(keep: (n: Notification) => boolean): void {
    this.#set(keepToasts(this.#state, keep, this.#now(), this.#policy));
  }

  /** Stops the timer; the bell calls it when it leaves the document. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Restarts the timer after `stop()`. */
  resume(): void {
    this.#schedule();
  }

  #set(next: ToastState): void {
    if (next !== this.#state) {
      this.#state = next;
      this.#render();
    }
    this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    const at = nextExpiry(this.#state);
    if (at === null || this.#hover) return;
    this.#timer = setTimeout(() => this.#set(expireToasts(this.#state, this.#now(), this.#policy)), Math.max(0, at - this.#now()) + 16);
  }

  /** Keyed: cards that stay keep their node (and their entry animation does not replay). */
  #render(): void {
    const want = new Set(this.visibleIds);
    for (const el of [...this.region.children] as HTMLElement[]) if (!want.has(el.dataset.id!)) el.remove();
    const have = new Set([...this.region.children].map((el) => (el as HTMLElement).dataset.id));
    const now = this.#now();
    for (const t of this.#state.visible) if (!have.has(t.notification.id)) this.region.append(toastNode(t.notification, now));
  }
}
