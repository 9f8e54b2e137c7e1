import type { Kysely } from 'kysely';

/** Detections, automatic lockdown policies, their decisions, approvals (store/schema-detections.ts). */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('detections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('host_ip', 'text')
    .addColumn('host_name', 'text')
    .addColumn('threat_score', 'integer')
    .addColumn('certainty_score', 'integer')
    .addColumn('privilege', 'integer')
    .addColumn('category', 'text')
    .addColumn('remote_ip', 'text')
    .addColumn('remote_port', 'integer')
    .addColumn('protocol', 'text')
    .addColumn('domain', 'text')
    .addColumn('url', 'text')
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('received_by', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('device_id', 'text')
    .addColumn('match', 'text', (c) => c.notNull())
    .addColumn('lockdown_outcome', 'text')
    .addColumn('lockdown_id', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('stitch_state', 'text', (c) => c.notNull())
    .addColumn('root_cause', 'text')
    .addColumn('stitch_error', 'text')
    .addColumn('stitched_at', 'text')
    .addColumn('stitch_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createIndex('detections_external')
    .on('detections')
    .columns(['source', 'external_id'])
    .unique()
    .execute();
  await db.schema.createIndex('detections_time').on('detections').columns(['detected_at', 'id']).execute();
  await db.schema
    .createIndex('detections_device')
    .on('detections')
    .columns(['tenant', 'device_id', 'detected_at'])
    .execute();
  await db.schema.createIndex('detections_stitch').on('detections').columns(['stitch_state']).execute();

  await db.schema
    .createTable('lockdown_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('min_threat', 'integer')
    .addColumn('min_certainty', 'integer')
    .addColumn('min_privilege', 'integer')
    .addColumn('min_alert_severity', 'text')
    .addColumn('min_risk_level', 'text')
    .addColumn('duration', 'text', (c) => c.notNull())
    .addColumn('isolation_type', 'text', (c) => c.notNull())
    .addColumn('exclude_tags', 'text', (c) => c.notNull())
    .addColumn('exclude_high_value', 'integer', (c) => c.notNull())
    .addColumn('exclude_device_groups', 'text', (c) => c.notNull())
    .addColumn('allow_list', 'text', (c) => c.notNull())
    .addColumn('max_per_hour', 'integer', (c) => c.notNull())
    .addColumn('require_approval', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('policy_decisions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('policy_id', 'text', (c) => c.notNull())
    .addColumn('detection_id', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('device_id', 'text')
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('dry_run', 'integer', (c) => c.notNull())
    .addColumn('lockdown_id', 'text')
    .addColumn('approval_id', 'text')
    .addColumn('decided_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_decisions_cap')
    .on('policy_decisions')
    .columns(['policy_id', 'decided_at'])
    .execute();
  await db.schema
    .createIndex('policy_decisions_detection')
    .on('policy_decisions')
    .column('detection_id')
    .execute();

  await db.schema
    .createTable('approvals')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('action_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('requested_by_kind', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('decision_comment', 'text')
    .addColumn('result_request_id', 'text')
    .addColumn('result_lockdown_id', 'text')
    .addColumn('error', 'text')
    .addColumn('policy_id', 'text')
    .addColumn('detection_id', 'text')
    .execute();
  await db.schema.createIndex('approvals_state').on('approvals').columns(['state', 'requested_at']).execute();
  await db.schema
    .createIndex('approvals_device')
    .on('approvals')
    .columns(['tenant', 'device_id', 'state'])
    .execute();

  await db.schema
    .createTable('approval_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text', (c) => c.notNull())
    .addColumn('device_group', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('approval_rules_group')
    .on('approval_rules')
    .columns(['tenant', 'device_group'])
    .unique()
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['approval_rules', 'approvals', 'policy_decisions', 'lockdown_policies', 'detections']) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
