/** Publisher routes: notifications to users, events to topics. */
import { HeraldError, isEventName, isTopic, isUserId, type Severity } from '@herald/protocol';
import type { FastifyInstance } from 'fastify';
import { authenticatePublisher } from '../authenticate.ts';
import type { AppOptions } from '../options.ts';
import { publishBody, publishResponse, topicBody, topicParams, errorResponses } from '../schemas.ts';
import { TokenBuckets } from '../token-bucket.ts';

interface PublishBody {
  recipients: string[];
  title: string;
  body?: string;
  severity: Severity;
  category?: string;
  url?: string;
  data?: Record<string, unknown>;
  dedupeKey?: string;
  expiresAt?: string;
}

export function publishRoutes(app: FastifyInstance, o: AppOptions): void {
  const rate = new TokenBuckets(o.limits.publishRate, o.limits.publishBurst, o.clock);

  app.post<{ Body: PublishBody }>(
    '/v1/notifications',
    { schema: { summary: 'Publish a notification to 1..1000 users', tags: ['publish'], body: publishBody, response: publishResponse } },
    async (req, reply) => {
      authenticatePublisher(req, o, 'publish', rate);
      const b = req.body;
      if (b.recipients.length > o.limits.maxRecipients) {
        throw new HeraldError('too_many_recipients', `A publish names 1 to ${o.limits.maxRecipients} recipients.`);
      }
      const bad = b.recipients.find((r) => !isUserId(r));
      if (bad !== undefined) throw new HeraldError('invalid_body', 'A recipient is not a valid user id.');
      checkDataSize(b.data, o.limits.maxDataBytes);
      let expiresAt: number | undefined;
      if (b.expiresAt !== undefined) {
        expiresAt = Date.parse(b.expiresAt);
        if (!Number.isFinite(expiresAt)) throw new HeraldError('invalid_body', 'expiresAt is not a date-time.');
      }
      const result = await o.hub.publish({
        recipients: [...new Set(b.recipients)],
        title: b.title,
        body: b.body,
        severity: b.severity ?? 'info',
        category: b.category,
        url: b.url,
        data: b.data,
        dedupeKey: b.dedupeKey,
        expiresAt,
      });
      reply.code(201);
      return result;
    },
  );

  app.post<{ Params: { topic: string }; Body: { event?: string; data: unknown } }>(
    '/v1/topics/:topic/events',
    {
      schema: {
        summary: 'Publish an ephemeral event to a topic; `broadcast` reaches every stream',
        tags: ['publish'],
        params: topicParams,
        body: topicBody,
        response: { 202: { type: 'object', properties: { id: { type: 'string' } } }, ...errorResponses },
      },
    },
    async (req, reply) => {
      authenticatePublisher(req, o, 'publish', rate);
      const { topic } = req.params;
      if (!isTopic(topic)) throw new HeraldError('invalid_topic');
      const event = req.body.event ?? 'message';
      if (event !== 'message' && !isEventName(event)) {
        throw new HeraldError('invalid_event_name', 'Event names are 1..64 of [A-Za-z0-9_.:-] and not a reserved name.');
      }
      const data = JSON.stringify(req.body.data ?? null);
      if (Buffer.byteLength(data) > o.limits.maxDataBytes) throw new HeraldError('data_too_large');
      reply.code(202);
      return o.hub.publishTopic(topic, event, data);
    },
  );
}

function checkDataSize(data: unknown, max: number): void {
  if (data === undefined) return;
  if (Buffer.byteLength(JSON.stringify(data)) > max) throw new HeraldError('data_too_large');
}
