/**
 * The one way the bridge runs a hunting query on a tenant (issue 8): checked by the KQL parser first, counted
 * in the quota ledger (`hunting_runs`), through the MDE API or Graph per the tenant's setting with fallback.
 * Users (API, CLI) and the stitcher both go through it.
 *
 * Order of a run: the size and KQL check (refused → a `refused` row, nothing sent), the cache (when asked),
 * the quota from the ledger (spent → refused with the wait), then the call; every outcome is one row in
 * `hunting_runs` (a user's history and the quota ledger). With `settings.hunting.api: 'auto'` the MDE API is
 * used until it answers that it is retired; then Graph for a day (remembered in the ledger), then MDE again.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  DefenderApiError,
  type DefenderClient,
  LicenseFeatureUnavailable,
  PermissionMissing,
  type Priority,
} from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { TenantDisabledError } from '../tenants/tenant-client.js';
import { tenantClientCache } from '../tenants/tenant-client-cache.js';
import { HUNTING_UNLICENSED, HuntingError } from './hunting-errors.js';
import { type HuntingApiSetting, HuntingApiSettings } from './hunting-settings.js';
import { checkKql, MAX_QUERY_CHARS } from './kql-check.js';
import { cpuSecondsOf, type HuntingApi, readHuntingQuota, UNLICENSED_PREFIX } from './quota-ledger.js';

export interface HuntingColumn {
  name: string;
  type: string;
}

export interface HuntingRunInput {
  /** tenants.id */
  tenant: string;
  query: string;
  /** users.id, `token:<id>` or 'system' */
  actor: string;
  purpose: 'user' | 'stitch' | 'probe';
  /** Graph Timespan (ISO 8601 interval); the MDE API ignores it. */
  timespan?: string;
  /** Re-use a result of the same query text younger than this (stitching); default: no cache. */
  cacheSeconds?: number;
}

export interface HuntingRunOutput {
  runId: string;
  tenantId: string;
  api: 'mde' | 'graph';
  columns: HuntingColumn[];
  /** Rows keyed by column name; DateTime values as ISO strings. */
  rows: Record<string, unknown>[];
  rowCount: number;
  executionSeconds: number | null;
  /** True when answered from the cache (no call spent). */
  cached: boolean;
}

export interface HuntingRunner {
  /**
   * Runs a query. Throws HuntingError (hunting/hunting-errors.ts, the helper defines it) with a code:
   * 'invalid_query' (with diagnostics), 'hunting_unavailable', 'hunting_quota', 'defender_error'.
   */
  run(input: HuntingRunInput): Promise<HuntingRunOutput>;
}

/** What the runner needs of a tenant's Defender client. */
export type HuntingClient = Pick<DefenderClient, 'runAdvancedQuery' | 'runHuntingQuery'>;

export interface TenantHuntingRunnerOptions {
  store: Store;
  env?: NodeJS.ProcessEnv;
  /** The transport of tenant clients (tests: bound to the emulator); default global fetch. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** Opens a tenant's client (tenants.id); default `openTenantClient`, cached until the tenant row changes. */
  clientFor?: (tenant: string) => Promise<HuntingClient>;
}

export interface TenantHuntingRunner extends HuntingRunner {
  /** The quota of a tenant (tenants.id) for the API its next run would use. */
  quota(tenant: string): Promise<import('./quota-ledger.js').HuntingQuota>;
  /** The API the tenant's next run would use. */
  apiFor(tenant: string): Promise<HuntingApi>;
}

/** How long `auto` keeps using Graph after the MDE API answered that it is retired. */
const RETIRED_MEMORY_MS = 24 * 3_600_000;
const RETIRED_PREFIX = 'retired: ';

/** Governor priority per purpose: people waiting first, background stitching last. */
const PRIORITY: Record<HuntingRunInput['purpose'], Priority> = {
  user: 'lookup',
  probe: 'lookup',
  stitch: 'bulk',
};

interface Normalised {
  columns: HuntingColumn[];
  rows: Record<string, unknown>[];
  executionSeconds: number | null;
  cpuSeconds: number | null;
}

