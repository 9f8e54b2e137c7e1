/**
 * Approvals (issue 7): a disruptive action (isolate, restrict, collect, lockdown) on a device whose group
 * has an approval rule, or asked by a policy with `requireApproval`, waits for a second person holding the
 * action's permission. CONTRACT.md "Detections, automatic lockdown policies, approvals".
 * The policy engine (detections/) calls `approvalNeeded` and `createApproval`; the API and the CLI gate
 * POST /hosts/:id/actions and /lockdown with them. Approving carries the action out as the approver acting
 * for the requester; a pending approval expires after 24 h (response-maintenance.ts).
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { allOf, type DeviceGroups, inDeviceScope } from '../hosts/device-scope.js';
import type { ResponseAction } from '../profiles/supported-actions.js';
import type { Database } from '../store/schema.js';
import type { ApprovalRuleTable, ApprovalTable } from '../store/schema-detections.js';
import { lockHost } from './lockdown.js';
import { type Requester, type ResponseDeps, requestResponseAction } from './request-action.js';
import {
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  isUniqueViolation,
  SelfApprovalError,
} from './response-errors.js';

/** An approval as the API answers it (CONTRACT.md `Approval`). */
export interface Approval {
  id: string;
  tenantId: string;
  machineId: string;
  hostName: string | null;
  kind: 'action' | 'lockdown';
  actionType: ResponseAction;
  comment: string;
  duration: string | null;
  isolationType: string | null;
  scanType: string | null;
  state: 'pending' | 'approved' | 'rejected' | 'expired' | 'failed';
  reason: string;
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  decisionComment: string | null;
  resultRequestId: string | null;
  resultLockdownId: string | null;
  error: string | null;
  policyId: string | null;
  detectionId: string | null;
}

export interface NewApproval {
  tenant: string;
  deviceId: string;
  kind: 'action' | 'lockdown';
  actionType: ResponseAction;
  payload: {
    comment: string;
    isolationType?: 'Full' | 'Selective';
    scanType?: 'Quick' | 'Full';
    /** kind 'lockdown' */
    duration?: string;
  };
  /** Why it needs approval: `policy 'X'` or `device group 'Y'`. */
  reason: string;
  requestedBy: Requester;
  policyId?: string;
  detectionId?: string;
}

/** A pending approval lasts this long, then expires. */
export const APPROVAL_TTL_MS = 24 * 3600_000;
/** Only these actions (and lockdowns) can wait for approval: the others restore or are harmless. */
export const APPROVABLE_ACTIONS: readonly ResponseAction[] = ['isolate', 'restrict', 'collect'];
/**
 * An approval claimed by an approver but not finished after this long was cut short by a crash: it is
 * marked failed (the host's response requests show whether the action went out).
 */
export const STUCK_CLAIM_MS = 5 * 60_000;

type ApprovalRow = Selectable<ApprovalTable>;
type ApprovalPayload = NewApproval['payload'];

/**
 * Why this action on this device needs an approval (`device group 'Y'`), or null. Only isolate, restrict,
 * collect and lockdowns can need one.
 */
export async function approvalNeeded(
  deps: Pick<ResponseDeps, 'store'>,
  input: { tenant: string; deviceId: string; kind: 'action' | 'lockdown'; actionType: ResponseAction },
): Promise<string | null> {
  if (input.kind === 'action' && !APPROVABLE_ACTIONS.includes(input.actionType)) return null;
  const device = await deps.store.db
    .selectFrom('devices')
    .select('rbac_group_name')
    .where('tenant', '=', input.tenant)
    .where('id', '=', input.deviceId)
    .executeTakeFirst();
  const group = device?.rbac_group_name;
  if (!group) return null;
  const rule = await deps.store.db
    .selectFrom('approval_rules')
    .select('device_group')
    .where('tenant', '=', input.tenant)
    .where(sql<boolean>`lower(device_group) = ${group.toLowerCase()}`)
    .executeTakeFirst();
  return rule ? `device group '${rule.device_group}'` : null;
}

/**
 * Records a pending approval (audited); sends nothing to Defender. The same action on the same device already
 * waiting answers that approval instead of a second one.
 */
