/**
 * The cross-process seam. A Bus carries events that are already stored to every process that has
 * a stream interested in them. It never persists: a message it drops is repaired from the Store
 * by sequence (a gap triggers a range fetch), so a bus may lose, repeat or reorder messages and
 * streams stay exactly-once and in order.
 *
 * Channels: `u:<user>` for a user's events, `t:<topic>` for a topic's events.
 */
import type { TopicEvent, UserEvent } from '../store/store.ts';

export type BusMessage = { kind: 'user'; event: UserEvent } | { kind: 'topic'; event: TopicEvent };

export interface BusHandlers {
  /** A message on a channel this process subscribed to. */
  message(msg: BusMessage): void;
  /**
   * Messages may have been missed (reconnected after an outage, starvation detected): the hub
   * re-reads every open stream's logs from the store.
   */
  resync(): void;
}

export interface Bus {
  /** Starts delivering to the handlers. Called once, before any other method. */
  start(handlers: BusHandlers): Promise<void>;
  /** Sends to every process subscribed to the message's channel, this one included. */
  publish(msg: BusMessage): Promise<void>;
  /** Subscriptions are reference-counted by the caller: subscribe once per channel. */
  subscribe(channel: string): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** False while the bus is known not to deliver (disconnected, starved); `/readyz` fails then. */
  healthy(): boolean;
  close(): Promise<void>;
}

export function channelOf(msg: BusMessage): string {
  return msg.kind === 'user' ? `u:${msg.event.user}` : `t:${msg.event.topic}`;
}
