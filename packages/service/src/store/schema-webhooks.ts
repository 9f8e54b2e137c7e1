import type { Generated } from 'kysely';

/**
 * Tables of webhook subscriptions, deliveries, and the event outbox they are fed from (issue 6). Add each
 * table's interface to `WebhooksTables`, and its name to exactly one of the two lists below: the store will
 * not compile until every table is in one (removing a tenant must not leave its rows behind).
 */
export interface WebhooksTables {
  events: EventTable;
  webhooks: WebhookTable;
  webhook_deliveries: WebhookDeliveryTable;
}

/**
 * The outbox: whatever changes a replica (sync, risk, isolation) appends an event in the same transaction as
 * the change; webhook delivery reads it afterwards, so a slow or failing receiver never blocks a sync.
 */
export interface EventTable {
  id: Generated<number>;
  tenant: string;
  /** `EventType` (events/append-event.ts). */
  type: string;
  /** The device or alert the event is about. */
  subject: string;
  /** JSON. */
  data: string;
  at: string;
}

/** A subscription: which events go to which URL, signed with which secret. */
export interface WebhookTable {
  id: string;
  url: string;
  /** JSON array of `EventType`. */
  events: string;
  /** The signing secret, sealed with the master key (secrets/secret-box.ts), context `webhook:<id>`. */
  secret_ciphertext: string;
  enabled: number;
  description: string | null;
  created_at: string;
  updated_at: string;
  /** Cursor into `events`: every event up to this id has been queued (or skipped) for this webhook. */
  last_event_id: number;
}

/**
 * One attempt to deliver one event (or a `ping`) to one webhook. A failed attempt that will be retried gets
 * `next_attempt_at` and a new `pending` row for the next attempt; the body is kept so every attempt sends the
 * same bytes (and signature).
 */
export interface WebhookDeliveryTable {
  id: Generated<number>;
  webhook_id: string;
  /** `events.id` as text, or `ping-…` for a test delivery. */
  event_id: string;
  event_type: string;
  attempt: number;
  status: 'pending' | 'delivered' | 'failed';
  response_status: number | null;
  error: string | null;
  /** When the attempt was made (for a pending row: when it is due). */
  at: string;
  next_attempt_at: string | null;
  /** The JSON body sent. */
  payload: string;
}

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const webhooksTenantTables = { events: true } as const satisfies Partial<
  Record<keyof WebhooksTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const webhooksBridgeTables = [
  'webhooks',
  'webhook_deliveries',
] as const satisfies readonly (keyof WebhooksTables)[];
