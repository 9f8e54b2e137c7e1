/**
 * Manual lockdown: a host isolated for a fixed time, then released by the lockdown releaser
 * (lockdown-releaser.ts) — on time, or at once on start when the bridge was down at the end (audited as
 * late). At most one lockdown per device is not over: `active_key` is unique while it lasts.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import type { Database } from '../store/schema.js';
import type { LockdownState, LockdownTable } from '../store/schema-response.js';
import { type Requester, type ResponseDeps, requesterName, requestResponseAction } from './request-action.js';
import { isUniqueViolation, LockdownInputError, LockdownStateError } from './response-errors.js';

export type LockdownRow = Selectable<LockdownTable>;

/** A lockdown as the API answers it (CONTRACT.md `Lockdown`). */
export interface Lockdown {
  id: string;
  tenantId: string;
  machineId: string;
  state: LockdownState;
  comment: string;
  lockedBy: string;
  lockedAt: string;
  endsAt: string;
  releasedAt: string | null;
  releasedBy: string | null;
  releasedLate: boolean;
  /** Until the release is due; null once the lockdown is over or releasing. */
  secondsLeft: number | null;
  isolateRequestId: string | null;
  releaseRequestId: string | null;
}

export const LOCKDOWN_PRESETS = ['1h', '2h', '4h', '8h', '12h', '24h'] as const;
export const MIN_LOCKDOWN_MINUTES = 15;
export const MAX_LOCKDOWN_MINUTES = 72 * 60;
/** A release sent more than this after `ends_at` is late (the releaser ticks every 15 s). */
export const LATE_AFTER_MS = 60_000;

/** '4h', '90m' → minutes; anything else, or outside 15m–72h, is a LockdownInputError naming `duration`. */
export function parseLockdownDuration(text: string): number {
  const m = /^(\d{1,5})(m|h)$/.exec(text.trim());
  const minutes = m ? Number(m[1]) * (m[2] === 'h' ? 60 : 1) : Number.NaN;
  if (!(minutes >= MIN_LOCKDOWN_MINUTES && minutes <= MAX_LOCKDOWN_MINUTES)) {
    throw new LockdownInputError(
      `duration '${text}' is not supported: give ${LOCKDOWN_PRESETS.join(', ')} or a custom duration ` +
        `from ${MIN_LOCKDOWN_MINUTES}m to ${MAX_LOCKDOWN_MINUTES / 60}h (like '90m' or '36h')`,
      'duration',
    );
  }
  return minutes;
}

export function toLockdown(row: LockdownRow, now: Date): Lockdown {
  const open = row.state === 'locking' || row.state === 'active';
  return {
    id: row.id,
    tenantId: row.tenant,
    machineId: row.device_id,
    state: row.state,
    comment: row.comment,
    lockedBy: row.locked_by,
    lockedAt: row.locked_at,
    endsAt: row.ends_at,
    releasedAt: row.released_at,
    releasedBy: row.released_by,
    releasedLate: Number(row.released_late) === 1,
    secondsLeft: open ? Math.max(0, Math.ceil((Date.parse(row.ends_at) - now.getTime()) / 1000)) : null,
    isolateRequestId: row.isolate_request_id,
    releaseRequestId: row.release_request_id,
  };
}

/** The device's newest lockdown, or null when it was never locked. */
export async function getLockdown(
  db: Kysely<Database>,
  tenant: string,
  deviceId: string,
  now: Date = new Date(),
): Promise<Lockdown | null> {
  const row = await newestLockdown(db, tenant, deviceId);
  return row ? toLockdown(row, now) : null;
}

