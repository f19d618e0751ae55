/**
 * JSON schemas of the v1 routes. They validate input and feed `/openapi.json`. Unknown fields are
 * refused (`additionalProperties: false`), never silently dropped.
 */
import { INBOX_STATUSES, SEVERITIES, STATE_ACTIONS } from '@herald/protocol';

const error = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
} as const;

export const errorResponses = { 400: error, 401: error, 403: error, 413: error, 429: error, 503: error };

const userId = { type: 'string', minLength: 1, maxLength: 256 } as const;

export const publishBody = {
  type: 'object',
  additionalProperties: false,
  required: ['recipients', 'title'],
  properties: {
    recipients: { type: 'array', minItems: 1, items: userId, description: '1..1000 user ids' },
    title: { type: 'string', minLength: 1, maxLength: 500 },
    body: { type: 'string', maxLength: 10_000 },
    severity: { type: 'string', enum: [...SEVERITIES], default: 'info' },
    category: { type: 'string', minLength: 1, maxLength: 100 },
    url: { type: 'string', maxLength: 2048 },
    data: { type: 'object' },
    dedupeKey: { type: 'string', minLength: 1, maxLength: 200 },
    expiresAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const publishResponse = {
  201: {
    type: 'object',
    properties: {
      notifications: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, recipient: { type: 'string' } } } },
    },
  },
  ...errorResponses,
};

export const topicParams = {
  type: 'object',
  required: ['topic'],
  // No maxLength: the route answers `invalid_topic` for any invalid topic, too long included.
  properties: { topic: { type: 'string', description: 'Segments of [A-Za-z0-9_-] joined by . : or /; at most 200 characters' } },
} as const;

export const topicBody = {
  type: 'object',
  additionalProperties: false,
  required: ['data'],
  properties: {
    event: { type: 'string', description: 'SSE event name; default `message`' },
    data: { description: 'Any JSON value' },
  },
} as const;

export const streamQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    topics: { type: 'string', maxLength: 8192, description: 'Comma-separated topics, each allowed by the token' },
    ticket: { type: 'string', maxLength: 256 },
    lastEventId: { type: 'string', maxLength: 256 },
  },
} as const;

export const inboxQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: [...INBOX_STATUSES], default: 'all' },
    category: { type: 'string', minLength: 1, maxLength: 100 },
    limit: { type: 'string', pattern: '^[0-9]{1,3}$', description: '1..100, default 20' },
    cursor: { type: 'string', maxLength: 32 },
  },
} as const;

export const stateParams = {
  type: 'object',
  required: ['action'],
  properties: { action: { type: 'string', enum: [...STATE_ACTIONS] } },
} as const;

export const stateBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ids: { type: 'array', minItems: 1, maxItems: 1000, items: { type: 'string', minLength: 1, maxLength: 64 } },
    all: { type: 'boolean', const: true },
  },
  oneOf: [{ required: ['ids'] }, { required: ['all'] }],
} as const;

export const presenceQuery = {
  type: 'object',
  additionalProperties: false,
  required: ['users'],
  properties: { users: { type: 'string', minLength: 1, maxLength: 25_600 } },
} as const;
