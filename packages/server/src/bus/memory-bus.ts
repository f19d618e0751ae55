/**
 * The in-process bus: the embedded default (one process), and the multi-node test double. Several
 * buses may share one `MemoryBroker`, like socket.io's in-process emitter, so a test can run
 * "two nodes" without Redis.
 */
import { channelOf, type Bus, type BusHandlers, type BusMessage } from './bus.ts';

/** The shared backend of memory buses: which bus listens on which channel. */
export class MemoryBroker {
  readonly #listeners = new Map<string, Set<MemoryBus>>();

  /** @internal */
  add(channel: string, bus: MemoryBus): void {
    let set = this.#listeners.get(channel);
    if (!set) this.#listeners.set(channel, (set = new Set()));
    set.add(bus);
  }

  /** @internal */
  remove(channel: string, bus: MemoryBus): void {
    const set = this.#listeners.get(channel);
    if (!set) return;
    set.delete(bus);
    if (set.size === 0) this.#listeners.delete(channel);
  }

  /**
   * Delivery is asynchronous, as over a network, so no caller relies on a handler running inside
   * `publish`. Microtasks run in FIFO order, so per-channel (indeed global) order is kept.
   */
  /** @internal */
  publish(msg: BusMessage): void {
    const set = this.#listeners.get(channelOf(msg));
    if (!set) return;
    for (const bus of set) queueMicrotask(() => bus.deliver(msg));
  }

  /** Number of channels with at least one listener (for tests and metrics). */
  get channelCount(): number {
    return this.#listeners.size;
  }
}

export interface MemoryBusOptions {
  /** The backend shared with other buses of "the same cluster". Default: a private broker. */
  broker?: MemoryBroker;
}

/**
 * Messages are passed by reference, not copied: handlers must not mutate them. Copying would cost
 * a clone per event on the embedded default's hot path for no benefit.
 */
export class MemoryBus implements Bus {
  readonly #broker: MemoryBroker;
  readonly #channels = new Set<string>();
  #handlers: BusHandlers | null = null;
  #closed = false;

  constructor(options: MemoryBusOptions = {}) {
    this.#broker = options.broker ?? new MemoryBroker();
  }

  async start(handlers: BusHandlers): Promise<void> {
    this.#handlers = handlers;
  }

  async publish(msg: BusMessage): Promise<void> {
    if (this.#closed) throw new Error('memory bus: publish after close');
    this.#broker.publish(msg);
  }

  async subscribe(channel: string): Promise<void> {
    if (this.#closed) return;
    this.#channels.add(channel);
    this.#broker.add(channel, this);
  }

  async unsubscribe(channel: string): Promise<void> {
    this.#channels.delete(channel);
    this.#broker.remove(channel, this);
  }

  healthy(): boolean {
    return this.#handlers !== null && !this.#closed;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const channel of this.#channels) this.#broker.remove(channel, this);
    this.#channels.clear();
  }

  /**
   * Checked at delivery time, not at publish time: a message queued before `unsubscribe` or
   * `close` must not arrive after it.
   * @internal
   */
  deliver(msg: BusMessage): void {
    if (this.#closed || !this.#handlers || !this.#channels.has(channelOf(msg))) return;
    this.#handlers.message(msg);
  }
}

/** Creates an in-process bus. */
export function createMemoryBus(options: MemoryBusOptions = {}): Bus {
  return new MemoryBus(options);
}
