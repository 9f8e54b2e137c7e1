/**
 * Automatic lockdown: every enabled policy of the detection's tenant (or of every tenant), in creation order,
 * decides what to do about one detection — CONTRACT.md "Policy evaluation": unmatched → excluded →
 * below_threshold → already_locked → capped → would_lock (dry run) → awaiting_approval → locked | failed.
 * After a real lock or an approval request the remaining policies are not asked. Each decision is recorded
 * (the hourly cap counts those rows) and audited.
 *
 * Evaluations run one at a time per store in this process, so two detections of one host at once cannot
 * both pass the cap or both lock; across processes the lockdown's unique `active_key` refuses the second
 * lock, which is then recorded as `already_locked`, not `failed`.
 */
import type { Kysely } from 'kysely';
import { appendAudit } from '../audit/audit-log.js';
import { stringArray, toCount } from '../hosts/list-page.js';
import { approvalNeeded, createApproval } from '../response/approvals.js';
import { lockHost } from '../response/lockdown.js';
import type { Requester, ResponseDeps } from '../response/request-action.js';
import { LockdownStateError } from '../response/response-errors.js';
import { getDeviceRisk, RiskLevels } from '../risk/device-risk.js';
import type { Database } from '../store/schema.js';
import { type DecisionKind, DecisionKinds, type DetectionRow } from './detection.js';
import { orderedId } from './ordered-id.js';
import { AlertSeverities, type LockdownPolicy, listLockdownPolicies, PolicyRiskLevels } from './policies.js';

/** What a policy looks at of the matched device, read once per detection. */
interface DeviceFacts {
  tenant: string;
  id: string;
  name: string;
  ip: string | null;
  valueHigh: boolean;
  group: string | null;
  tags: string[];
  /** Rank in AlertSeverities of the most severe alert not Resolved; -1 when none. */
  alertRank: number;
  alertSeverity: string | null;
  /** Rank in RiskLevels (None = 0 … Critical = 4); null when never computed. */
  riskRank: number | null;
}

interface Verdict {
  decision: DecisionKind;
  reason: string;
  lockdownId?: string;
  approvalId?: string;
}

const CAP_WINDOW_MS = 60 * 60_000;
const queues = new WeakMap<object, Promise<unknown>>();

