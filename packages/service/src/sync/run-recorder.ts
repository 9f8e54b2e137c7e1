import type { Kysely, Selectable } from 'kysely';
import type { Database, SyncRunTable } from '../store/schema.js';
import { type Resource, type ResourceResult, resourceFamily, type SyncContext } from './sync-context.js';

export type SyncRun = Selectable<SyncRunTable>;

/** What a resource sync counts while it runs; written to its `sync_runs` row whether it succeeds or not. */
export interface RunCounters {
  fetched: number;
  upserted: number;
  removed: number;
  apiCalls: number;
  created?: number;
  updated?: number;
}

/**
 * Runs `work` as one `sync_runs` row: `running` first, then `succeeded` or `failed` with the error message,
 * with the counters and the time the governor held this resource's calls back. A process killed meanwhile
 * leaves `running`; `failInterruptedRuns` settles those on the next start.
 */
export async function recordRun(
  ctx: SyncContext,
  resource: Resource,
  mode: 'full' | 'delta',
  work: (counters: RunCounters) => Promise<void>,
): Promise<ResourceResult> {
  const families = resourceFamily[resource];
  const waitedMs = () => {
    const waits = ctx.client.governor.stats().waits;
    return families.reduce((ms, family) => ms + (waits[family]?.totalMs ?? 0), 0);
  };
  const started = Date.now();
  const waitedBefore = waitedMs();
  const { id } = await ctx.store.db
    .insertInto('sync_runs')
    .values({
      tenant: ctx.tenant,
      resource,
      mode,
      status: 'running',
      started_at: new Date(started).toISOString(),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const counters: RunCounters = { fetched: 0, upserted: 0, removed: 0, apiCalls: 0 };
  const finish = (status: 'succeeded' | 'failed', error: string | null) =>
    ctx.store.db
      .updateTable('sync_runs')
      .set({
        status,
        error,
        finished_at: new Date().toISOString(),
        fetched: counters.fetched,
        upserted: counters.upserted,
        removed: counters.removed,
        api_calls: counters.apiCalls,
        throttled_ms: Math.round(waitedMs() - waitedBefore),
      })
      .where('id', '=', id)
      .execute();
  try {
    await work(counters);
  } catch (err) {
    await finish('failed', err instanceof Error ? err.message : String(err));
    throw err;
  }
  await finish('succeeded', null);
  return { ...counters, ms: Date.now() - started };
}

/**
 * Marks `running` rows of a tenant `failed` with error 'interrupted': their process died mid-run. Call it
 * before a tenant's sync starts; it assumes one syncing process per tenant (`syncTenant` guards the process).
 */
export async function failInterruptedRuns(db: Kysely<Database>, tenant: string): Promise<number> {
  const result = await db
    .updateTable('sync_runs')
    .set({ status: 'failed', error: 'interrupted', finished_at: new Date().toISOString() })
    .where('tenant', '=', tenant)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The newest run of each resource of a tenant (absent when a resource never ran). */
export async function lastRuns(
  db: Kysely<Database>,
  tenant: string,
): Promise<Partial<Record<string, SyncRun>>> {
  const rows = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('id', 'in', (qb) =>
      qb
        .selectFrom('sync_runs')
        .select((eb) => eb.fn.max('id').as('id'))
        .where('tenant', '=', tenant)
        .groupBy('resource'),
    )
    .execute();
  return Object.fromEntries(rows.map((r) => [r.resource, r]));
}

/** The newest succeeded run of a resource, optionally of one mode. */
export async function lastSucceededRun(
  db: Kysely<Database>,
  tenant: string,
  resource: Resource,
  mode?: 'full' | 'delta',
): Promise<SyncRun | undefined> {
  let query = db
    .selectFrom('sync_runs')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('resource', '=', resource)
    .where('status', '=', 'succeeded');
  if (mode) query = query.where('mode', '=', mode);
  return query.orderBy('id', 'desc').limit(1).executeTakeFirst();
}