/** The runner of the bridge: tenants' clients from the store, the ledger in `hunting_runs`. */
export function tenantHuntingRunner(options: TenantHuntingRunnerOptions): TenantHuntingRunner {
  const { db } = options.store;
  const now = () => options.now?.() ?? new Date();
  // No client-side retries: a quota 429 is reported at once (with its wait) rather than slept on.
  const clientFor = options.clientFor ?? tenantClientCache({ ...options, clientOptions: { maxRetries: 0 } });

  async function apiFor(tenant: string): Promise<HuntingApi> {
    const row = await db
      .selectFrom('tenants')
      .select(['settings'])
      .where('id', '=', tenant)
      .executeTakeFirst();
    if (!row) throw new HuntingError('defender_error', `tenant '${tenant}' does not exist`);
    const setting = settingOf(row.settings);
    if (setting !== 'auto') return setting;
    return (await mdeRetiredRecently(db, tenant, now())) ? 'graph' : 'mde';
  }

  async function record(row: Omit<Database['hunting_runs'], 'id'>): Promise<string> {
    const id = randomUUID();
    await db
      .insertInto('hunting_runs')
      .values({ id, ...row })
      .execute();
    return id;
  }

  async function call(
    input: HuntingRunInput,
    api: HuntingApi,
  ): Promise<{ runId: string; result: Normalised; durationMs: number }> {
    const startedAt = now();
    const t0 = Date.now();
    const base = {
      tenant: input.tenant,
      actor: input.actor,
      purpose: input.purpose,
      query: input.query,
      api,
      started_at: startedAt.toISOString(),
    };
    let result: Normalised;
    try {
      const client = await clientFor(input.tenant);
      const priority = PRIORITY[input.purpose];
      result =
        api === 'mde'
          ? fromMde(await client.runAdvancedQuery(input.query, { priority }))
          : fromGraph(await client.runHuntingQuery(input.query, { priority, timespan: input.timespan }));
    } catch (err) {
      const failure = classify(err, api);
      const runId = await record({
        ...base,
        api_called: failure.reachedDefender ? 1 : 0,
        state: 'failed',
        row_count: null,
        execution_seconds: null,
        cpu_seconds: null,
        error: failure.ledgerError,
        duration_ms: Date.now() - t0,
      });
      failure.error.details.runId = runId;
      throw failure.error;
    }
    const durationMs = Date.now() - t0;
    const runId = await record({
      ...base,
      api_called: 1,
      state: 'succeeded',
      row_count: result.rows.length,
      execution_seconds: result.executionSeconds,
      cpu_seconds: result.cpuSeconds,
      error: null,
      duration_ms: durationMs,
    });
    return { runId, result, durationMs };
  }

  async function run(input: HuntingRunInput): Promise<HuntingRunOutput> {
    const startedAt = now();
    const refuse = async (error: HuntingError, api: HuntingApi | null): Promise<never> => {
      error.details.runId = await record({
        tenant: input.tenant,
        actor: input.actor,
        purpose: input.purpose,
        query: input.query,
        api,
        api_called: 0,
        state: 'refused',
        row_count: null,
        execution_seconds: null,
        cpu_seconds: null,
        error: `${error.code}: ${error.message}`,
        started_at: startedAt.toISOString(),
        duration_ms: 0,
      });
      throw error;
    };
    if (input.query.trim() === '')
      return refuse(new HuntingError('invalid_query', 'The query is empty.'), null);
    if (input.query.length > MAX_QUERY_CHARS)
      return refuse(
        new HuntingError('invalid_query', `The query is longer than ${MAX_QUERY_CHARS} characters.`),
        null,
      );
    const check = checkKql(input.query);
    if (!check.ok) {
      const first = check.diagnostics.find((d) => d.severity === 'error');
      const where = first ? ` (line ${first.line}, column ${first.column})` : '';
      return refuse(
        new HuntingError('invalid_query', `${first?.message ?? 'The query is not valid KQL.'}${where}`, {
          diagnostics: check.diagnostics,
        }),
        null,
      );
    }

    const hash = queryHash(input.query, input.timespan);
    if (input.cacheSeconds && input.cacheSeconds > 0) {
      const hit = await db
        .selectFrom('hunting_cache')
        .select(['result'])
        .where('tenant', '=', input.tenant)
        .where('query_hash', '=', hash)
        .where('expires_at', '>', startedAt.toISOString())
        .executeTakeFirst();
      if (hit) {
        const cached = JSON.parse(hit.result) as Normalised & { api: HuntingApi };
        const runId = await record({
          tenant: input.tenant,
          actor: input.actor,
          purpose: input.purpose,
          query: input.query,
          api: cached.api,
          api_called: 0,
          state: 'succeeded',
          row_count: cached.rows.length,
          execution_seconds: cached.executionSeconds,
          cpu_seconds: null,
          error: null,
          started_at: startedAt.toISOString(),
          duration_ms: 0,
        });
        return output(runId, input.tenant, cached.api, cached, true);
      }
    }

    let api = await apiFor(input.tenant);
    const quota = await readHuntingQuota(db, input.tenant, api, startedAt);
    if (quota.retryAfterSeconds !== null) {
      return refuse(
        new HuntingError(
          'hunting_quota',
          `The hunting quota is spent: ${quota.reason}. Try again in ${quota.retryAfterSeconds} s.`,
          { retryAfterSeconds: quota.retryAfterSeconds },
        ),
        api,
      );
    }

    let answer: Awaited<ReturnType<typeof call>>;
    try {
      answer = await call(input, api);
    } catch (err) {
      const retired = err instanceof HuntingError && err.details.retired === true;
      if (!retired || settingOf(await tenantSettings(db, input.tenant)) !== 'auto') throw err;
      api = 'graph';
      const graphQuota = await readHuntingQuota(db, input.tenant, api, now());
      if (graphQuota.retryAfterSeconds !== null) {
        return refuse(
          new HuntingError(
            'hunting_quota',
            `The hunting quota of Graph runHuntingQuery is spent: ${graphQuota.reason}. Try again in ${graphQuota.retryAfterSeconds} s.`,
            { retryAfterSeconds: graphQuota.retryAfterSeconds },
          ),
          api,
        );
      }
      answer = await call(input, api);
    }
    if (input.cacheSeconds && input.cacheSeconds > 0) {
      const created = now();
      const values = {
        result: JSON.stringify({ ...answer.result, api }),
        created_at: created.toISOString(),
        expires_at: new Date(created.getTime() + input.cacheSeconds * 1000).toISOString(),
      };
      await db
        .insertInto('hunting_cache')
        .values({ tenant: input.tenant, query_hash: hash, ...values })
        .onConflict((oc) => oc.columns(['tenant', 'query_hash']).doUpdateSet(values))
        .execute();
    }
    return output(answer.runId, input.tenant, api, answer.result, false);
  }

  return {
    run,
    apiFor,
    quota: async (tenant) => {
      const { retryAfterSeconds: _, ...quota } = await readHuntingQuota(
        db,
        tenant,
        await apiFor(tenant),
        now(),
      );
      return quota;
    },
  };
}

