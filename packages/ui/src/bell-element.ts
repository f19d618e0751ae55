/**
 * `<herald-bell>`: the bell, inbox panel and toasts, written once as a custom element.
 *
 * It shows a `HeraldSource`: either one the host passes as `bell.client` (React shares its
 * provider's client this way), or one it creates from its attributes (`url`, `token`,
 * `token-url`, `topics`) through `HeraldBell.sourceFactory`, which the bundle entry sets to
 * the SDK. Theme and placement are pure CSS (`theme`, `position`, `--herald-*`).
 */
import type { Notification } from '@herald/protocol';
import { buildBell, type BellParts } from './bell-template.ts';
import { desktopEnabled, desktopOfferable, enableDesktop, notifyDesktop } from './desktop.ts';
import { h, safeHref } from './dom.ts';
import { refreshTimes } from './item-view.ts';
import { moveFocus, renderPanel } from './panel-view.ts';
import type { ConnectionState, HeraldSource } from './source.ts';
import { STYLES } from './styles.ts';
import { ToastStack } from './toast-stack.ts';
import { parseTopics, tokenFromUrl } from './token.ts';

/**
 * What the bell passes to the factory that creates its own source. No sharing key: the SDK
 * shares one connection per user by itself (from the token's `sub`, or `ready`'s `user`).
 */
export interface BellConnectOptions {
  url: string;
  token?: string;
  /** Null when nobody is signed in. */
  getToken?: () => Promise<string | null>;
  topics: string[];
}

export type SourceFactory = (options: BellConnectOptions) => HeraldSource;

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  failed: 'Disconnected',
  polling: 'Live (polling)',
};

/** Relative times refresh this often; minutes are the finest unit shown. */
const CLOCK_MS = 30_000;

/**
 * Runs an inbox action from a click. Its failure needs no handling here: the SDK rolls its
 * optimistic change back, and the panel re-renders from the snapshot, so the user sees the truth.
 */
function act(action: Promise<unknown>): void {
  action.catch(() => {
    // See above: the rolled-back snapshot is the report.
  });
}

// Lets the module load where HTMLElement does not exist (server-side rendering of React pages).
const Base = (globalThis.HTMLElement ?? class {}) as typeof HTMLElement;

export class HeraldBell extends Base {
  static observedAttributes = ['url', 'token', 'token-url', 'topics'];
  /** Creates a source from attributes; the self-registering bundle sets it to the SDK. */
  static sourceFactory: SourceFactory | null = null;

  /** Injectable clock, for tests and screenshots. */
  now: () => number = () => Date.now();

  readonly #p: BellParts;
  readonly #toasts: ToastStack;
  #source: HeraldSource | null = null;
  #external: HeraldSource | null = null;
  #owned = false;
  #unsubs: (() => void)[] = [];
  #tokenProvider: (() => Promise<string | null>) | null = null;
  #nodes = new Map<string, HTMLLIElement>();
  #open = false;
  #loaded = false;
  #loading = false;
  #loadingMore = false;
  #error: string | null = null;
  #moreError = false;
  #clock: ReturnType<typeof setInterval> | undefined;
  #io: IntersectionObserver | null = null;
  #restart = false;