async function newestLockdown(db: Kysely<Database>, tenant: string, deviceId: string) {
  return db
    .selectFrom('lockdowns')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('device_id', '=', deviceId)
    .orderBy('locked_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export interface LockInput {
  tenant: string;
  deviceId: string;
  /** '4h', '90m' … (parseLockdownDuration) */
  duration: string;
  comment: string;
  lockedBy: Requester;
  isolationType?: 'Full' | 'Selective';
  /** Carried out on approval (see ActionRequest.approval). */
  approval?: { id: string; requestedBy: string };
}

/**
 * Locks a host: records the lockdown (refused when one is not over) and isolates it. When the isolate is
 * refused (not supported, a release in flight, Defender said no) the lockdown is marked failed and the
 * error rethrown.
 */
export async function lockHost(deps: ResponseDeps, input: LockInput): Promise<Lockdown> {
  const minutes = parseLockdownDuration(input.duration);
  const comment = input.comment.trim();
  if (comment === '') throw new LockdownInputError('a comment is required', 'comment');
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const id = randomUUID();
  try {
    await db
      .insertInto('lockdowns')
      .values({
        id,
        tenant: input.tenant,
        device_id: input.deviceId,
        state: 'locking',
        active_key: `${input.tenant}|${input.deviceId}`,
        comment,
        locked_by: requesterName(input.lockedBy.actor, input.approval),
        locked_at: now.toISOString(),
        ends_at: new Date(now.getTime() + minutes * 60_000).toISOString(),
        released_at: null,
        released_by: null,
        released_late: 0,
        isolate_request_id: null,
        release_request_id: null,
      })
      .execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const current = await newestLockdown(db, input.tenant, input.deviceId);
    throw new LockdownStateError(
      `host is already locked${current ? ` until ${current.ends_at} (by ${current.locked_by})` : ''}; unlock it first`,
      'already_locked',
    );
  }
  try {
    const { request } = await requestResponseAction(deps, {
      tenant: input.tenant,
      deviceId: input.deviceId,
      type: 'isolate',
      comment,
      isolationType: input.isolationType,
      requestedBy: input.lockedBy,
      lockdownId: id,
      approval: input.approval,
    });
    const state: LockdownState =
      request.state === 'succeeded'
        ? 'active'
        : request.state === 'pending' || request.state === 'sending'
          ? 'locking'
          : 'failed';
    await db
      .updateTable('lockdowns')
      .set({ isolate_request_id: request.id, state, ...(state === 'failed' ? { active_key: null } : {}) })
      .where('id', '=', id)
      .execute();
  } catch (err) {
    await db
      .updateTable('lockdowns')
      .set({ state: 'failed', active_key: null })
      .where('id', '=', id)
      .execute();
    throw err;
  }
  await appendAudit(
    db,
    {
      ...input.lockedBy,
      action: 'lockdown.locked',
      target: `${input.tenant}/${input.deviceId}`,
      detail: {
        lockdownId: id,
        duration: input.duration,
        minutes,
        comment,
        ...(input.approval ? { approvalId: input.approval.id, onBehalfOf: input.approval.requestedBy } : {}),
      },
    },
    now,
  );
  const row = await db.selectFrom('lockdowns').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return toLockdown(row, now);
}

/** Unlocks a host early: releases it from isolation. */
export async function unlockHost(
  deps: ResponseDeps,
  input: { tenant: string; deviceId: string; comment?: string; unlockedBy: Requester },
): Promise<Lockdown> {
  const { db } = deps.store;
  const row = await newestLockdown(db, input.tenant, input.deviceId);
  if (!row) throw new LockdownStateError('this host has never been locked', 'never_locked');
  if (
    row.state !== 'locking' &&
    row.state !== 'active' &&
    !(row.state === 'releasing' && !row.release_request_id)
  ) {
    throw new LockdownStateError(`this host's lockdown is ${row.state}, not active`, 'not_locked');
  }
  return releaseLockdown(deps, row, input.unlockedBy, input.comment?.trim() || 'lockdown ended early', false);
}

/**
 * Sends the release of a lockdown and records it as releasing. `late` when the release is sent after its
 * time. Throws what requestResponseAction throws (the releaser retries on its next tick).
 */
export async function releaseLockdown(
  deps: ResponseDeps,
  row: LockdownRow,
  by: Requester,
  comment: string,
  late: boolean,
): Promise<Lockdown> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const target = `${row.tenant}/${row.device_id}`;
  try {
    const { request } = await requestResponseAction(deps, {
      tenant: row.tenant,
      deviceId: row.device_id,
      type: 'release',
      comment,
      requestedBy: by,
      lockdownId: row.id,
    });
    await db
      .updateTable('lockdowns')
      .set({
        state: request.state === 'succeeded' ? 'released' : 'releasing',
        ...(request.state === 'succeeded' ? { active_key: null } : {}),
        release_request_id: request.id,
        released_at: now.toISOString(),
        released_by: by.actor,
        released_late: late ? 1 : 0,
      })
      .where('id', '=', row.id)
      .execute();
    await appendAudit(
      db,
      {
        ...by,
        action: 'lockdown.released',
        target,
        detail: {
          lockdownId: row.id,
          endsAt: row.ends_at,
          late,
          ...(late ? { lateBySeconds: Math.round((now.getTime() - Date.parse(row.ends_at)) / 1000) } : {}),
          releaseRequestId: request.id,
          defenderActionId: request.defenderActionId,
          comment,
        },
      },
      now,
    );
  } catch (err) {
    await appendAudit(
      db,
      {
        ...by,
        action: 'lockdown.released',
        target,
        outcome: 'failure',
        detail: { lockdownId: row.id, late, error: err instanceof Error ? err.message : String(err) },
      },
      now,
    );
    throw err;
  }
  const updated = await db
    .selectFrom('lockdowns')
    .selectAll()
    .where('id', '=', row.id)
    .executeTakeFirstOrThrow();
  return toLockdown(updated, now);
}