function output(
  runId: string,
  tenantId: string,
  api: HuntingApi,
  r: Normalised,
  cached: boolean,
): HuntingRunOutput {
  return {
    runId,
    tenantId,
    api,
    columns: r.columns,
    rows: r.rows,
    rowCount: r.rows.length,
    executionSeconds: r.executionSeconds,
    cached,
  };
}

/** sha256 of the query text (and Graph timespan), the cache key. */
export function queryHash(query: string, timespan?: string): string {
  return createHash('sha256')
    .update(timespan ? `${query}\n--timespan:${timespan}` : query)
    .digest('hex');
}

async function tenantSettings(db: Kysely<Database>, tenant: string): Promise<string | null> {
  const row = await db.selectFrom('tenants').select(['settings']).where('id', '=', tenant).executeTakeFirst();
  return row?.settings ?? null;
}

function settingOf(settings: string | null): HuntingApiSetting {
  try {
    const api = (JSON.parse(settings ?? '{}') as { hunting?: { api?: unknown } }).hunting?.api;
    return (HuntingApiSettings as readonly unknown[]).includes(api) ? (api as HuntingApiSetting) : 'auto';
  } catch {
    return 'auto';
  }
}

/** The MDE API answered "retired" within the last day (a failed MDE row with the retired marker). */
async function mdeRetiredRecently(db: Kysely<Database>, tenant: string, now: Date): Promise<boolean> {
  const last = await db
    .selectFrom('hunting_runs')
    .select(['state', 'error'])
    .where('tenant', '=', tenant)
    .where('api', '=', 'mde')
    .where('api_called', '=', 1)
    .where('started_at', '>=', new Date(now.getTime() - RETIRED_MEMORY_MS).toISOString())
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.state === 'failed' && (last.error ?? '').startsWith(RETIRED_PREFIX);
}

/** MDE `{Stats, Schema, Results}` → columns and rows. */
function fromMde(body: Awaited<ReturnType<HuntingClient['runAdvancedQuery']>>): Normalised {
  const stats = body.Stats as
    | { ExecutionTime?: unknown; resource_usage?: { cpu?: Record<string, unknown> } }
    | undefined;
  return {
    columns: (body.Schema ?? []).map((c) => ({ name: String(c.Name), type: String(c.Type) })),
    rows: body.Results ?? [],
    executionSeconds: typeof stats?.ExecutionTime === 'number' ? stats.ExecutionTime : null,
    cpuSeconds: cpuSecondsOf(stats?.resource_usage?.cpu?.['total cpu']),
  };
}

