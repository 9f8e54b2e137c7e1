/**
 * Webhook subscriptions and their delivery log. The signing secret is sealed with the master key (bound to the
 * webhook's id) and never leaves this module except to sign a delivery: views carry no secret at all.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { EventType } from '../events/append-event.js';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Database } from '../store/schema.js';
import type { WebhookDeliveryTable, WebhookTable } from '../store/schema-webhooks.js';

export type DeliveryStatus = WebhookDeliveryTable['status'];

export interface WebhookView {
  id: string;
  url: string;
  events: EventType[];
  enabled: boolean;
  description: string | null;
  createdAt: string;
  updatedAt: string;
  /** The newest attempt, for the list's status column. */
  lastDelivery: {
    status: DeliveryStatus;
    at: string;
    eventType: string;
    responseStatus: number | null;
  } | null;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  attempt: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  error: string | null;
  at: string;
  nextAttemptAt: string | null;
}

export interface WebhookInput {
  url: string;
  events: EventType[];
  secret: string;
  enabled?: boolean;
  description?: string | null;
}

export type WebhookPatch = Partial<WebhookInput>;

/** Input the API answers with 400 (`field` names the body field). */
export class WebhookInputError extends Error {
  override name = 'WebhookInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The secret-box context of a webhook's secret: a ciphertext copied onto another webhook does not open. */
export const secretContext = (webhookId: string) => `webhook:${webhookId}`;

/** Only http(s): a `file:` or `gopher:` URL would turn the bridge into a tool against its own network. */
export function checkWebhookUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookInputError('url is not an absolute URL', 'body.url');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new WebhookInputError(`url must be http or https, not ${parsed.protocol.slice(0, -1)}`, 'body.url');
  return parsed.toString();
}

function checkEvents(events: readonly EventType[]): EventType[] {
  if (events.length === 0) throw new WebhookInputError('subscribe to at least one event', 'body.events');
  return [...new Set(events)];
}

/** The newest event id: a new (or re-enabled) subscription starts after it, not with the backlog. */
async function newestEventId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

export async function createWebhook(
  db: Kysely<Database>,
  box: SecretBox,
  input: WebhookInput,
  now: Date,
): Promise<WebhookView> {
  const id = randomUUID();
  const at = now.toISOString();
  await db
    .insertInto('webhooks')
    .values({
      id,
      url: checkWebhookUrl(input.url),
      events: JSON.stringify(checkEvents(input.events)),
      secret_ciphertext: box.seal(input.secret, secretContext(id)),
      enabled: input.enabled === false ? 0 : 1,
      description: input.description ?? null,
      created_at: at,
      updated_at: at,
      last_event_id: await newestEventId(db),
    })
    .execute();
  return (await findWebhook(db, id))!;
}

/** Applies a patch; `changed` names the fields that changed (`secret` when a new one was given). */
export async function updateWebhook(
  db: Kysely<Database>,
  box: SecretBox,
  id: string,
  patch: WebhookPatch,
  now: Date,
): Promise<{ webhook: WebhookView; changed: string[] } | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const set: Partial<Selectable<WebhookTable>> = {};
  const changed: string[] = [];
  if (patch.url !== undefined && checkWebhookUrl(patch.url) !== row.url) {
    set.url = checkWebhookUrl(patch.url);
    changed.push('url');
  }
  if (patch.events !== undefined) {
    const events = JSON.stringify(checkEvents(patch.events));
    if (events !== row.events) {
      set.events = events;
      changed.push('events');
    }
  }
  // An empty secret means "keep the stored one" (the edit form leaves it empty).
  if (patch.secret) {
    set.secret_ciphertext = box.seal(patch.secret, secretContext(id));
    changed.push('secret');
  }
  if (patch.enabled !== undefined && (patch.enabled ? 1 : 0) !== row.enabled) {
    set.enabled = patch.enabled ? 1 : 0;
    // Switched back on: deliver what happens from now on, not everything since it was switched off.
    if (patch.enabled) set.last_event_id = await newestEventId(db);
    changed.push('enabled');
  }
  if (patch.description !== undefined && (patch.description ?? null) !== row.description) {
    set.description = patch.description ?? null;
    changed.push('description');
  }
  if (changed.length > 0)
    await db
      .updateTable('webhooks')
      .set({ ...set, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  return { webhook: (await findWebhook(db, id))!, changed };
}

export async function deleteWebhook(db: Kysely<Database>, id: string): Promise<boolean> {
  await db.deleteFrom('webhook_deliveries').where('webhook_id', '=', id).execute();
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listWebhooks(db: Kysely<Database>): Promise<WebhookView[]> {
  const rows = await db.selectFrom('webhooks').selectAll().orderBy('created_at').orderBy('id').execute();
  return Promise.all(rows.map((r) => toView(db, r)));
}

export async function findWebhook(db: Kysely<Database>, id: string): Promise<WebhookView | undefined> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toView(db, row) : undefined;
}

async function toView(db: Kysely<Database>, row: Selectable<WebhookTable>): Promise<WebhookView> {
  const last = await db
    .selectFrom('webhook_deliveries')
    .select(['status', 'at', 'event_type', 'response_status'])
    .where('webhook_id', '=', row.id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return {
    id: row.id,
    url: row.url,
    events: JSON.parse(row.events) as EventType[],
    enabled: row.enabled === 1,
    description: row.description,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastDelivery: last
      ? {
          status: last.status,
          at: last.at,
          eventType: last.event_type,
          responseStatus: last.response_status === null ? null : Number(last.response_status),
        }
      : null,
  };
}

/** One page of a webhook's delivery attempts, newest first. */
export async function listDeliveries(
  db: Kysely<Database>,
  webhookId: string,
  page: { page: number; pageSize: number },
): Promise<{ items: WebhookDeliveryView[]; total: number }> {
  const total = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('webhook_id', '=', webhookId)
    .executeTakeFirst();
  const rows = await db
    .selectFrom('webhook_deliveries')
    .select([
      'id',
      'event_id',
      'event_type',
      'attempt',
      'status',
      'response_status',
      'error',
      'at',
      'next_attempt_at',
    ])
    .where('webhook_id', '=', webhookId)
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return {
    total: Number(total?.n ?? 0),
    items: rows.map((r) => ({
      id: String(r.id),
      eventId: r.event_id,
      eventType: r.event_type,
      attempt: Number(r.attempt),
      status: r.status,
      responseStatus: r.response_status === null ? null : Number(r.response_status),
      error: r.error,
      at: r.at,
      nextAttemptAt: r.next_attempt_at,
    })),
  };
}

/** Queues a `ping` for the dispatcher: it goes out through the same path (signing, retries) as events. */
export async function queuePing(db: Kysely<Database>, webhookId: string, now: Date): Promise<string> {
  const at = now.toISOString();
  const eventId = `ping-${randomUUID()}`;
  const payload = JSON.stringify({
    id: eventId,
    type: 'ping',
    at,
    tenant: null,
    subject: webhookId,
    data: { webhookId, message: 'a test delivery from mde-bridge' },
  });
  const row = await db
    .insertInto('webhook_deliveries')
    .values({
      webhook_id: webhookId,
      event_id: eventId,
      event_type: 'ping',
      attempt: 1,
      status: 'pending',
      response_status: null,
      error: null,
      at,
      next_attempt_at: at,
      payload,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return String(row.id);
}
