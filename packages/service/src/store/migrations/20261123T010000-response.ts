import type { Kysely } from 'kysely';

/** Response requests and lockdowns (store/schema-response.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('response_requests')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('inflight_key', 'text')
    .addColumn('defender_action_id', 'text')
    .addColumn('defender_status', 'text')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('isolation_type', 'text')
    .addColumn('scan_type', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('error', 'text')
    .addColumn('lockdown_id', 'text')
    .execute();
  // NULLs never collide on either engine: only in-flight rows take part.
  await db.schema
    .createIndex('response_requests_inflight')
    .on('response_requests')
    .column('inflight_key')
    .unique()
    .execute();
  await db.schema
    .createIndex('response_requests_device')
    .on('response_requests')
    .columns(['tenant', 'device_id', 'requested_at'])
    .execute();
  await db.schema
    .createIndex('response_requests_state')
    .on('response_requests')
    .columns(['tenant', 'state'])
    .execute();
  await db.schema
    .createTable('lockdowns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('active_key', 'text')
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('locked_by', 'text', (c) => c.notNull())
    .addColumn('locked_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text')
    .addColumn('released_by', 'text')
    .addColumn('released_late', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('isolate_request_id', 'text')
    .addColumn('release_request_id', 'text')
    .execute();
  await db.schema.createIndex('lockdowns_active').on('lockdowns').column('active_key').unique().execute();
  await db.schema
    .createIndex('lockdowns_device')
    .on('lockdowns')
    .columns(['tenant', 'device_id', 'locked_at'])
    .execute();
  await db.schema.createIndex('lockdowns_due').on('lockdowns').columns(['state', 'ends_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lockdowns').ifExists().execute();
  await db.schema.dropTable('response_requests').ifExists().execute();
}
