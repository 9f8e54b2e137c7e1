import type { Kysely } from 'kysely';

/** Saved hunting queries, the run history (quota ledger), the result cache, validations (store/schema-hunting.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('hunting_queries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('hunting_queries_owner')
    .on('hunting_queries')
    .columns(['owner', 'name'])
    .unique()
    .execute();

  await db.schema
    .createTable('hunting_runs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('api', 'text')
    .addColumn('api_called', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer')
    .addColumn('execution_seconds', 'real')
    .addColumn('cpu_seconds', 'real')
    .addColumn('error', 'text')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('duration_ms', 'integer')
    .execute();
  await db.schema
    .createIndex('hunting_runs_quota')
    .on('hunting_runs')
    .columns(['tenant', 'started_at'])
    .execute();
  await db.schema
    .createIndex('hunting_runs_actor')
    .on('hunting_runs')
    .columns(['actor', 'started_at'])
    .execute();

  await db.schema
    .createTable('hunting_cache')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('query_hash', 'text', (c) => c.notNull())
    .addColumn('result', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('hunting_cache_pk', ['tenant', 'query_hash'])
    .execute();

  await db.schema
    .createTable('validations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text')
    .addColumn('host_names', 'text', (c) => c.notNull())
    .addColumn('activity_start', 'text', (c) => c.notNull())
    .addColumn('activity_end', 'text', (c) => c.notNull())
    .addColumn('grace_seconds', 'integer', (c) => c.notNull())
    .addColumn('expected_techniques', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_poll_at', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .execute();
  await db.schema
    .createIndex('validations_due')
    .on('validations')
    .columns(['state', 'next_poll_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['validations', 'hunting_cache', 'hunting_runs', 'hunting_queries']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