export async function createApproval(deps: ResponseDeps, input: NewApproval): Promise<Approval> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  if (input.kind === 'action' && !APPROVABLE_ACTIONS.includes(input.actionType)) {
    throw new Error(`${input.actionType} never needs an approval`);
  }
  const waiting = await db
    .selectFrom('approvals')
    .select('id')
    .where('tenant', '=', input.tenant)
    .where('device_id', '=', input.deviceId)
    .where('state', '=', 'pending')
    .where('kind', '=', input.kind)
    .where('action_type', '=', input.actionType)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  if (waiting) return (await getApproval(db, waiting.id)) as Approval;
  const id = randomUUID();
  const payload: ApprovalPayload = {
    comment: input.payload.comment,
    ...(input.payload.isolationType ? { isolationType: input.payload.isolationType } : {}),
    ...(input.payload.scanType ? { scanType: input.payload.scanType } : {}),
    ...(input.payload.duration ? { duration: input.payload.duration } : {}),
  };
  await db
    .insertInto('approvals')
    .values({
      id,
      tenant: input.tenant,
      device_id: input.deviceId,
      kind: input.kind,
      action_type: input.actionType,
      payload: JSON.stringify(payload),
      state: 'pending',
      reason: input.reason,
      requested_by: input.requestedBy.actor,
      requested_by_kind: input.requestedBy.actorKind,
      requested_at: now.toISOString(),
      expires_at: new Date(now.getTime() + APPROVAL_TTL_MS).toISOString(),
      decided_by: null,
      decided_at: null,
      decision_comment: null,
      result_request_id: null,
      result_lockdown_id: null,
      error: null,
      policy_id: input.policyId ?? null,
      detection_id: input.detectionId ?? null,
    })
    .execute();
  await appendAudit(
    db,
    {
      ...input.requestedBy,
      action: 'approval.requested',
      target: `${input.tenant}/${input.deviceId}`,
      detail: { approvalId: id, kind: input.kind, type: input.actionType, reason: input.reason, ...payload },
    },
    now,
  );
  return (await getApproval(db, id)) as Approval;
}

/** Who decides: the audit identity, and the device groups they are limited to. */
export interface Decider {
  by: Requester;
  groups?: DeviceGroups;
  comment?: string;
}

/**
 * Approves and carries the action out as the approver acting for the requester. The requester cannot approve
 * their own (SelfApprovalError); a decided or expired approval is ApprovalNotPendingError. When carrying it
 * out fails the approval ends `failed` with the error, and the action's error is rethrown.
 */
export async function approve(deps: ResponseDeps, id: string, decider: Decider): Promise<Approval> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const row = await pendingRow(deps, id, decider.groups);
  if (row.requested_by === decider.by.actor && row.requested_by_kind === decider.by.actorKind) {
    await audit(db, decider.by, row, 'approval.refused', 'denied', { reason: 'self_approval' }, now);
    throw new SelfApprovalError('you requested this action: a second person must approve it');
  }
  // The claim: one approver carries it out, however many press the button at once.
  const claimed = await db
    .updateTable('approvals')
    .set({
      decided_by: decider.by.actor,
      decided_at: now.toISOString(),
      decision_comment: decider.comment ?? null,
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .where('decided_by', 'is', null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) === 0) {
    throw new ApprovalNotPendingError('this approval is already being decided by someone else', 'pending');
  }
  const payload = JSON.parse(row.payload) as ApprovalPayload;
  const onBehalf = { id: row.id, requestedBy: row.requested_by };
  try {
    let result: { request?: string; lockdown?: string };
    if (row.kind === 'lockdown') {
      const lockdown = await lockHost(deps, {
        tenant: row.tenant,
        deviceId: row.device_id,
        duration: payload.duration ?? '1h',
        comment: payload.comment,
        isolationType: payload.isolationType,
        lockedBy: decider.by,
        approval: onBehalf,
      });
      result = { lockdown: lockdown.id, request: lockdown.isolateRequestId ?? undefined };
    } else {
      const { request } = await requestResponseAction(deps, {
        tenant: row.tenant,
        deviceId: row.device_id,
        type: row.action_type as ResponseAction,
        comment: payload.comment,
        isolationType: payload.isolationType,
        scanType: payload.scanType,
        requestedBy: decider.by,
        approval: onBehalf,
      });
      result = { request: request.id };
    }
    await db
      .updateTable('approvals')
      .set({
        state: 'approved',
        result_request_id: result.request ?? null,
        result_lockdown_id: result.lockdown ?? null,
      })
      .where('id', '=', id)
      .execute();
    await audit(
      db,
      decider.by,
      row,
      'approval.approved',
      'success',
      {
        requestedBy: row.requested_by,
        resultRequestId: result.request ?? null,
        resultLockdownId: result.lockdown ?? null,
        comment: decider.comment ?? null,
      },
      now,
    );
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    await db.updateTable('approvals').set({ state: 'failed', error }).where('id', '=', id).execute();
    await audit(
      db,
      decider.by,
      row,
      'approval.approved',
      'failure',
      {
        requestedBy: row.requested_by,
        error,
      },
      now,
    );
    throw err;
  }
  return (await getApproval(db, id)) as Approval;
}

