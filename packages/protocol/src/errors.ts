/**
 * The one registry of error codes. Every rejection Herald makes is `{"error":{"code","message"}}`
 * with one of these codes; `test/docs.test.ts` fails when a code is missing from the README.
 */
export const ERROR_CODES = {
  bad_request: { status: 400, message: 'The request is malformed.' },
  invalid_body: { status: 400, message: 'The body does not match the schema.' },
  invalid_json: { status: 400, message: 'The body is not valid JSON.' },
  invalid_query: { status: 400, message: 'The query string does not match the schema.' },
  invalid_text: { status: 400, message: 'A text field holds NUL or an unpaired UTF-16 surrogate, which cannot be stored as sent.' },
  invalid_topic: { status: 400, message: 'A topic name is invalid.' },
  invalid_event_name: { status: 400, message: 'An event name or id contains CR, LF or NUL, or is too long.' },
  invalid_cursor: { status: 400, message: 'The cursor is malformed.' },
  too_many_recipients: { status: 400, message: 'A publish names 1 to 1000 recipients.' },
  too_many_topics: { status: 400, message: 'Too many topics for one stream.' },
  data_too_large: { status: 413, message: 'The data field is too large.' },
  body_too_large: { status: 413, message: 'The request body is too large.' },
  headers_too_large: { status: 431, message: 'The request headers are too large.' },
  unsupported_media_type: { status: 415, message: 'Send Content-Type: application/json.' },
  unauthenticated: { status: 401, message: 'Credentials are missing.' },
  invalid_token: { status: 401, message: 'The token is invalid.' },
  token_expired: { status: 401, message: 'The token has expired.' },
  invalid_api_key: { status: 401, message: 'The API key is invalid.' },
  invalid_ticket: { status: 401, message: 'The ticket is invalid, used or expired.' },
  forbidden: { status: 403, message: 'This credential may not do that.' },
  topic_forbidden: { status: 403, message: 'The token does not allow this topic.' },
  origin_forbidden: { status: 403, message: 'Cookie authentication needs an allowed Origin.' },
  not_found: { status: 404, message: 'Not found.' },
  method_not_allowed: { status: 405, message: 'Method not allowed.' },
  request_timeout: { status: 408, message: 'The request was not received in time.' },
  expectation_failed: { status: 417, message: 'Only Expect: 100-continue is supported.' },
  rate_limited: { status: 429, message: 'Too many requests; retry later.' },
  too_many_streams: { status: 429, message: 'Too many open streams for this user or address.' },
  unavailable: { status: 503, message: 'Herald cannot serve this right now; retry later.' },
  shutting_down: { status: 503, message: 'This node is shutting down; retry on another.' },
  internal: { status: 500, message: 'Internal error.' },
} as const satisfies Record<string, { status: number; message: string }>;

/** A stable error code, as documented in the README. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** A typed error carrying its code and HTTP status; `retryAfter` (seconds) becomes `Retry-After`. */
export class HeraldError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfter?: number;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown; retryAfter?: number }) {
    super(message ?? ERROR_CODES[code].message, { cause: options?.cause });
    this.name = 'HeraldError';
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.retryAfter = options?.retryAfter;
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}
