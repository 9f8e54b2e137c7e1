import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** What a webhook can subscribe to. */
export const EventTypes = [
  'risk.changed',
  'isolation.changed',
  'device.added',
  'device.removed',
  'alert.raised',
  'alert.updated',
] as const;
export type EventType = (typeof EventTypes)[number];

export interface NewEvent {
  /** tenants.id */
  tenant: string;
  type: EventType;
  /** The device (machine ID) or alert ID the event is about. */
  subject: string;
  data: Record<string, unknown>;
}

/**
 * Appends events to the outbox. Pass the transaction that makes the change, so an event exists exactly when
 * its change committed (no event for a rolled-back change, no change without its event).
 */
export async function appendEvents(
  db: Kysely<Database>,
  events: readonly NewEvent[],
  now: Date = new Date(),
): Promise<void> {
  if (events.length === 0) return;
  const at = now.toISOString();
  for (let i = 0; i < events.length; i += 500) {
    await db
      .insertInto('events')
      .values(
        events.slice(i, i + 500).map((e) => ({
          tenant: e.tenant,
          type: e.type,
          subject: e.subject,
          data: JSON.stringify(e.data),
          at,
        })),
      )
      .execute();
  }
}
