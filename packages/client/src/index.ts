/**
 * @herald/client: the browser and Node SDK for Herald.
 *
 * Start with `createHerald({ url, getToken })`. The pieces it is built from are exported for
 * custom setups: the WHATWG SSE parser, the backoff, the stream, the inbox model, the election,
 * the relay, the per-user shared connection and its one sharing key.
 */
export { createHerald, type Herald, type HeraldEvents, type HeraldOptions, type TopicMessage } from './client.ts';
export { createParser, type Parser, type ParserCallbacks, type SseEvent } from './parser.ts';
export { backoff } from './backoff.ts';
export { createStream, type ConnectionState, type StateEvent, type Stream, type StreamOptions, type TokenSource } from './stream.ts';
export { createInbox, type Inbox, type InboxEvents, type InboxOptions, type InboxQuery, type InboxSnapshot, type Request } from './inbox.ts';
export { createEmitter, type Emitter, type On } from './emitter.ts';
export { createElector, type Elector, type ElectorOptions, type LockManagerLike } from './leader.ts';
export { shareKey, tokenSubject, readyUser } from './identity.ts';
export { createSharedConnection, type SharedConnection, type SharedConnectionOptions } from './shared-connection.ts';
export { createRelay, type ChannelLike, type Relay, type RelayOptions, type StorageLike, type StreamSink } from './relay.ts';
export { HeraldError, type ErrorCode } from '@herald/protocol';
