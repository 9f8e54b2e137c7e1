import { type Kysely, sql } from 'kysely';

/**
 * Indexes for the API's host list at 100,000+ devices. Device rows carry Defender's whole JSON (`raw`, a few
 * KB each), so anything that scans the table is slow; these are partial (live devices only, what the list
 * shows by default) and narrow:
 * - the two common sorts (name, last seen) with the list's tie-breakers, so a page is an index range read;
 * - a covering index of the filterable columns, so totals, facets and the dashboard count without
 *   touching the table, and a device-group-limited caller's scope narrows on its leading columns.
 * `removed_at` is in the column lists although the index only holds live rows: SQLite's planner counts an
 * index as covering only when it holds every column the query names, the partial condition's included.
 * The name index also carries the searchable columns, so a search reads index entries, not rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const live = sql<boolean>`removed_at is null`;
  await db.schema
    .createIndex('devices_live_name')
    .on('devices')
    .columns(['dns_name', 'id', 'tenant', 'last_ip_address', 'removed_at'])
    .where(live)
    .execute();
  await db.schema
    .createIndex('device_ips_by_ip')
    .on('device_ips')
    .columns(['ip', 'tenant', 'device_id'])
    .execute();
  await db.schema
    .createIndex('devices_live_last_seen')
    .on('devices')
    .columns(['last_seen', 'id', 'tenant'])
    .where(live)
    .execute();
  await db.schema
    .createIndex('devices_live_facets')
    .on('devices')
    .columns([
      'tenant',
      'rbac_group_name',
      'os_platform',
      'health_status',
      'risk_score',
      'exposure_level',
      'onboarding_status',
      'machine_tags',
      'removed_at',
      'id',
    ])
    .where(live)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'devices_live_facets',
    'devices_live_last_seen',
    'device_ips_by_ip',
    'devices_live_name',
  ]) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
