import { type Kysely, PostgresAdapter } from 'kysely';

/** The first schema: tenants, devices (+ IP history), alerts, machine actions, isolation state, sync bookkeeping. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('cloud', 'text', (c) => c.notNull())
    .addColumn('api_url', 'text')
    .addColumn('login_url', 'text')
    .addColumn('graph_url', 'text')
    .addColumn('proxy', 'text')
    .addColumn('credential_kind', 'text', (c) => c.notNull())
    .addColumn('credential_ciphertext', 'text', (c) => c.notNull())
    .addColumn('certificate_pem', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('is_demo', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('settings', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('devices')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('computer_dns_name', 'text', (c) => c.notNull())
    .addColumn('dns_name', 'text', (c) => c.notNull())
    .addColumn('os_platform', 'text')
    .addColumn('os_version', 'text')
    .addColumn('version', 'text')
    .addColumn('os_build', 'bigint')
    .addColumn('health_status', 'text')
    .addColumn('onboarding_status', 'text')
    .addColumn('risk_score', 'text')
    .addColumn('exposure_level', 'text')
    .addColumn('device_value', 'text')
    .addColumn('rbac_group_id', 'bigint')
    .addColumn('rbac_group_name', 'text')
    .addColumn('last_ip_address', 'text')
    .addColumn('last_external_ip_address', 'text')
    .addColumn('aad_device_id', 'text')
    .addColumn('first_seen', 'text')
    .addColumn('last_seen', 'text')
    .addColumn('is_potential_duplication', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('merged_into_machine_id', 'text')
    .addColumn('machine_tags', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('is_primary', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('devices_pk', ['tenant', 'id'])
    .execute();
  await db.schema.createIndex('devices_dns').on('devices').columns(['tenant', 'dns_name']).execute();
  await db.schema.createIndex('devices_ip').on('devices').columns(['tenant', 'last_ip_address']).execute();
  await db.schema.createIndex('devices_last_seen').on('devices').columns(['tenant', 'last_seen']).execute();

  await db.schema
    .createTable('device_ips')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('device_ips_pk', ['tenant', 'device_id', 'ip', 'first_seen_at'])
    .execute();
  await db.schema.createIndex('device_ips_ip').on('device_ips').columns(['tenant', 'ip']).execute();

  await db.schema
    .createTable('alerts')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('title', 'text')
    .addColumn('severity', 'text')
    .addColumn('status', 'text')
    .addColumn('category', 'text')
    .addColumn('detection_source', 'text')
    .addColumn('alert_creation_time', 'text')
    .addColumn('last_update_time', 'text', (c) => c.notNull())
    .addColumn('resolved_time', 'text')
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('first_synced_at', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addColumn('versions', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('alerts_pk', ['tenant', 'id'])
    .execute();
  await db.schema.createIndex('alerts_machine').on('alerts').columns(['tenant', 'machine_id']).execute();
  await db.schema
    .createIndex('alerts_updated')
    .on('alerts')
    .columns(['tenant', 'last_update_time'])
    .execute();

  await db.schema
    .createTable('machine_actions')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('requestor', 'text')
    .addColumn('requestor_comment', 'text')
    .addColumn('scope', 'text')
    .addColumn('creation_time', 'text', (c) => c.notNull())
    .addColumn('last_update_time', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull())
    .addColumn('synced_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('machine_actions_pk', ['tenant', 'id'])
    .execute();
  await db.schema
    .createIndex('machine_actions_machine')
    .on('machine_actions')
    .columns(['tenant', 'machine_id'])
    .execute();

  await db.schema
    .createTable('isolation_states')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('machine_id', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('action_id', 'text')
    .addColumn('action_type', 'text')
    .addColumn('requestor', 'text')
    .addColumn('changed_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('isolation_states_pk', ['tenant', 'machine_id'])
    .execute();

  await db.schema
    .createTable('sync_cursors')
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('sync_cursors_pk', ['tenant', 'resource'])
    .execute();

  await db.schema
    .createTable('sync_runs')
    .addColumn('id', postgres ? 'serial' : 'integer', (c) =>
      postgres ? c.primaryKey() : c.primaryKey().autoIncrement(),
    )
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('resource', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('fetched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('upserted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('api_calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('throttled_ms', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .execute();
  await db.schema
    .createIndex('sync_runs_tenant')
    .on('sync_runs')
    .columns(['tenant', 'resource', 'started_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'sync_runs',
    'sync_cursors',
    'isolation_states',
    'machine_actions',
    'alerts',
    'device_ips',
    'devices',
    'tenants',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
