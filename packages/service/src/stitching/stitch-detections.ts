/**
 * Stitching (issue 8, C12): for stored detections matched to a device, find the process that made the
 * connection and its parent chain in the tenant's hunting tables, and store it as the detection's root cause.
 *
 * Detections are handled in batches to stay inside the hunting quota: per tenant, one DeviceNetworkEvents
 * query covers every device and remote address of the batch over the union of their windows (±5 min), one
 * more widens the window (±60 min) for the detections that found nothing, and the parent chain is walked
 * with one DeviceProcessEvents query per round for the whole batch (each round adds two levels: a process
 * row names its parent in full and its grandparent by ID). Results are cached by the runner (`cacheSeconds`).
 */
import type { Selectable } from 'kysely';
import { HuntingError } from '../hunting/hunting-errors.js';
import type { HuntingRunner } from '../hunting/hunting-runner.js';
import type { DetectionTable } from '../store/schema-detections.js';
import type { Store } from '../store/store.js';
import {
  type Candidate,
  confidenceOf,
  connectionOf,
  createdProcess,
  hostOf,
  initiatingProcess,
  MAX_CANDIDATES,
  MAX_EVIDENCE,
  type Process,
  parentStub,
  type RootCause,
  type Row,
  rankCandidates,
  type StitchTarget,
  sameProcess,
  timeMs,
} from './root-cause.js';
import { networkQuery, processQuery } from './stitch-queries.js';

type DetectionRow = Selectable<DetectionTable>;

export interface StitchOptions {
  /** The window each way around the detection's time (default 5 min). */
  windowMinutes?: number;
  /** The window once more for detections that found nothing (default 60 min; 0: never widen). */
  widenedMinutes?: number;
  /** Parent levels walked (default 4). */
  maxParents?: number;
  /** The runner's cache for the stitcher's queries (default 300 s). */
  cacheSeconds?: number;
  /** Failures (other than an exhausted quota) before a detection is left `failed` (default 3). */
  maxAttempts?: number;
}

export interface StitchDeps extends StitchOptions {
  store: Store;
  runner: HuntingRunner;
  now?: () => Date;
}

export type StitchState = 'waiting' | 'running' | 'stitched' | 'not_found' | 'failed' | 'skipped';

export interface StitchOutcome {
  detectionId: string;
  state: StitchState;
  error: string | null;
  rootCause: RootCause | null;
}

export interface StitchReport {
  outcomes: StitchOutcome[];
  /** Hunting queries sent to Defender (cache hits not counted). */
  huntingCalls: number;
  /** Queries answered from the runner's cache. */
  cachedCalls: number;
}

const MINUTE = 60_000;
/** Process rows are looked for this far around the creation time a child row names. */
const CREATION_SLACK_MS = 10_000;

/** Why a detection cannot be stitched, or null when it can. */
export function unstitchableReason(row: DetectionRow): string | null {
  if (!row.tenant || !row.device_id) return 'the detection matched no Defender device';
  if (!row.remote_ip && !row.domain && !hostOf(row.url))
    return 'the detection names no remote IP, domain or URL';
  return null;
}

export function targetOf(row: DetectionRow): StitchTarget {
  return {
    detectionId: row.id,
    tenant: row.tenant ?? '',
    deviceId: row.device_id ?? '',
    atMs: Date.parse(row.detected_at),
    remoteIp: row.remote_ip,
    remotePort: row.remote_port === null ? null : Number(row.remote_port),
    domain: row.domain ? (hostOf(row.domain) ?? row.domain.toLowerCase()) : hostOf(row.url),
  };
}

/**
 * Stitches these detections now (whatever their state) and stores each result: `stitched` with the root
 * cause, `not_found` with the reason, `skipped` when there is nothing to look for, `failed` with the error
 * (or back to `waiting` when the hunting quota is spent, to be tried again).
 */
