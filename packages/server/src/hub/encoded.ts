/**
 * Events encoded once. The `event:`/`data:` lines of an event are built once per event and the same
 * string is shared by every connection it goes to; only the short `id:` line (the connection's
 * cursor) is added per connection.
 */
import { encodeBody } from '@herald/protocol';
import { toWire, type TopicEvent, type UserEvent } from '../store/store.ts';

export interface EncodedUser {
  kind: 'user';
  user: string;
  seq: number;
  /** True for state changes: the connection follows them with fresh counts. */
  changesCounts: boolean;
  body: string;
}

export interface EncodedTopic {
  kind: 'topic';
  topic: string;
  seq: number;
  /** The sequence in base36, as it appears in cursors. */
  seq36: string;
  body: string;
}

export type Encoded = EncodedUser | EncodedTopic;

export function encodeUserEvent(e: UserEvent): EncodedUser {
  const payload =
    e.type === 'notification'
      ? toWire(e.notification)
      : { ...e.change, at: new Date(e.at).toISOString() };
  return {
    kind: 'user',
    user: e.user,
    seq: e.seq,
    changesCounts: e.type === 'notification.state',
    body: encodeBody(e.type, JSON.stringify(payload)),
  };
}

export function encodeTopicEvent(e: TopicEvent): EncodedTopic {
  // `data` is already JSON text, as the publisher sent it: splice it in without re-parsing.
  const json = `{"topic":${JSON.stringify(e.topic)},"data":${e.data},"at":${JSON.stringify(new Date(e.at).toISOString())}}`;
  return { kind: 'topic', topic: e.topic, seq: e.seq, seq36: e.seq.toString(36), body: encodeBody(e.event, json) };
}