/** Graph `{schema, results}` (lower-case; a doc example shows `Name`/`Type`, accepted too). */
function fromGraph(body: Awaited<ReturnType<HuntingClient['runHuntingQuery']>>): Normalised {
  const raw = body as unknown as { schema?: Record<string, unknown>[]; results?: Record<string, unknown>[] };
  return {
    columns: (raw.schema ?? []).map((c) => ({
      name: String(c.name ?? c.Name),
      type: String(c.type ?? c.Type),
    })),
    rows: raw.results ?? [],
    executionSeconds: null,
    cpuSeconds: null,
  };
}

/** A failed call as a HuntingError, with what the ledger records of it. */
function classify(
  err: unknown,
  api: HuntingApi,
): { error: HuntingError; reachedDefender: boolean; ledgerError: string } {
  const wire =
    err instanceof DefenderApiError
      ? err
      : err instanceof Error && err.cause instanceof DefenderApiError
        ? err.cause
        : null;
  const apiName = api === 'mde' ? 'the MDE advanced hunting API' : 'Graph runHuntingQuery';
  if (err instanceof LicenseFeatureUnavailable || (wire?.status === 403 && wire.code === 'DisabledFeature')) {
    const error = new HuntingError(
      'hunting_unavailable',
      HUNTING_UNLICENSED,
      { defenderCode: 'DisabledFeature', defenderStatus: 403 },
      { cause: err },
    );
    return { error, reachedDefender: true, ledgerError: `${UNLICENSED_PREFIX}${HUNTING_UNLICENSED}` };
  }
  if (err instanceof PermissionMissing) {
    const error = new HuntingError(
      'defender_error',
      err.message,
      { defenderCode: 'Forbidden', defenderStatus: 403 },
      { cause: err },
    );
    return { error, reachedDefender: true, ledgerError: `defender_error: ${err.message}` };
  }
  if (wire) {
    if (api === 'mde' && isRetirement(wire)) {
      const message = `The MDE advanced hunting API answered that it is retired (${wire.status} ${wire.code}): ${wire.message}`;
      const error = new HuntingError(
        'defender_error',
        message,
        { defenderCode: wire.code, defenderStatus: wire.status, retired: true },
        { cause: err },
      );
      return { error, reachedDefender: true, ledgerError: `${RETIRED_PREFIX}${message}` };
    }
    if (wire.status === 429) {
      const retryAfterSeconds = retryAfterOf(wire.message);
      const message = `Defender refused the query for its hunting quota: ${wire.message}`;
      const error = new HuntingError(
        'hunting_quota',
        message,
        { retryAfterSeconds, defenderCode: wire.code, defenderStatus: 429 },
        { cause: err },
      );
      return { error, reachedDefender: true, ledgerError: `hunting_quota: ${message}` };
    }
    const message = `${apiName} answered ${wire.status}${wire.code ? ` ${wire.code}` : ''}: ${wire.message}`;
    const error = new HuntingError(
      'defender_error',
      message,
      { defenderCode: wire.code, defenderStatus: wire.status },
      { cause: err },
    );
    return { error, reachedDefender: true, ledgerError: `defender_error: ${message}` };
  }
  if (err instanceof TenantDisabledError) {
    const error = new HuntingError('hunting_unavailable', err.message, {}, { cause: err });
    return { error, reachedDefender: false, ledgerError: `hunting_unavailable: ${err.message}` };
  }
  if (err instanceof HuntingError)
    return { error: err, reachedDefender: false, ledgerError: `${err.code}: ${err.message}` };
  const message = `${apiName} could not be reached: ${(err as Error)?.message ?? String(err)}`;
  return {
    error: new HuntingError('defender_error', message, {}, { cause: err }),
    reachedDefender: false,
    ledgerError: `defender_error: ${message}`,
  };
}

/** 410 Gone, or a 400/403/404 whose message says retired / deprecated / use Graph (no public sample; spec 7.1). */
function isRetirement(err: DefenderApiError): boolean {
  if (err.status === 410) return true;
  if (![400, 403, 404].includes(err.status)) return false;
  return /retire|deprecat|no longer (available|supported)|runHuntingQuery/i.test(err.message);
}

/** The window of a hunting 429 body ("maximum allowed 45 per 00:01:00") in seconds; 60 when not stated. */
function retryAfterOf(message: string): number {
  const m = /per (\d{2}):(\d{2}):(\d{2})/.exec(message) ?? /again in (\d+) seconds/.exec(message);
  if (!m) return 60;
  return m.length === 4 ? Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) : Number(m[1]);
}