export async function stitchDetections(deps: StitchDeps, ids: readonly string[]): Promise<StitchReport> {
  const report: StitchReport = { outcomes: [], huntingCalls: 0, cachedCalls: 0 };
  if (ids.length === 0) return report;
  const rows = await deps.store.db
    .selectFrom('detections')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  const byTenant = new Map<string, StitchTarget[]>();
  const attempts = new Map<string, number>();
  for (const row of rows) {
    attempts.set(row.id, Number(row.stitch_attempts));
    const reason = unstitchableReason(row);
    if (reason) {
      report.outcomes.push({ detectionId: row.id, state: 'skipped', error: reason, rootCause: null });
      continue;
    }
    const target = targetOf(row);
    const list = byTenant.get(target.tenant);
    if (list) list.push(target);
    else byTenant.set(target.tenant, [target]);
  }
  const running = [...byTenant.values()].flat().map((t) => t.detectionId);
  if (running.length > 0)
    await deps.store.db
      .updateTable('detections')
      .set({ stitch_state: 'running' })
      .where('id', 'in', running)
      .execute();
  for (const [tenant, targets] of byTenant) {
    try {
      report.outcomes.push(...(await stitchTenant(deps, tenant, targets, report)));
    } catch (error) {
      const quota = error instanceof HuntingError && error.code === 'hunting_quota';
      const message = errorText(error);
      for (const t of targets) {
        const tries = (attempts.get(t.detectionId) ?? 0) + 1;
        const retry = quota || (!(error instanceof HuntingError) && tries < (deps.maxAttempts ?? 3));
        report.outcomes.push({
          detectionId: t.detectionId,
          state: retry ? 'waiting' : 'failed',
          error: message,
          rootCause: null,
        });
      }
    }
  }
  await store(deps, report.outcomes, attempts);
  return report;
}

