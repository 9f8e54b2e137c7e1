import { type Kysely, PostgresAdapter } from 'kysely';

/** Risk levels per device and their history (store/schema-risk.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('device_risk')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('overall', 'text', (c) => c.notNull())
    .addColumn('exposure', 'text', (c) => c.notNull())
    .addColumn('alert', 'text', (c) => c.notNull())
    .addColumn('reasons', 'text', (c) => c.notNull())
    .addColumn('top_cve_id', 'text')
    .addColumn('top_cve_description', 'text')
    .addColumn('top_cve_cvss_v3', 'real')
    .addColumn('top_cve_severity', 'text')
    .addColumn('top_cve_exploit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('vulnerability_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('top_alert_id', 'text')
    .addColumn('top_alert_title', 'text')
    .addColumn('top_alert_severity', 'text')
    .addColumn('computed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_risk_pk', ['tenant', 'device_id'])
    .execute();
  await db.schema
    .createTable('risk_history')
    .addColumn('id', postgres ? 'bigserial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('overall', 'text', (c) => c.notNull())
    .addColumn('exposure', 'text', (c) => c.notNull())
    .addColumn('alert', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('risk_history_device')
    .on('risk_history')
    .columns(['tenant', 'device_id', 'at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('risk_history').ifExists().execute();
  await db.schema.dropTable('device_risk').ifExists().execute();
}
