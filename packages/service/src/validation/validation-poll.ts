/**
 * One poll of one validation: ask Defender for the alerts created since the activity start
 * (`GET /api/alerts?$filter=alertCreationTime ge …` — the list's filterable properties do not include the
 * machine or its name, spec 3.4, so the host is matched here by machine ID and every name it goes by), keep
 * those of the host whose first activity or creation lies in [start, end + grace], and decide:
 *
 * - alerts found and the activity has ended → `detected` (final);
 * - alerts found while the activity is still going on → still `polling` (more may come), `detected: true`;
 * - no alert and the grace period has ended → `missed` (final);
 * - otherwise the next poll is due in 30 s (never later than end + grace, so the last look is at that moment).
 *
 * A Defender error leaves the validation polling with the error shown; after `GIVE_UP_AFTER_MS` past the
 * grace period without a successful poll it is `failed`. Each poll first claims the row (moves
 * `next_poll_at` on only if nobody else did), so a bridge and a CLI never poll one validation twice at once.
 */
import type { Alert, DefenderClient } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Store } from '../store/store.js';
import { tenantClientCache } from '../tenants/tenant-client-cache.js';
import { buildReport } from './validation-report.js';
import { pollUntilOf, type ValidationRow } from './validations.js';

export const POLL_INTERVAL_MS = 30_000;
/** A validation whose polls keep failing is given up this long after its grace period. */
export const GIVE_UP_AFTER_MS = 60 * 60_000;

/** What validation needs of a tenant's Defender client. */
export type ValidationClient = Pick<DefenderClient, 'listAlerts'>;
/** Opens the client of a tenant (tenants.id). */
export type ValidationClientFactory = (tenant: string) => Promise<ValidationClient>;

export interface ValidationPollDeps {
  store: Store;
  clientFor: ValidationClientFactory;
  now?: () => Date;
  intervalMs?: number;
}

/** `openTenantClient` per tenant, cached until the tenant row changes; one governor per tenant. */
export function tenantValidationClients(options: {
  store: Store;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
}): ValidationClientFactory {
  return tenantClientCache(options);
}

/** Validations due for a poll at `now`, earliest first. */
export async function dueValidations(db: Kysely<Database>, now: Date, limit = 100): Promise<ValidationRow[]> {
  return db
    .selectFrom('validations')
    .selectAll()
    .where('state', '=', 'polling')
    .where('next_poll_at', '<=', now.toISOString())
    .orderBy('next_poll_at')
    .limit(limit)
    .execute();
}

/** Machine IDs of the validation's device: its record and every record of the same DNS name in the tenant. */
async function machineIdsOf(db: Kysely<Database>, row: ValidationRow): Promise<string[]> {
  if (!row.device_id) return [];
  const records = await db
    .selectFrom('devices as d')
    .innerJoin('devices as same', (j) =>
      j.onRef('same.tenant', '=', 'd.tenant').onRef('same.dns_name', '=', 'd.dns_name'),
    )
    .select('same.id')
    .where('d.tenant', '=', row.tenant)
    .where('d.id', '=', row.device_id)
    .execute();
  return [...new Set([row.device_id, ...records.map((r) => r.id)])];
}

/**
 * Polls one validation if it is still due (claiming it first). Returns the row as it is afterwards, or null
 * when it was not due any more (finished, or claimed by another poller).
 */
export async function pollValidation(deps: ValidationPollDeps, id: string): Promise<ValidationRow | null> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const interval = deps.intervalMs ?? POLL_INTERVAL_MS;
  const row = await db.selectFrom('validations').selectAll().where('id', '=', id).executeTakeFirst();
  if (row?.state !== 'polling' || row.next_poll_at === null || row.next_poll_at > now.toISOString())
    return null;
  const pollUntil = pollUntilOf(row);
  // The last look is at end + grace exactly; after it (a poll that failed) every interval.
  const later = now.getTime() + interval;
  const next = new Date(now < pollUntil ? Math.min(later, pollUntil.getTime()) : later);
  const claimed = await db
    .updateTable('validations')
    .set({ next_poll_at: next.toISOString() })
    .where('id', '=', id)
    .where('state', '=', 'polling')
    .where('next_poll_at', '=', row.next_poll_at)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return null;

  const start = new Date(row.activity_start);
  let alerts: Alert[];
  try {
    const client = await deps.clientFor(row.tenant);
    alerts = [];
    for await (const alert of client.listAlerts({ filter: `alertCreationTime ge ${start.toISOString()}` }))
      alerts.push(alert);
  } catch (err) {
    const failed = now.getTime() > pollUntil.getTime() + GIVE_UP_AFTER_MS;
    const update = {
      polls: Number(row.polls) + 1,
      error: `Defender did not answer the alert list: ${(err as Error).message}`.slice(0, 1000),
      ...(failed ? { state: 'failed', next_poll_at: null, finished_at: now.toISOString() } : {}),
    };
    await db.updateTable('validations').set(update).where('id', '=', id).execute();
    return { ...row, ...update, next_poll_at: failed ? null : next.toISOString() };
  }

  const report = buildReport(alerts, {
    machineIds: await machineIdsOf(db, row),
    hostNames: JSON.parse(row.host_names) as string[],
    start,
    pollUntil,
    expectedTechniques: JSON.parse(row.expected_techniques) as string[],
  });
  const ended = now.getTime() >= Date.parse(row.activity_end);
  const graceOver = now.getTime() >= pollUntil.getTime();
  const state =
    report.alerts.length > 0 ? (ended ? 'detected' : 'polling') : graceOver ? 'missed' : 'polling';
  const done = state !== 'polling';
  const update = {
    state,
    report: JSON.stringify(report),
    polls: Number(row.polls) + 1,
    error: null,
    next_poll_at: done ? null : next.toISOString(),
    finished_at: done ? now.toISOString() : null,
  };
  await db.updateTable('validations').set(update).where('id', '=', id).execute();
  return { ...row, ...update };
}
