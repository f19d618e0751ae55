/**
 * Shape checks for the inbox events of a stream. A broken proxy or a hostile server can send any
 * JSON; the inbox applies only data of the documented shape, so a `counts: null` cannot make
 * every later render throw and a `notification: null` cannot end the stream it came on.
 * Pure; only the fields the model and the bell read are checked.
 */
import { STATE_ACTIONS, type Counts, type Notification, type StateChange } from '@herald/protocol';

type Obj = Record<string, unknown>;

// Arrays pass, harmlessly: none has the string or number fields every check below requires.
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const isStr = (v: unknown): v is string => typeof v === 'string';
const count = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Counts: three finite, non-negative numbers. */
export const isCounts = (v: unknown): v is Counts => isObj(v) && count(v.unread) && count(v.unseen) && count(v.total);

/**
 * A notification: a non-empty string id, a string title and createdAt. Other fields are only
 * ever rendered as text or tested for presence, so their type cannot break the model.
 */
export const isNotification = (v: unknown): v is Notification => isObj(v) && !!v.id && isStr(v.id) && isStr(v.title) && isStr(v.createdAt);

/** A state change: a known action, a time, and a list of string ids or `all: true`. */
export const isStateChange = (v: unknown): v is StateChange =>
  isObj(v) && (STATE_ACTIONS as readonly unknown[]).includes(v.action) && isStr(v.at) && (v.all === true || (Array.isArray(v.ids) && v.ids.every(isStr)));