/** Runs `task` after the evaluations already queued for this store. */
function oneAtATime<T>(key: object, task: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(task, task);
  queues.set(
    key,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

/** Evaluates the policies for a stored detection; returns the row with its lockdown outcome set. */
export function evaluatePolicies(deps: ResponseDeps, detection: DetectionRow): Promise<DetectionRow> {
  return oneAtATime(deps.store.db, () => evaluate(deps, detection));
}

async function evaluate(deps: ResponseDeps, detection: DetectionRow): Promise<DetectionRow> {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const policies = (await listLockdownPolicies(db)).filter(
    (p) => p.enabled && (p.tenantId === null || p.tenantId === detection.tenant),
  );
  const device =
    detection.tenant && detection.device_id
      ? await deviceFacts(db, detection.tenant, detection.device_id)
      : null;
  const decided: Verdict[] = [];
  for (const policy of policies) {
    const verdict = await decide(deps, policy, detection, device, now());
    decided.push(verdict);
    await record(deps, policy, detection, verdict, now());
    if (!policy.dryRun && (verdict.decision === 'locked' || verdict.decision === 'awaiting_approval')) break;
  }
  // Strongest first (stable: among equals, the first policy's).
  const ranked = [...decided].sort(
    (a, b) => DecisionKinds.indexOf(a.decision) - DecisionKinds.indexOf(b.decision),
  );
  const strongest = ranked[0] ?? null;
  const lockdownId = ranked.find((v) => v.lockdownId)?.lockdownId ?? null;
  const approvalId = ranked.find((v) => v.approvalId)?.approvalId ?? null;
  await db
    .updateTable('detections')
    .set({
      lockdown_outcome: strongest?.decision ?? 'no_policy',
      lockdown_id: lockdownId,
      approval_id: approvalId,
    })
    .where('id', '=', detection.id)
    .execute();
  return db.selectFrom('detections').selectAll().where('id', '=', detection.id).executeTakeFirstOrThrow();
}

async function decide(
  deps: ResponseDeps,
  policy: LockdownPolicy,
  detection: DetectionRow,
  device: DeviceFacts | null,
  now: Date,
): Promise<Verdict> {
  if (!device) {
    return {
      decision: 'unmatched',
      reason:
        detection.match === 'ambiguous' ? 'the host matches several devices' : 'no device matches the host',
    };
  }
  const excluded = exclusion(policy, detection, device);
  if (excluded) return { decision: 'excluded', reason: excluded };
  const failed = failedThresholds(policy, detection, device);
  if (failed.length > 0) return { decision: 'below_threshold', reason: failed.join('; ') };

  const { db } = deps.store;
  const active = await db
    .selectFrom('lockdowns')
    .select(['id', 'ends_at', 'locked_by'])
    .where('tenant', '=', device.tenant)
    .where('device_id', '=', device.id)
    .where('active_key', 'is not', null)
    .executeTakeFirst();
  if (active) {
    return {
      decision: 'already_locked',
      reason: `the host is locked until ${active.ends_at} (by ${active.locked_by})`,
      lockdownId: active.id,
    };
  }
  const since = new Date(now.getTime() - CAP_WINDOW_MS).toISOString();
  const counted = await db
    .selectFrom('policy_decisions')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('policy_id', '=', policy.id)
    .where('decided_at', '>', since)
    .where('decision', 'in', ['locked', 'awaiting_approval', 'would_lock'])
    .executeTakeFirst();
  if (toCount(counted?.n) >= policy.maxPerHour) {
    return {
      decision: 'capped',
      reason: `the policy already acted ${toCount(counted?.n)} times in the last hour (at most ${policy.maxPerHour})`,
    };
  }
  if (policy.dryRun) {
    return { decision: 'would_lock', reason: `dry run: would lock the host for ${policy.duration}` };
  }

  const comment = `automatic lockdown by policy '${policy.name}': detection ${detection.source}/${detection.external_id}`;
  const requester: Requester = { actorKind: 'system', actor: `policy:${policy.name}` };
  try {
    const approvalReason = policy.requireApproval
      ? `policy '${policy.name}'`
      : await approvalNeeded(deps, {
          tenant: device.tenant,
          deviceId: device.id,
          kind: 'lockdown',
          actionType: 'isolate',
        });
    if (approvalReason) {
      const approval = await createApproval(deps, {
        tenant: device.tenant,
        deviceId: device.id,
        kind: 'lockdown',
        actionType: 'isolate',
        payload: { comment, duration: policy.duration, isolationType: policy.isolationType },
        reason: approvalReason,
        requestedBy: requester,
        policyId: policy.id,
        detectionId: detection.id,
      });
      return {
        decision: 'awaiting_approval',
        reason: `waiting for approval (${approvalReason})`,
        approvalId: approval.id,
      };
    }
    const lockdown = await lockHost(deps, {
      tenant: device.tenant,
      deviceId: device.id,
      duration: policy.duration,
      comment,
      isolationType: policy.isolationType,
      lockedBy: requester,
    });
    if (lockdown.state === 'failed')
      return { decision: 'failed', reason: 'Defender refused the isolation', lockdownId: lockdown.id };
    return { decision: 'locked', reason: `locked for ${policy.duration}`, lockdownId: lockdown.id };
  } catch (err) {
    if (err instanceof LockdownStateError && err.reason === 'already_locked')
      return { decision: 'already_locked', reason: err.message };
    return { decision: 'failed', reason: err instanceof Error ? err.message : String(err) };
  }
}

/** Why the policy never locks this host, or null. */
function exclusion(policy: LockdownPolicy, detection: DetectionRow, device: DeviceFacts): string | null {
  const x = policy.exclusions;
  const lower = (values: string[]) => new Set(values.map((v) => v.toLowerCase()));
  const tags = lower(x.tags);
  const tag = device.tags.find((t) => tags.has(t.toLowerCase()));
  if (tag !== undefined) return `the device is tagged '${tag}'`;
  if (x.highValue && device.valueHigh) return 'the device value is High';
  if (device.group !== null && lower(x.deviceGroups).has(device.group.toLowerCase()))
    return `the device is in the group '${device.group}'`;
  const allowed = lower(x.allowList);
  const name = device.name.toLowerCase();
  const names = [name, name.split('.')[0], device.ip, device.id, detection.host_ip, detection.host_name];
  const hit = names.find((n): n is string => typeof n === 'string' && allowed.has(n.toLowerCase()));
  return hit === undefined ? null : `'${hit}' is on the allow-list`;
}

/** The thresholds the detection or the device does not pass, as reasons. */
function failedThresholds(policy: LockdownPolicy, detection: DetectionRow, device: DeviceFacts): string[] {
  const t = policy.thresholds;
  const failed: string[] = [];
  const score = (value: number | string | null, min: number | null, what: string) => {
    if (min === null) return;
    if (value === null) failed.push(`no ${what} (needs ${min})`);
    else if (Number(value) < min) failed.push(`${what} ${value} < ${min}`);
  };
  score(detection.threat_score, t.minThreat, 'threat score');
  score(detection.certainty_score, t.minCertainty, 'certainty score');
  score(detection.privilege, t.minPrivilege, 'privilege');
  if (t.minAlertSeverity !== null && device.alertRank < AlertSeverities.indexOf(t.minAlertSeverity)) {
    failed.push(
      device.alertSeverity
        ? `the most severe active alert is ${device.alertSeverity} (needs ${t.minAlertSeverity})`
        : `no active alert (needs ${t.minAlertSeverity})`,
    );
  }
  if (t.minRiskLevel !== null) {
    // 'low' … 'critical' are RiskLevels 1 … 4.
    const needed = PolicyRiskLevels.indexOf(t.minRiskLevel) + 1;
    if (device.riskRank === null)
      failed.push(`the device's risk is not computed yet (needs ${t.minRiskLevel})`);
    else if (device.riskRank < needed)
      failed.push(`risk level ${RiskLevels[device.riskRank].toLowerCase()} (needs ${t.minRiskLevel})`);
  }
  return failed;
}

async function deviceFacts(db: Kysely<Database>, tenant: string, id: string): Promise<DeviceFacts | null> {
  const row = await db
    .selectFrom('devices')
    .select(['computer_dns_name', 'last_ip_address', 'device_value', 'rbac_group_name', 'machine_tags'])
    .where('tenant', '=', tenant)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const alerts = await db
    .selectFrom('alerts')
    .select('severity')
    .distinct()
    .where('tenant', '=', tenant)
    .where('machine_id', '=', id)
    .where((eb) => eb.or([eb('status', 'is', null), eb('status', '!=', 'Resolved')]))
    .execute();
  const severities = AlertSeverities.map((s) => s.toLowerCase());
  let alertRank = -1;
  for (const a of alerts)
    alertRank = Math.max(alertRank, severities.indexOf((a.severity ?? '').toLowerCase()));
  const risk = await getDeviceRisk(db, tenant, id);
  return {
    tenant,
    id,
    name: row.computer_dns_name,
    ip: row.last_ip_address,
    valueHigh: (row.device_value ?? '').toLowerCase() === 'high',
    group: row.rbac_group_name,
    tags: stringArray(row.machine_tags),
    alertRank,
    alertSeverity: alertRank >= 0 ? AlertSeverities[alertRank] : null,
    riskRank: risk ? RiskLevels.indexOf(risk.overall) : null,
  };
}

async function record(
  deps: ResponseDeps,
  policy: LockdownPolicy,
  detection: DetectionRow,
  verdict: Verdict,
  now: Date,
): Promise<void> {
  const { db } = deps.store;
  const id = orderedId();
  await db
    .insertInto('policy_decisions')
    .values({
      id,
      policy_id: policy.id,
      detection_id: detection.id,
      tenant: detection.tenant,
      device_id: detection.device_id,
      decision: verdict.decision,
      reason: verdict.reason,
      dry_run: policy.dryRun ? 1 : 0,
      lockdown_id: verdict.lockdownId ?? null,
      approval_id: verdict.approvalId ?? null,
      decided_at: now.toISOString(),
    })
    .execute();
  await appendAudit(
    db,
    {
      actorKind: 'system',
      actor: `policy:${policy.name}`,
      action: 'policy.decision',
      target: detection.device_id
        ? `${detection.tenant}/${detection.device_id}`
        : `detection:${detection.id}`,
      outcome: verdict.decision === 'failed' ? 'failure' : 'success',
      detail: {
        decisionId: id,
        policyId: policy.id,
        detectionId: detection.id,
        decision: verdict.decision,
        reason: verdict.reason,
        dryRun: policy.dryRun,
        lockdownId: verdict.lockdownId ?? null,
        approvalId: verdict.approvalId ?? null,
      },
    },
    now,
  );
}
