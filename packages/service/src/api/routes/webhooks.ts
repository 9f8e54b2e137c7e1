import { type Static, Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { type EventType, EventTypes } from '../../events/append-event.js';
import { secretBox } from '../../secrets/secret-box.js';
import { pokeWebhookDispatchers } from '../../webhooks/webhook-dispatcher.js';
import {
  createWebhook,
  deleteWebhook,
  findWebhook,
  listDeliveries,
  listWebhooks,
  queuePing,
  updateWebhook,
  WebhookInputError,
} from '../../webhooks/webhook-repository.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { IdParams, listOf, pageOf } from './schemas/access.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const EventTypeSchema = Type.Unsafe<EventType>({ type: 'string', enum: [...EventTypes] });
const DeliveryStatusSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('delivered'),
  Type.Literal('failed'),
]);

/** The response lists every field: the secret cannot leak even if a query selected it. */
const WebhookSchema = Type.Object(
  {
    id: Type.String(),
    url: Type.String(),
    events: Type.Array(EventTypeSchema),
    enabled: Type.Boolean(),
    description: NullableString,
    createdAt: Type.String(),
    updatedAt: Type.String(),
    lastDelivery: Type.Union([
      Type.Object(
        {
          status: DeliveryStatusSchema,
          at: Type.String(),
          eventType: Type.String(),
          responseStatus: Type.Union([Type.Integer(), Type.Null()]),
        },
        closed,
      ),
      Type.Null(),
    ]),
  },
  closed,
);

const DeliverySchema = Type.Object(
  {
    id: Type.String(),
    eventId: Type.String(),
    eventType: Type.String(),
    attempt: Type.Integer(),
    status: DeliveryStatusSchema,
    responseStatus: Type.Union([Type.Integer(), Type.Null()]),
    error: NullableString,
    at: Type.String(),
    nextAttemptAt: NullableString,
  },
  closed,
);

const fields = {
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  events: Type.Array(EventTypeSchema, { minItems: 1, maxItems: EventTypes.length }),
  secret: Type.String({ minLength: 8, maxLength: 512 }),
  enabled: Type.Boolean(),
  description: Type.Union([Type.String({ maxLength: 500 }), Type.Null()]),
};

const WebhookBody = Type.Object(
  {
    url: fields.url,
    events: fields.events,
    secret: fields.secret,
    enabled: Type.Optional(fields.enabled),
    description: Type.Optional(fields.description),
  },
  closed,
);

/** Every field optional; an omitted or empty secret keeps the stored one. */
const WebhookPatchBody = Type.Object(
  {
    url: Type.Optional(fields.url),
    events: Type.Optional(fields.events),
    secret: Type.Optional(Type.Union([Type.Literal(''), fields.secret])),
    enabled: Type.Optional(fields.enabled),
    description: Type.Optional(fields.description),
  },
  closed,
);

const PageQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  closed,
);

/** The URL as the audit log names it: no query string or user info, which some receivers use for tokens. */
function auditTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

async function checked<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WebhookInputError) throw badRequest(err.message, err.field);
    throw err;
  }
}

/**
 * Webhook subscriptions (CONTRACT.md "webhooks"): the secret goes in and never comes out — not in responses,
 * not in the audit log (only whether it changed), not in logs.
 */
export function webhooksRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const box = secretBox(deps.env ?? process.env);
  const now = () => deps.now?.() ?? new Date();
  const tags = ['webhooks'];
  const find = async (id: string) => (await findWebhook(db, id)) ?? Promise.reject(notFound('webhook'));

  api.get(
    '/webhooks',
    { schema: { tags, response: { 200: listOf(WebhookSchema) } }, config: { access: 'config.view' } },
    async () => ({ items: await listWebhooks(db) }),
  );

  api.get(
    '/webhooks/:id',
    {
      schema: { tags, params: IdParams, response: { 200: WebhookSchema } },
      config: { access: 'config.view' },
    },
    async (request) => find(request.params.id),
  );

  api.post(
    '/webhooks',
    {
      schema: { tags, body: WebhookBody, response: { 201: WebhookSchema } },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      const webhook = await checked(() => createWebhook(db, box, request.body, now()));
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'webhook.created',
          target: auditTarget(webhook.url),
          detail: { id: webhook.id, events: webhook.events, enabled: webhook.enabled },
        },
        now(),
      );
      return reply.status(201).send(webhook);
    },
  );

  api.patch(
    '/webhooks/:id',
    {
      schema: { tags, params: IdParams, body: WebhookPatchBody, response: { 200: WebhookSchema } },
      config: { access: 'config.edit' },
    },
    async (request) => {
      const body: Static<typeof WebhookPatchBody> = request.body;
      const result = await checked(() => updateWebhook(db, box, request.params.id, body, now()));
      if (!result) throw notFound('webhook');
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'webhook.updated',
          target: auditTarget(result.webhook.url),
          detail: { id: result.webhook.id, changed: result.changed },
        },
        now(),
      );
      return result.webhook;
    },
  );

  api.delete(
    '/webhooks/:id',
    { schema: { tags, params: IdParams }, config: { access: 'config.edit' } },
    async (request, reply) => {
      const webhook = await find(request.params.id);
      await deleteWebhook(db, webhook.id);
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'webhook.deleted',
          target: auditTarget(webhook.url),
          detail: { id: webhook.id },
        },
        now(),
      );
      return reply.status(204).send();
    },
  );

  api.get(
    '/webhooks/:id/deliveries',
    {
      schema: { tags, params: IdParams, querystring: PageQuery, response: { 200: pageOf(DeliverySchema) } },
      config: { access: 'config.view' },
    },
    async (request) => {
      const webhook = await find(request.params.id);
      const { page, pageSize } = request.query;
      return { ...(await listDeliveries(db, webhook.id, { page, pageSize })), page, pageSize };
    },
  );

  api.post(
    '/webhooks/:id/test',
    {
      schema: {
        tags,
        params: IdParams,
        response: { 202: Type.Object({ deliveryId: Type.String() }, closed) },
      },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      const webhook = await find(request.params.id);
      if (!webhook.enabled) throw conflict('the webhook is disabled: enable it to send a test');
      const deliveryId = await queuePing(db, webhook.id, now());
      pokeWebhookDispatchers();
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'webhook.tested',
          target: auditTarget(webhook.url),
          detail: { id: webhook.id, deliveryId },
        },
        now(),
      );
      return reply.status(202).send({ deliveryId });
    },
  );
}
