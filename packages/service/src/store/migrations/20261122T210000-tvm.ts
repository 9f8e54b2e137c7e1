import type { Kysely } from 'kysely';

/** Vulnerability management: CVE catalogue, per-device CVE rows, software, recommendations, scores, device health. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('vulnerabilities')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('severity', 'text')
    .addColumn('cvss_v3', 'real')
    .addColumn('public_exploit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exploit_verified', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exploit_in_kit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('description', 'text')
    .addColumn('published_on', 'text')
    .addColumn('updated_on', 'text')
    .addColumn('exposed_machines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('vulnerabilities_pk', ['tenant', 'id'])
    .execute();

  await db.schema
    .createTable('device_vulnerabilities')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('cve_id', 'text', (c) => c.notNull())
    .addColumn('product_vendor', 'text', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('product_version', 'text', (c) => c.notNull())
    .addColumn('fixing_kb_id', 'text')
    .addColumn('severity', 'text')
    .addColumn('sync_generation', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_vulnerabilities_pk', [
      'tenant',
      'device_id',
      'cve_id',
      'product_vendor',
      'product_name',
      'product_version',
    ])
    .execute();
  await db.schema
    .createIndex('device_vulnerabilities_cve')
    .on('device_vulnerabilities')
    .columns(['tenant', 'cve_id'])
    .execute();
  await db.schema
    .createIndex('device_vulnerabilities_generation')
    .on('device_vulnerabilities')
    .columns(['tenant', 'sync_generation'])
    .execute();

  await db.schema
    .createTable('software')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('vendor', 'text', (c) => c.notNull())
    .addColumn('weaknesses', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('public_exploit', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exposed_machines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('software_pk', ['tenant', 'id'])
    .execute();

  await db.schema
    .createTable('recommendations')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('product_name', 'text')
    .addColumn('vendor', 'text')
    .addColumn('category', 'text')
    .addColumn('severity_score', 'real')
    .addColumn('status', 'text')
    .addColumn('exposed_machines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('recommendations_pk', ['tenant', 'id'])
    .execute();

  await db.schema
    .createTable('scores')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('group_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('time', 'text')
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('scores_pk', ['tenant', 'kind', 'group_name'])
    .execute();

  await db.schema
    .createTable('device_health')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('health_status', 'text')
    .addColumn('onboarding_status', 'text')
    .addColumn('changed_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_health_pk', ['tenant', 'device_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'device_health',
    'scores',
    'recommendations',
    'software',
    'device_vulnerabilities',
    'vulnerabilities',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