/** Rejects a pending approval (the requester may withdraw their own); nothing is sent. */
export async function reject(deps: ResponseDeps, id: string, decider: Decider): Promise<Approval> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const row = await pendingRow(deps, id, decider.groups);
  const done = await db
    .updateTable('approvals')
    .set({
      state: 'rejected',
      decided_by: decider.by.actor,
      decided_at: now.toISOString(),
      decision_comment: decider.comment ?? null,
    })
    .where('id', '=', id)
    .where('state', '=', 'pending')
    .where('decided_by', 'is', null)
    .executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) {
    throw new ApprovalNotPendingError('this approval is already being decided by someone else', 'pending');
  }
  await audit(
    db,
    decider.by,
    row,
    'approval.rejected',
    'success',
    {
      requestedBy: row.requested_by,
      withdrawn: row.requested_by === decider.by.actor,
      comment: decider.comment ?? null,
    },
    now,
  );
  return (await getApproval(db, id)) as Approval;
}

/**
 * Expires pending approvals older than 24 h, and fails claims a crash cut short; each is audited. Returns
 * how many it ended.
 */
export async function expireApprovals(deps: Pick<ResponseDeps, 'store' | 'now'>): Promise<number> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const system: Requester = { actorKind: 'system', actor: 'approvals', ip: null };
  const due = await db
    .selectFrom('approvals')
    .selectAll()
    .where('state', '=', 'pending')
    .where((eb) =>
      eb.or([
        eb.and([eb('decided_by', 'is', null), eb('expires_at', '<=', now.toISOString())]),
        eb.and([
          eb('decided_by', 'is not', null),
          eb('decided_at', '<=', new Date(now.getTime() - STUCK_CLAIM_MS).toISOString()),
        ]),
      ]),
    )
    .execute();
  let ended = 0;
  for (const row of due) {
    const stuck = row.decided_by !== null;
    const error = stuck
      ? `the bridge stopped while ${row.decided_by} was approving it; check the host's response requests before asking again`
      : null;
    const result = await db
      .updateTable('approvals')
      .set(stuck ? { state: 'failed', error } : { state: 'expired' })
      .where('id', '=', row.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) continue;
    ended++;
    await audit(
      db,
      system,
      row,
      stuck ? 'approval.failed' : 'approval.expired',
      stuck ? 'failure' : 'success',
      { requestedBy: row.requested_by, expiresAt: row.expires_at, ...(error ? { error } : {}) },
      now,
    );
  }
  return ended;
}

/** The approval, when pending and not expired (an expired one is marked so on the way). */
async function pendingRow(deps: ResponseDeps, id: string, groups: DeviceGroups = null): Promise<ApprovalRow> {
  const { db } = deps.store;
  const now = deps.now?.() ?? new Date();
  const row = await db.selectFrom('approvals').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || !(await inScope(db, row, groups)))
    throw new ApprovalNotFoundError(`approval '${id}' not found`);
  if (row.state === 'pending' && row.decided_by === null && row.expires_at <= now.toISOString()) {
    await expireApprovals(deps);
    throw new ApprovalNotPendingError(`this approval expired at ${row.expires_at}`, 'expired');
  }
  if (row.state !== 'pending' || row.decided_by !== null) {
    const state = row.state === 'pending' ? 'being approved' : row.state;
    throw new ApprovalNotPendingError(`this approval is ${state}, not pending`, row.state);
  }
  return row;
}

async function inScope(db: Kysely<Database>, row: ApprovalRow, groups: DeviceGroups): Promise<boolean> {
  if (groups === null) return true;
  const device = await db
    .selectFrom('devices as d')
    .select('d.id')
    .where(
      allOf([
        sql`d.tenant = ${row.tenant}`,
        sql`d.id = ${row.device_id}`,
        inDeviceScope(groups, 'd.rbac_group_name'),
      ]),
    )
    .executeTakeFirst();
  return device !== undefined;
}

function audit(
  db: Kysely<Database>,
  by: Requester,
  row: ApprovalRow,
  action: string,
  outcome: 'success' | 'failure' | 'denied',
  detail: Record<string, unknown>,
  now: Date,
) {
  return appendAudit(
    db,
    {
      ...by,
      action,
      target: `${row.tenant}/${row.device_id}`,
      outcome,
      detail: { approvalId: row.id, kind: row.kind, type: row.action_type, ...detail },
    },
    now,
  );
}

function approvalQuery(db: Kysely<Database>) {
  return db
    .selectFrom('approvals as a')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'a.tenant').onRef('d.id', '=', 'a.device_id'),
    )
    .selectAll('a')
    .select('d.computer_dns_name as host_name');
}

