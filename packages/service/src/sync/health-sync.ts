/**
 * Device health, derived from the stored devices (no API call), so it runs after `machines`:
 * - onboardingStatus other than Onboarded: `not_applicable` for Unsupported, else `installation_issue`
 *   (CanBeOnboarded, InsufficientInfo, …);
 * - onboarded and healthStatus Active: `healthy`;
 * - onboarded and Inactive / NoSensorData / NoSensorDataImpairedCommunication / ImpairedCommunication:
 *   `heartbeat_issue`;
 * - anything else (Unknown, missing): `not_applicable`.
 * `changed_at` moves only when the state changes; removed devices lose their row.
 */
import { sql } from 'kysely';
import { recordRun } from './run-recorder.js';
import type { ResourceResult, SyncContext } from './sync-context.js';

export const HEARTBEAT_ISSUES = [
  'Inactive',
  'NoSensorData',
  'NoSensorDataImpairedCommunication',
  'ImpairedCommunication',
] as const;

export async function syncHealth(ctx: SyncContext): Promise<ResourceResult> {
  return recordRun(ctx, 'health', 'full', async (run) => {
    const now = new Date().toISOString();
    const state = sql<string>`case
        when coalesce(d.onboarding_status, '') <> 'Onboarded'
          then case when d.onboarding_status = 'Unsupported' then 'not_applicable' else 'installation_issue' end
        when d.health_status = 'Active' then 'healthy'
        when d.health_status in (${sql.join([...HEARTBEAT_ISSUES])}) then 'heartbeat_issue'
        else 'not_applicable' end`;
    await ctx.store.db.transaction().execute(async (trx) => {
      // `where true`: SQLite needs it to parse an upsert whose source is a select.
      const written = await sql`insert into device_health
          (tenant, device_id, state, health_status, onboarding_status, changed_at, updated_at)
        select d.tenant, d.id, ${state}, d.health_status, d.onboarding_status, ${now}, ${now}
        from devices d
        where d.tenant = ${ctx.tenant} and d.removed_at is null and true
        on conflict (tenant, device_id) do update set
          changed_at = case when device_health.state = excluded.state
            then device_health.changed_at else excluded.changed_at end,
          state = excluded.state,
          health_status = excluded.health_status,
          onboarding_status = excluded.onboarding_status,
          updated_at = excluded.updated_at`.execute(trx);
      run.fetched = Number(written.numAffectedRows ?? 0);
      run.upserted = run.fetched;
      const gone = await trx
        .deleteFrom('device_health')
        .where('tenant', '=', ctx.tenant)
        .where('updated_at', '<', now)
        .executeTakeFirst();
      run.removed = Number(gone.numDeletedRows);
    });
  });
}
