import type { Kysely } from 'kysely';

/** Endpoints seen on the network (store/schema-context.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('managed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tenant', 'text')
    .addColumn('device_id', 'text')
    .addColumn('hostname', 'text')
    .addColumn('alternate_names', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('ip', 'text')
    .addColumn('match_by', 'text')
    .addColumn('source', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('endpoints_device').on('endpoints').columns(['tenant', 'device_id']).execute();
  await db.schema.createIndex('endpoints_hostname').on('endpoints').column('hostname').execute();
  await db.schema.createIndex('endpoints_ip').on('endpoints').column('ip').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('endpoints').ifExists().execute();
}
