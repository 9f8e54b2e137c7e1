/**
 * Automatic lockdown policies (CONTRACT.md `LockdownPolicy`): which detections lock a host, for how long, who
 * is never locked, how many per hour, in dry run or for real. Evaluated in creation order
 * (evaluate-policies.ts). Every change is audited.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { appendAudit } from '../audit/audit-log.js';
import { stringArray } from '../hosts/list-page.js';
import { parseLockdownDuration } from '../response/lockdown.js';
import { isUniqueViolation, LockdownInputError } from '../response/response-errors.js';
import type { Database } from '../store/schema.js';
import type { LockdownPolicyTable } from '../store/schema-detections.js';
import { orderedId } from './ordered-id.js';

export type LockdownPolicyRow = Selectable<LockdownPolicyTable>;

export const AlertSeverities = ['Informational', 'Low', 'Medium', 'High'] as const;
export type AlertSeverity = (typeof AlertSeverities)[number];
export const PolicyRiskLevels = ['low', 'medium', 'high', 'critical'] as const;
export type PolicyRiskLevel = (typeof PolicyRiskLevels)[number];
export const MAX_EXCLUSION_ITEMS = 500;

export interface PolicyThresholds {
  minThreat: number | null;
  minCertainty: number | null;
  minPrivilege: number | null;
  minAlertSeverity: AlertSeverity | null;
  minRiskLevel: PolicyRiskLevel | null;
}
export interface PolicyExclusions {
  tags: string[];
  highValue: boolean;
  deviceGroups: string[];
  allowList: string[];
}

export interface LockdownPolicyInput {
  name: string;
  enabled?: boolean;
  dryRun?: boolean;
  tenantId?: string | null;
  thresholds: Partial<PolicyThresholds>;
  duration: string;
  isolationType?: 'Full' | 'Selective';
  exclusions?: Partial<PolicyExclusions>;
  maxPerHour?: number;
  requireApproval?: boolean;
}

export interface LockdownPolicy {
  id: string;
  name: string;
  enabled: boolean;
  dryRun: boolean;
  tenantId: string | null;
  thresholds: PolicyThresholds;
  duration: string;
  isolationType: 'Full' | 'Selective';
  exclusions: PolicyExclusions;
  maxPerHour: number;
  requireApproval: boolean;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A policy input is wrong; `field` names it within the body (`thresholds`, `duration` …). */
