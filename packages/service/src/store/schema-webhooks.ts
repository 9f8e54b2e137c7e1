import type { Generated } from 'kysely';

/**
 * Tables of webhook subscriptions, deliveries, and the event outbox they are fed from (issue 6). Add each
 * table's interface to `WebhooksTables`, and its name to exactly one of the two lists below: the store will
 * not compile until every table is in one (removing a tenant must not leave its rows behind).
 */
export interface WebhooksTables {
  events: EventTable;
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

/** Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. */
export const webhooksTenantTables = { events: true } as const satisfies Partial<
  Record<keyof WebhooksTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const webhooksBridgeTables = [] as const satisfies readonly (keyof WebhooksTables)[];