function errorText(error: unknown): string {
  if (error instanceof HuntingError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function store(deps: StitchDeps, outcomes: readonly StitchOutcome[], attempts: Map<string, number>) {
  const now = (deps.now?.() ?? new Date()).toISOString();
  for (const o of outcomes) {
    await deps.store.db
      .updateTable('detections')
      .set({
        stitch_state: o.state,
        root_cause: o.rootCause ? JSON.stringify(o.rootCause) : null,
        stitch_error: o.error,
        stitched_at: o.state === 'waiting' ? null : now,
        stitch_attempts: (attempts.get(o.detectionId) ?? 0) + 1,
      })
      .where('id', '=', o.detectionId)
      .execute();
  }
}

/** One tenant's part of a batch: network query (+ one widened), then the parent-chain rounds. */
async function stitchTenant(
  deps: StitchDeps,
  tenant: string,
  targets: readonly StitchTarget[],
  report: StitchReport,
): Promise<StitchOutcome[]> {
  const run = async (query: string): Promise<Row[]> => {
    const out = await deps.runner.run({
      tenant,
      query,
      actor: 'system',
      purpose: 'stitch',
      cacheSeconds: deps.cacheSeconds ?? 300,
    });
    if (out.cached) report.cachedCalls++;
    else report.huntingCalls++;
    return out.rows;
  };
  const picked = new Map<string, { ranked: Candidate[]; query: string }>();
  const windows = [deps.windowMinutes ?? 5, deps.widenedMinutes ?? 60].filter((m, i) => i === 0 || m > 0);
  let left = [...targets];
  for (const minutes of windows) {
    if (left.length === 0) break;
    const windowMs = minutes * MINUTE;
    const query = networkQuery({
      fromMs: Math.min(...left.map((t) => t.atMs)) - windowMs,
      toMs: Math.max(...left.map((t) => t.atMs)) + windowMs,
      deviceIds: left.map((t) => t.deviceId),
      remoteIps: left.flatMap((t) => (t.remoteIp ? [t.remoteIp] : [])),
      domains: left.flatMap((t) => (t.domain ? [t.domain] : [])),
    });
    const rows = await run(query);
    const still: StitchTarget[] = [];
    for (const t of left) {
      const ranked = rankCandidates(t, rows, windowMs);
      if (ranked.length > 0) picked.set(t.detectionId, { ranked, query });
      else still.push(t);
    }
    left = still;
  }

  const chains = await walkParents(deps, targets, picked, run);
  return targets.map((t): StitchOutcome => {
    const hit = picked.get(t.detectionId);
    if (!hit) {
      const minutes = windows[windows.length - 1];
      return {
        detectionId: t.detectionId,
        state: 'not_found',
        error: `no connection of the device to ${describeRemote(t)} within ±${minutes} min of the detection in DeviceNetworkEvents`,
        rootCause: null,
      };
    }
    const best = hit.ranked[0];
    const chain = chains.get(t.detectionId) ?? { parents: [], rows: [] };
    const { confidence, level } = confidenceOf(hit.ranked);
    const rootCause: RootCause = {
      process: best.process,
      parents: chain.parents,
      confidence,
      confidenceLevel: level,
      query: hit.query,
      connection: connectionOf(best.row),
      candidates: hit.ranked.slice(1, 1 + MAX_CANDIDATES).map((c) => ({
        process: c.process,
        timestamp: String(c.row.Timestamp),
        score: c.score,
      })),
      evidence: [best.row, ...chain.rows, ...hit.ranked.slice(1).map((c) => c.row)].slice(0, MAX_EVIDENCE),
    };
    return { detectionId: t.detectionId, state: 'stitched', error: null, rootCause };
  });
}

function describeRemote(t: StitchTarget): string {
  const parts = [
    t.remoteIp ? `${t.remoteIp}${t.remotePort !== null ? `:${t.remotePort}` : ''}` : null,
    t.domain,
  ].filter((x): x is string => x !== null);
  return parts.join(' / ');
}

interface Chain {
  deviceId: string;
  parents: Process[];
  rows: Row[];
  /** The next process to look up (its ID and creation time known, the rest not). */
  pending: Process | null;
}

/**
 * The parent chains of the picked processes, walked for the whole batch at once: each round asks for the
 * creation rows of every pending parent, matched by device, process ID and creation time.
 */
async function walkParents(
  deps: StitchDeps,
  targets: readonly StitchTarget[],
  picked: Map<string, { ranked: Candidate[] }>,
  run: (query: string) => Promise<Row[]>,
): Promise<Map<string, { parents: Process[]; rows: Row[] }>> {
  const maxParents = deps.maxParents ?? 4;
  const chains = new Map<string, Chain>();
  for (const t of targets) {
    const hit = picked.get(t.detectionId);
    if (!hit) continue;
    const row = hit.ranked[0].row;
    chains.set(t.detectionId, { deviceId: t.deviceId, parents: [], rows: [], pending: parentStub(row) });
  }
  const lookable = (c: Chain) =>
    c.pending !== null && c.parents.length < maxParents && timeMs(c.pending.creationTime) !== null;
  for (let round = 0; round < maxParents; round++) {
    const open = [...chains.values()].filter(lookable);
    if (open.length === 0) break;
    const times = open.map((c) => timeMs(c.pending?.creationTime) ?? 0);
    const rows = await run(
      processQuery({
        fromMs: Math.min(...times) - CREATION_SLACK_MS,
        toMs: Math.max(...times) + CREATION_SLACK_MS,
        deviceIds: open.map((c) => c.deviceId),
        processIds: open.map((c) => c.pending?.processId ?? 0),
      }),
    );
    for (const c of open) {
      const stub = c.pending as Process;
      const row = rows.find((r) => {
        if (r.DeviceId !== c.deviceId) return false;
        const p = createdProcess(r);
        return p !== null && sameProcess(stub, p);
      });
      if (!row) {
        c.parents.push(stub);
        c.pending = null;
        continue;
      }
      c.rows.push(row);
      c.parents.push(createdProcess(row) as Process);
      const grand = initiatingProcess(row);
      if (grand && c.parents.length < maxParents) {
        c.parents.push(grand);
        c.pending = parentStub(row);
      } else {
        c.pending = null;
      }
    }
  }
  for (const c of chains.values()) {
    if (c.pending && c.parents.length < maxParents) c.parents.push(c.pending);
  }
  return new Map([...chains].map(([id, c]) => [id, { parents: c.parents, rows: c.rows }]));
}