export class PolicyInputError extends Error {
  override name = 'PolicyInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Another policy has this name. */
export class PolicyNameTakenError extends Error {
  override name = 'PolicyNameTakenError';
}

export function toLockdownPolicy(row: LockdownPolicyRow): LockdownPolicy {
  const n = (v: number | null) => (v === null ? null : Number(v));
  return {
    id: row.id,
    name: row.name,
    enabled: Number(row.enabled) === 1,
    dryRun: Number(row.dry_run) === 1,
    tenantId: row.tenant,
    thresholds: {
      minThreat: n(row.min_threat),
      minCertainty: n(row.min_certainty),
      minPrivilege: n(row.min_privilege),
      minAlertSeverity: row.min_alert_severity as AlertSeverity | null,
      minRiskLevel: row.min_risk_level as PolicyRiskLevel | null,
    },
    duration: row.duration,
    isolationType: row.isolation_type as 'Full' | 'Selective',
    exclusions: {
      tags: stringArray(row.exclude_tags),
      highValue: Number(row.exclude_high_value) === 1,
      deviceGroups: stringArray(row.exclude_device_groups),
      allowList: stringArray(row.allow_list),
    },
    maxPerHour: Number(row.max_per_hour),
    requireApproval: Number(row.require_approval) === 1,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function intOrNull(value: unknown, field: string, min: number, max: number): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
    throw new PolicyInputError(field, `${field} must be an integer from ${min} to ${max}, or null`);
  return value as number;
}

function oneOfOrNull<T extends string>(value: unknown, field: string, values: readonly T[]): T | null {
  if (value === undefined || value === null) return null;
  if (!values.includes(value as T))
    throw new PolicyInputError(field, `${field} must be one of ${values.join(', ')}`);
  return value as T;
}

function list(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new PolicyInputError(field, `${field} must be a list of strings`);
  const items = [...new Set(value.map((v: string) => v.trim()).filter((v) => v !== ''))];
  if (items.length > MAX_EXCLUSION_ITEMS)
    throw new PolicyInputError(field, `${field} has more than ${MAX_EXCLUSION_ITEMS} entries`);
  if (items.some((v) => v.length > 255))
    throw new PolicyInputError(field, `${field} entries are at most 255 characters`);
  return items;
}

/** The checked input with every default filled, as table columns (without id, author and times). */
async function policyColumns(db: Kysely<Database>, input: LockdownPolicyInput) {
  const name = input.name?.trim() ?? '';
  if (name.length < 1 || name.length > 100)
    throw new PolicyInputError('name', 'name must be 1–100 characters');
  const t = input.thresholds ?? {};
  const thresholds: PolicyThresholds = {
    minThreat: intOrNull(t.minThreat, 'thresholds.minThreat', 0, 100),
    minCertainty: intOrNull(t.minCertainty, 'thresholds.minCertainty', 0, 100),
    minPrivilege: intOrNull(t.minPrivilege, 'thresholds.minPrivilege', 0, 10),
    minAlertSeverity: oneOfOrNull(t.minAlertSeverity, 'thresholds.minAlertSeverity', AlertSeverities),
    minRiskLevel: oneOfOrNull(t.minRiskLevel, 'thresholds.minRiskLevel', PolicyRiskLevels),
  };
  if (Object.values(thresholds).every((v) => v === null))
    throw new PolicyInputError(
      'thresholds',
      'set at least one threshold: a policy without one would lock every host',
    );
  try {
    parseLockdownDuration(input.duration ?? '');
  } catch (err) {
    if (err instanceof LockdownInputError) throw new PolicyInputError('duration', err.message);
    throw err;
  }
  const isolationType = input.isolationType ?? 'Full';
  if (isolationType !== 'Full' && isolationType !== 'Selective')
    throw new PolicyInputError('isolationType', "isolationType must be 'Full' or 'Selective'");
  const maxPerHour = input.maxPerHour ?? 5;
  if (!Number.isInteger(maxPerHour) || maxPerHour < 1 || maxPerHour > 1000)
    throw new PolicyInputError('maxPerHour', 'maxPerHour must be an integer from 1 to 1000');
  const tenant = input.tenantId ?? null;
  let tenantId: string | null = null;
  if (tenant !== null) {
    const known = await db
      .selectFrom('tenants')
      .select('id')
      .where((eb) => eb.or([eb('id', '=', tenant), eb('name', '=', tenant)]))
      .executeTakeFirst();
    if (!known) throw new PolicyInputError('tenantId', `no tenant '${tenant}' (give a tenant's id or name)`);
    tenantId = known.id;
  }
  const x = input.exclusions ?? {};
  return {
    name,
    enabled: input.enabled === false ? 0 : 1,
    dry_run: input.dryRun ? 1 : 0,
    tenant: tenantId,
    min_threat: thresholds.minThreat,
    min_certainty: thresholds.minCertainty,
    min_privilege: thresholds.minPrivilege,
    min_alert_severity: thresholds.minAlertSeverity,
    min_risk_level: thresholds.minRiskLevel,
    duration: input.duration.trim(),
    isolation_type: isolationType,
    exclude_tags: JSON.stringify(list(x.tags, 'exclusions.tags')),
    exclude_high_value: x.highValue === false ? 0 : 1,
    exclude_device_groups: JSON.stringify(list(x.deviceGroups, 'exclusions.deviceGroups')),
    allow_list: JSON.stringify(list(x.allowList, 'exclusions.allowList')),
    max_per_hour: maxPerHour,
    require_approval: input.requireApproval ? 1 : 0,
  };
}

type Actor = Pick<AuditEntryInput, 'actorKind' | 'actor' | 'ip'>;

/** Every policy, in creation (= evaluation) order. */
export async function listLockdownPolicies(db: Kysely<Database>): Promise<LockdownPolicy[]> {
  const rows = await db
    .selectFrom('lockdown_policies')
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toLockdownPolicy);
}

export async function getLockdownPolicy(db: Kysely<Database>, id: string): Promise<LockdownPolicy | null> {
  const row = await db.selectFrom('lockdown_policies').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toLockdownPolicy(row) : null;
}

export async function createLockdownPolicy(
  db: Kysely<Database>,
  input: LockdownPolicyInput,
  by: Actor,
  now: Date = new Date(),
): Promise<LockdownPolicy> {
  const columns = await policyColumns(db, input);
  const id = orderedId();
  const at = now.toISOString();
  try {
    await db
      .insertInto('lockdown_policies')
      .values({ id, ...columns, created_by: by.actor, created_at: at, updated_at: at })
      .execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new PolicyNameTakenError(`a policy named '${columns.name}' exists already`);
    throw err;
  }
  const policy = (await getLockdownPolicy(db, id)) as LockdownPolicy;
  await appendAudit(db, { ...by, action: 'policy.created', target: `policy:${id}`, detail: { policy } }, now);
  return policy;
}

/** Replaces a policy's settings; null when there is no such policy. */
export async function updateLockdownPolicy(
  db: Kysely<Database>,
  id: string,
  input: LockdownPolicyInput,
  by: Actor,
  now: Date = new Date(),
): Promise<LockdownPolicy | null> {
  const before = await getLockdownPolicy(db, id);
  if (!before) return null;
  const columns = await policyColumns(db, input);
  try {
    await db
      .updateTable('lockdown_policies')
      .set({ ...columns, updated_at: now.toISOString() })
      .where('id', '=', id)
      .execute();
  } catch (err) {
    if (isUniqueViolation(err))
      throw new PolicyNameTakenError(`a policy named '${columns.name}' exists already`);
    throw err;
  }
  const policy = (await getLockdownPolicy(db, id)) as LockdownPolicy;
  await appendAudit(
    db,
    { ...by, action: 'policy.updated', target: `policy:${id}`, detail: { before, policy } },
    now,
  );
  return policy;
}

/** Deletes a policy (its decisions stay as history); false when there is no such policy. */
export async function deleteLockdownPolicy(
  db: Kysely<Database>,
  id: string,
  by: Actor,
  now: Date = new Date(),
): Promise<boolean> {
  const before = await getLockdownPolicy(db, id);
  if (!before) return false;
  await db.deleteFrom('lockdown_policies').where('id', '=', id).execute();
  await appendAudit(
    db,
    { ...by, action: 'policy.deleted', target: `policy:${id}`, detail: { policy: before } },
    now,
  );
  return true;
}
