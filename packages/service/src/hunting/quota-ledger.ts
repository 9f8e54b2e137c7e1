/**
 * The hunting quota as the bridge counts it: every call Defender saw is a `hunting_runs` row with
 * `api_called` = 1, so calls in the last minute / hour and the CPU time Defender reported (MDE `Stats`) in the
 * last hour / day are sums over that ledger. Limits are the MDE API's (spec 7.1): 45 calls a minute, 1,500 an
 * hour, 10 CPU-minutes an hour, 3 CPU-hours a day. Counted per API (Defender counts per API too).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export const HUNTING_LIMITS = {
  callsPerMinute: 45,
  callsPerHour: 1500,
  cpuSecondsPerHour: 600,
  cpuSecondsPerDay: 10_800,
} as const;

export type HuntingApi = 'mde' | 'graph';

/** CONTRACT.md `HuntingQuota`. */
export interface HuntingQuota {
  tenantId: string;
  api: HuntingApi;
  available: boolean;
  reason: string | null;
  calls: { minute: { used: number; limit: number }; hour: { used: number; limit: number } };
  cpuSeconds: { hour: { used: number; limit: number }; day: { used: number; limit: number } };
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `error` prefix of a run Defender refused for the licence; the quota then says hunting is unavailable. */
export const UNLICENSED_PREFIX = 'hunting_unavailable: ';

/** The quota of one tenant and API at `now`, with how long to wait when it is spent. */
export async function readHuntingQuota(
  db: Kysely<Database>,
  tenant: string,
  api: HuntingApi,
  now: Date,
): Promise<HuntingQuota & { retryAfterSeconds: number | null }> {
  const nowMs = now.getTime();
  const since = new Date(nowMs - DAY_MS).toISOString();
  const rows = await db
    .selectFrom('hunting_runs')
    .select(['started_at', 'cpu_seconds', 'state', 'error'])
    .where('tenant', '=', tenant)
    .where('api', '=', api)
    .where('api_called', '=', 1)
    .where('started_at', '>=', since)
    .orderBy('started_at', 'asc')
    .execute();
  const at = rows.map((r) => ({ ms: Date.parse(r.started_at), cpu: Number(r.cpu_seconds ?? 0) }));
  const inMinute = at.filter((r) => r.ms > nowMs - MINUTE_MS);
  const inHour = at.filter((r) => r.ms > nowMs - HOUR_MS);
  const cpuHour = inHour.reduce((s, r) => s + r.cpu, 0);
  const cpuDay = at.reduce((s, r) => s + r.cpu, 0);
  const L = HUNTING_LIMITS;
  /** Seconds until the oldest entry of a window leaves it. */
  const wait = (oldestMs: number, windowMs: number) =>
    Math.max(1, Math.ceil((oldestMs + windowMs - nowMs) / 1000));
  let reason: string | null = null;
  let retryAfterSeconds: number | null = null;
  const last = rows.at(-1);
  if (last?.state === 'failed' && last.error?.startsWith(UNLICENSED_PREFIX)) {
    reason = last.error.slice(UNLICENSED_PREFIX.length);
  } else if (inMinute.length >= L.callsPerMinute) {
    reason = `${inMinute.length} hunting calls in the last minute (limit ${L.callsPerMinute})`;
    retryAfterSeconds = wait(inMinute[inMinute.length - L.callsPerMinute].ms, MINUTE_MS);
  } else if (inHour.length >= L.callsPerHour) {
    reason = `${inHour.length} hunting calls in the last hour (limit ${L.callsPerHour})`;
    retryAfterSeconds = wait(inHour[inHour.length - L.callsPerHour].ms, HOUR_MS);
  } else if (cpuHour >= L.cpuSecondsPerHour) {
    reason = `${Math.round(cpuHour)} CPU seconds used in the last hour (limit ${L.cpuSecondsPerHour})`;
    retryAfterSeconds = wait(inHour.find((r) => r.cpu > 0)?.ms ?? nowMs, HOUR_MS);
  } else if (cpuDay >= L.cpuSecondsPerDay) {
    reason = `${Math.round(cpuDay)} CPU seconds used in the last day (limit ${L.cpuSecondsPerDay})`;
    retryAfterSeconds = wait(at.find((r) => r.cpu > 0)?.ms ?? nowMs, DAY_MS);
  }
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    tenantId: tenant,
    api,
    available: reason === null,
    reason,
    calls: {
      minute: { used: inMinute.length, limit: L.callsPerMinute },
      hour: { used: inHour.length, limit: L.callsPerHour },
    },
    cpuSeconds: {
      hour: { used: round(cpuHour), limit: L.cpuSecondsPerHour },
      day: { used: round(cpuDay), limit: L.cpuSecondsPerDay },
    },
    retryAfterSeconds,
  };
}

/** Seconds of a Kusto CPU time string: `hh:mm:ss`, `hh:mm:ss.fffffff` or `d.hh:mm:ss(.f)`; null when unreadable. */
export function cpuSecondsOf(text: unknown): number | null {
  if (typeof text !== 'string') return null;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1] ?? 0) * 86_400 + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}
