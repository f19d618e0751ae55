/**
 * SSE encoding (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation).
 * Pure: strings in, strings out. Fields are split so a hub can encode an event once and share the
 * bytes, adding only the per-connection `id:` line.
 */
import { HeraldError } from './errors.ts';

const FORBIDDEN = /[\r\n\0]/;

/**
 * Refuses CR, LF and NUL in an `event` or `id` value: one of them would end the field and let
 * the sender inject fields of its own (CWE-93).
 */
export function assertFieldValue(value: string, what: string): void {
  if (FORBIDDEN.test(value)) throw new HeraldError('invalid_event_name', `${what} contains CR, LF or NUL.`);
}

/**
 * The `event:` and `data:` lines of an event and its terminating blank line. Data is split on
 * every line ending, so a payload can never end the event early.
 */
export function encodeBody(event: string, data: string): string {
  assertFieldValue(event, 'The event name');
  let out = event === 'message' ? '' : `event: ${event}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

/** The `id:` line that sets the client's Last-Event-ID. */
export function encodeId(id: string): string {
  assertFieldValue(id, 'The event id');
  return `id: ${id}\n`;
}

/** A complete event: optional id, event name and data. */
export function encodeEvent(e: { event: string; data: string; id?: string }): string {
  return (e.id === undefined ? '' : encodeId(e.id)) + encodeBody(e.event, e.data);
}

/** A comment line, used for heartbeats; ignored by every SSE parser. */
export function encodeComment(text = ''): string {
  return `:${text.replace(/[\r\n]/g, ' ')}\n\n`;
}

/** The reconnection delay the client should use. */
export function encodeRetry(ms: number): string {
  return `retry: ${Math.max(0, Math.floor(ms))}\n\n`;
}
