export { ERROR_CODES, HeraldError, isErrorCode, type ErrorBody, type ErrorCode } from './errors.ts';
export * from './types.ts';
export { assertFieldValue, encodeBody, encodeComment, encodeEvent, encodeId, encodeRetry } from './sse.ts';
export { formatCursor, parseCursor, type Cursor } from './cursor.ts';
export { MAX_DATA_DEPTH, findUnstorable, isStorableText, type Unstorable } from './storable.ts';
export { BROADCAST, RESERVED_EVENTS, anyTopicAllowed, isEventName, isTopic, isUserId, topicAllowed } from './validation.ts';