  constructor() {
    super();
    const shadow = this.attachShadow({ mode: 'open' });
    const { root, parts } = buildBell();
    this.#p = parts;
    this.#toasts = new ToastStack(() => this.now());
    shadow.append(h('style', {}, STYLES), root, this.#toasts.region);
    shadow.addEventListener('click', (e) => this.#onClick(e as MouseEvent));
    shadow.addEventListener('keydown', (e) => this.#onKey(e as KeyboardEvent));
    if (typeof IntersectionObserver !== 'undefined') {
      this.#io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && this.#loadMore(), { root: parts.scroll, rootMargin: '120px' });
    }
  }

  /** The source shown. Setting it makes the bell use that client instead of creating its own. */
  get client(): HeraldSource | null {
    return this.#source;
  }
  set client(source: HeraldSource | null) {
    this.#external = source;
    if (this.isConnected) this.#attach();
  }

  /** Supplies tokens to the bell's own client (used as the SDK's `getToken`). */
  get tokenProvider(): (() => Promise<string | null>) | null {
    return this.#tokenProvider;
  }
  set tokenProvider(fn: (() => Promise<string | null>) | null) {
    this.#tokenProvider = fn;
    if (this.isConnected && !this.#external) this.#scheduleRestart();
  }

  get isOpen(): boolean {
    return this.#open;
  }

  connectedCallback(): void {
    this.#attach();
    document.addEventListener('pointerdown', this.#onOutside, true);
    this.#clock = setInterval(() => refreshTimes(this.shadowRoot!, this.now()), CLOCK_MS);
    this.#toasts.resume();
    this.#io?.observe(this.#p.sentinel);
  }

  disconnectedCallback(): void {
    this.#detach();
    document.removeEventListener('pointerdown', this.#onOutside, true);
    clearInterval(this.#clock);
    this.#toasts.stop();
    this.#io?.disconnect();
  }

  attributeChangedCallback(): void {
    if (this.isConnected && !this.#external) this.#scheduleRestart();
  }

  /** Opens the panel and moves focus into it. */
  open(): void {
    if (this.#open) return;
    this.#open = true;
    this.#p.button.setAttribute('aria-expanded', 'true');
    this.#p.panel.classList.add('open');
    if (!this.#loaded) this.#load();
    const inbox = this.#source?.inbox;
    if (inbox && inbox.snapshot.counts.unseen > 0) act(inbox.markAllSeen());
    refreshTimes(this.#p.panel, this.now());
    this.#renderFooter();
    const first = this.#p.list.querySelector<HTMLElement>('.main');
    (first ?? this.#p.panel).focus({ preventScroll: true });
  }

  /** Closes the panel; with `restoreFocus`, focus returns to the bell button. */
  close(restoreFocus = false): void {
    if (!this.#open) return;
    this.#open = false;
    this.#p.button.setAttribute('aria-expanded', 'false');
    this.#p.panel.classList.remove('open');
    if (restoreFocus) this.#p.button.focus();
  }

  toggle(): void {
    if (this.#open) this.close(true);
    else this.open();
  }

  #scheduleRestart(): void {
    if (this.#restart) return;
    this.#restart = true;
    // Several attributes are usually set together: rebuild the client once, after all of them.
    queueMicrotask(() => {
      this.#restart = false;
      if (this.isConnected) this.#attach();
    });
  }

  #attach(): void {
    this.#detach();
    const src = this.#external ?? this.#create();
    this.#owned = src !== null && src !== this.#external;
    this.#source = src;
    this.#loaded = false;
    this.#error = null;
    if (src) {
      this.#unsubs = [
        src.on('change', () => this.#render()),
        src.on('notification', (n) => this.#onNew(n)),
        src.on('connection', () => this.#renderConnection()),
      ];
      if (this.#open) this.#load();
    }
    this.#render();
    this.#renderConnection();
  }

  #detach(): void {
    for (const off of this.#unsubs) off();
    this.#unsubs = [];
    if (this.#owned) this.#source?.close();
    this.#source = null;
    this.#owned = false;
  }

  #create(): HeraldSource | null {
    const url = this.getAttribute('url');
    const factory = HeraldBell.sourceFactory;
    if (!url || !factory) return null;
    const token = this.getAttribute('token') ?? undefined;
    const tokenUrl = this.getAttribute('token-url');
    const getToken = this.#tokenProvider ?? (tokenUrl ? tokenFromUrl(tokenUrl) : undefined);
    return factory({ url, token, getToken, topics: parseTopics(this.getAttribute('topics')) });
  }

  /** Loads the first page; a failure shows in the panel with a retry button (never rejects). */
  #load(): void {
    // Never rejects: #loadFirst catches and renders the error.
    void this.#loadFirst();
  }

  async #loadFirst(): Promise<void> {
    const inbox = this.#source?.inbox;
    if (!inbox || this.#loading) return;
    this.#loading = true;
    this.#error = null;
    this.#render();
    try {
      await inbox.list();
      this.#loaded = true;
    } catch (err) {
      this.#error = err instanceof Error ? err.message : String(err);
    } finally {
      this.#loading = false;
      this.#render();
    }
  }

  /** Loads the next page; a failure shows a retry row (never rejects). */
  #loadMore(): void {
    // Never rejects: #loadNext catches and renders the error.
    void this.#loadNext();
  }

  async #loadNext(): Promise<void> {
    const inbox = this.#source?.inbox;
    if (!inbox || !this.#open || !this.#loaded || !inbox.snapshot.hasMore || this.#loadingMore || this.#moreError) return;
    this.#loadingMore = true;
    this.#render();
    try {
      await inbox.loadMore();
    } catch {
      this.#moreError = true;
    } finally {
      this.#loadingMore = false;
      this.#render();
      // Re-observing reports the sentinel's current state: if a short page left it in view,
      // the observer fires again and the next page loads.
      if (this.#io) {
        this.#io.unobserve(this.#p.sentinel);
        this.#io.observe(this.#p.sentinel);
      }
    }
  }

  #render(): void {
    const snap = this.#source?.inbox.snapshot;
    const items = (snap?.items ?? []).filter((n) => !n.archivedAt);
    renderPanel(this.#p, this.#nodes, { items, unread: snap?.counts.unread ?? 0, loading: this.#loading, error: this.#error, loadingMore: this.#loadingMore, moreError: this.#moreError }, this.now());
    // A toast shows an unread item of this inbox: one read elsewhere (another tab, another
    // device) or archived takes its toast with it, and so does a cleared inbox (the user changed,
    // or the bell was given another client): no toast of the old user stays for the next.
    const unread = new Set(items.filter((n) => !n.readAt).map((n) => n.id));
    this.#toasts.keep((n) => unread.has(n.id));
  }

  #renderConnection(): void {
    const state: ConnectionState = this.#source?.state ?? 'offline';
    const label = this.#source ? CONNECTION_LABEL[state] : 'Not connected';
    this.#p.status.dataset.state = state;
    this.#p.connDot.dataset.state = state;
    this.#p.statusLabel.textContent = label;
    this.#p.connText.textContent = `Connection: ${label}`;
    this.#p.connDot.title = label;
    this.dataset.state = state;
  }

  #renderFooter(): void {
    const f = this.#p.footer;
    if (desktopOfferable()) {
      f.replaceChildren(h('button', { class: 'text-btn', type: 'button', 'data-act': 'desktop' }, 'Enable desktop notifications'));
    } else if (desktopEnabled()) f.replaceChildren('Desktop notifications are on.');
    else f.replaceChildren();
    f.hidden = f.childNodes.length === 0;
  }

  #onNew(n: Notification): void {
    if (n.readAt) return;
    if (!this.#open) this.#toasts.show(n);
    // A system notification outlives a user switch: a click acts only while the notification
    // is still in the inbox shown (never with the next user's client, never to the old user's url).
    notifyDesktop(n, () => {
      const now = this.#find(n.id);
      if (now) this.#select(now);
    });
  }

  #find(id: string | undefined): Notification | undefined {
    return this.#source?.inbox.snapshot.items.find((n) => n.id === id);
  }

  /** Marks read, tells the page (cancelable `herald-select`), then follows a safe `url`. */
  #select(n: Notification): void {
    if (!n.readAt && this.#source) act(this.#source.inbox.markRead([n.id]));
    const go = this.dispatchEvent(new CustomEvent('herald-select', { detail: { notification: n }, bubbles: true, composed: true, cancelable: true }));
    const href = go ? safeHref(n.url, location.href) : null;
    if (href) location.assign(href);
  }

  #onClick(e: MouseEvent): void {
    const target = (e.target as Element).closest<HTMLElement>('[data-act]');
    if (!target) return;
    const id = target.closest<HTMLElement>('[data-id]')?.dataset.id;
    const inbox = this.#source?.inbox;
    switch (target.dataset.act) {
      case 'toggle':
        return this.toggle();
      case 'mark-all':
        if (inbox) act(inbox.markAllRead());
        return;
      case 'retry':
        return this.#load();
      case 'more':
        this.#moreError = false;
        return this.#loadMore();
      case 'desktop':
        // Granted or not (or the request failed), the footer shows where things stand.
        return void enableDesktop().then(
          () => this.#renderFooter(),
          () => this.#renderFooter(),
        );
      case 'dismiss':
        return this.#toasts.dismiss(id!);
      case 'archive': {
        // Keep keyboard users in the list: focus the next row before this one goes.
        const li = target.closest('li');
        const next = (li?.nextElementSibling ?? li?.previousElementSibling)?.querySelector<HTMLElement>('.main');
        (next ?? this.#p.panel).focus();
        if (inbox) act(inbox.archive([id!]));
        return;
      }
      case 'open': {
        const n = this.#find(id) ?? this.#toasts.find(id!);
        if (target.classList.contains('toast')) this.#toasts.dismiss(id!);
        if (n) this.#select(n);
      }
    }
  }

  #onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape' && this.#open) {
      e.stopPropagation();
      this.close(true);
      return;
    }
    if (this.#open && moveFocus(this.#p.list, this.shadowRoot!.activeElement, e.key)) e.preventDefault();
  }

  #onOutside = (e: Event): void => {
    if (this.#open && !e.composedPath().includes(this)) this.close(false);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'herald-bell': HeraldBell;
  }
}
