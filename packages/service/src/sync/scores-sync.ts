/** Exposure score (tenant and per machine group) and configuration score: three calls, one row each. */
import type { Insertable } from 'kysely';
import { isoMs, type ScoreTable } from '../store/schema.js';
import { recordRun } from './run-recorder.js';
import type { ResourceResult, SyncContext } from './sync-context.js';

export async function syncScores(ctx: SyncContext): Promise<ResourceResult> {
  return recordRun(ctx, 'scores', 'full', async (run) => {
    const exposure = await ctx.client.getExposureScore({ priority: 'bulk' });
    run.apiCalls++;
    const byGroup = await ctx.client.listExposureScoreByMachineGroups({ priority: 'bulk' });
    run.apiCalls++;
    const configuration = await ctx.client.getConfigurationScore({ priority: 'bulk' });
    run.apiCalls++;
    const now = new Date().toISOString();
    const row = (kind: ScoreTable['kind'], group: string, s: { score: number; time: string }) =>
      ({
        tenant: ctx.tenant,
        kind,
        group_name: group,
        score: s.score,
        time: isoMs(s.time),
        synced_at: now,
      }) satisfies Insertable<ScoreTable>;
    const rows = [
      row('exposure', '', exposure),
      row('configuration', '', configuration),
      ...byGroup.map((g) => row('exposureByGroup', g.rbacGroupName ?? '', g)),
    ];
    run.fetched = rows.length;
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('scores')
        .values(rows)
        .onConflict((oc) =>
          oc.columns(['tenant', 'kind', 'group_name']).doUpdateSet((eb) => ({
            score: eb.ref('excluded.score'),
            time: eb.ref('excluded.time'),
            synced_at: eb.ref('excluded.synced_at'),
          })),
        )
        .execute();
      // Machine groups no longer reported (deleted or renamed) lose their score.
      const gone = await trx
        .deleteFrom('scores')
        .where('tenant', '=', ctx.tenant)
        .where('kind', '=', 'exposureByGroup')
        .where('synced_at', '<', now)
        .executeTakeFirst();
      run.removed = Number(gone.numDeletedRows);
    });
    run.upserted = rows.length;
  });
}