function toApproval(row: ApprovalRow & { host_name: string | null }): Approval {
  const payload = JSON.parse(row.payload) as ApprovalPayload;
  return {
    id: row.id,
    tenantId: row.tenant,
    machineId: row.device_id,
    hostName: row.host_name,
    kind: row.kind as Approval['kind'],
    actionType: row.action_type as ResponseAction,
    comment: payload.comment,
    duration: payload.duration ?? null,
    isolationType: payload.isolationType ?? null,
    scanType: payload.scanType ?? null,
    state: row.state as Approval['state'],
    reason: row.reason,
    requestedBy: row.requested_by,
    requestedAt: row.requested_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionComment: row.decision_comment,
    resultRequestId: row.result_request_id,
    resultLockdownId: row.result_lockdown_id,
    error: row.error,
    policyId: row.policy_id,
    detectionId: row.detection_id,
  };
}

/** One approval, within the caller's device groups (null otherwise). */
export async function getApproval(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups = null,
): Promise<Approval | null> {
  const row = await approvalQuery(db)
    .where(allOf([sql<SqlBool>`a.id = ${id}`, scopeOf(groups)]))
    .executeTakeFirst();
  return row ? toApproval(row) : null;
}

/** Approvals newest first, optionally of one state, within the caller's device groups. */
export async function listApprovals(
  db: Kysely<Database>,
  query: { state?: string; groups?: DeviceGroups; page: number; pageSize: number },
): Promise<{ items: Approval[]; total: number; page: number; pageSize: number }> {
  const where = allOf([
    ...(query.state ? [sql<SqlBool>`a.state = ${query.state}`] : []),
    scopeOf(query.groups ?? null),
  ]);
  const rows = await approvalQuery(db)
    .where(where)
    .orderBy('a.requested_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(query.pageSize)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  const count = await db
    .selectFrom('approvals as a')
    .leftJoin('devices as d', (join) =>
      join.onRef('d.tenant', '=', 'a.tenant').onRef('d.id', '=', 'a.device_id'),
    )
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  return { items: rows.map(toApproval), total: Number(count.n), page: query.page, pageSize: query.pageSize };
}

function scopeOf(groups: DeviceGroups) {
  return groups === null ? sql<SqlBool>`1 = 1` : inDeviceScope(groups, 'd.rbac_group_name');
}

/** An approval rule as the API answers it (CONTRACT.md `ApprovalRule`). */
export interface ApprovalRule {
  id: string;
  tenantId: string;
  deviceGroup: string;
  createdBy: string;
  createdAt: string;
}

const toRule = (r: Selectable<ApprovalRuleTable>): ApprovalRule => ({
  id: r.id,
  tenantId: r.tenant,
  deviceGroup: r.device_group,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export async function listApprovalRules(db: Kysely<Database>): Promise<ApprovalRule[]> {
  const rows = await db
    .selectFrom('approval_rules')
    .selectAll()
    .orderBy('tenant')
    .orderBy('device_group')
    .execute();
  return rows.map(toRule);
}

/** Adds a rule; null when the tenant already has one for this group (case-insensitive). Audited. */
export async function createApprovalRule(
  db: Kysely<Database>,
  input: { tenant: string; deviceGroup: string; by: Requester },
  now: Date = new Date(),
): Promise<ApprovalRule | null> {
  const existing = await db
    .selectFrom('approval_rules')
    .select('id')
    .where('tenant', '=', input.tenant)
    .where(sql<boolean>`lower(device_group) = ${input.deviceGroup.toLowerCase()}`)
    .executeTakeFirst();
  if (existing) return null;
  const row = {
    id: randomUUID(),
    tenant: input.tenant,
    device_group: input.deviceGroup,
    created_by: input.by.actor,
    created_at: now.toISOString(),
  };
  try {
    await db.insertInto('approval_rules').values(row).execute();
  } catch (err) {
    if (isUniqueViolation(err)) return null;
    throw err;
  }
  await appendAudit(
    db,
    {
      ...input.by,
      action: 'approval_rule.created',
      target: `${input.tenant}/${input.deviceGroup}`,
      detail: { ruleId: row.id, deviceGroup: input.deviceGroup },
    },
    now,
  );
  return toRule(row);
}

/** Removes a rule (false when unknown). Audited. */
export async function deleteApprovalRule(
  db: Kysely<Database>,
  id: string,
  by: Requester,
  now: Date = new Date(),
): Promise<boolean> {
  const row = await db.selectFrom('approval_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  await db.deleteFrom('approval_rules').where('id', '=', id).execute();
  await appendAudit(
    db,
    {
      ...by,
      action: 'approval_rule.deleted',
      target: `${row.tenant}/${row.device_group}`,
      detail: { ruleId: id, deviceGroup: row.device_group },
    },
    now,
  );
  return true;
}
