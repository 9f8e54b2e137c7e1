/**
 * Detection validations in the store (table `validations`): creating one (state `polling`, first poll due
 * at once), reading them as CONTRACT.md `Validation`, and exporting them as CSV or JSON. Polling itself is
 * in validation-poll.ts.
 */
import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { csvField } from '../audit/audit-export.js';
import { type DeviceGroups, inDeviceScope } from '../hosts/device-scope.js';
import type { ListPage, PageRequest } from '../hosts/list-page.js';
import { pageWindow, stringArray, toCount } from '../hosts/list-page.js';
import type { Database } from '../store/schema.js';
import type { ValidationTable } from '../store/schema-hunting.js';
import type { ResolvedValidation } from './validation-input.js';
import type { ValidationAlert, ValidationReport } from './validation-report.js';

export type ValidationRow = Selectable<ValidationTable>;
export type ValidationState = 'polling' | 'detected' | 'missed' | 'failed';

/** CONTRACT.md `Validation`. */
export interface Validation {
  id: string;
  tenantId: string;
  host: string;
  machineId: string | null;
  hostNames: string[];
  start: string;
  end: string;
  graceSeconds: number;
  expectedTechniques: string[];
  state: ValidationState;
  detected: boolean | null;
  alerts: ValidationAlert[];
  latencySeconds: number | null;
  techniques: { seen: string[]; missing: string[] };
  polls: number;
  pollUntil: string;
  requestedBy: string;
  createdAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** end + grace: the last moment an alert is waited for. */
export function pollUntilOf(row: Pick<ValidationRow, 'activity_end' | 'grace_seconds'>): Date {
  return new Date(Date.parse(row.activity_end) + Number(row.grace_seconds) * 1000);
}

export function parseReport(text: string | null): ValidationReport | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as ValidationReport;
  } catch {
    return null;
  }
}

export function toValidation(row: ValidationRow): Validation {
  const report = parseReport(row.report);
  const expected = stringArray(row.expected_techniques);
  const alerts = report?.alerts ?? [];
  const state = row.state as ValidationState;
  return {
    id: row.id,
    tenantId: row.tenant,
    host: row.host,
    machineId: row.device_id,
    hostNames: stringArray(row.host_names),
    start: row.activity_start,
    end: row.activity_end,
    graceSeconds: Number(row.grace_seconds),
    expectedTechniques: expected,
    state,
    // Known as soon as an alert is found (even while the activity is still going on); false only when missed.
    detected: alerts.length > 0 ? true : state === 'missed' ? false : null,
    alerts,
    latencySeconds: report?.latencySeconds ?? null,
    techniques: report?.techniques ?? { seen: [], missing: state === 'polling' ? [] : expected },
    polls: Number(row.polls),
    pollUntil: pollUntilOf(row).toISOString(),
    requestedBy: row.requested_by,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

/** Stores a resolved validation, its first poll due now. */
export async function createValidation(
  db: Kysely<Database>,
  input: ResolvedValidation,
  requestedBy: string,
  now: Date,
): Promise<Validation> {
  const row: ValidationRow = {
    id: randomUUID(),
    tenant: input.tenant,
    host: input.host,
    device_id: input.machineId,
    host_names: JSON.stringify(input.hostNames),
    activity_start: input.start.toISOString(),
    activity_end: input.end.toISOString(),
    grace_seconds: input.graceSeconds,
    expected_techniques: JSON.stringify(input.expectedTechniques),
    state: 'polling',
    report: null,
    error: null,
    polls: 0,
    next_poll_at: now.toISOString(),
    requested_by: requestedBy,
    created_at: now.toISOString(),
    finished_at: null,
  };
  await db.insertInto('validations').values(row).execute();
  return toValidation(row);
}

/** A caller limited to device groups sees the validations of devices in its groups only. */
function visible(groups: DeviceGroups) {
  return groups === null
    ? sql<SqlBool>`1 = 1`
    : sql<SqlBool>`exists (select 1 from devices d where d.tenant = validations.tenant
        and d.id = validations.device_id and ${inDeviceScope(groups, 'd.rbac_group_name')})`;
}

export async function getValidation(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups = null,
): Promise<Validation | null> {
  const row = await db
    .selectFrom('validations')
    .selectAll()
    .where('id', '=', id)
    .where(visible(groups))
    .executeTakeFirst();
  return row ? toValidation(row) : null;
}

/** Newest first, within the caller's device groups. */
export async function listValidations(
  db: Kysely<Database>,
  request: PageRequest,
  groups: DeviceGroups = null,
): Promise<ListPage<Validation>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const rows = await db
    .selectFrom('validations')
    .selectAll()
    .where(visible(groups))
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('validations')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(visible(groups))
    .executeTakeFirstOrThrow();
  return { items: rows.map(toValidation), total: toCount(n), page, pageSize };
}

export const VALIDATION_CSV_COLUMNS = [
  'id',
  'tenantId',
  'host',
  'machineId',
  'start',
  'end',
  'graceSeconds',
  'state',
  'detected',
  'alertCount',
  'alertIds',
  'latencySeconds',
  'expectedTechniques',
  'techniquesSeen',
  'techniquesMissing',
  'requestedBy',
  'createdAt',
  'finishedAt',
  'error',
] as const;

export const ALERT_CSV_COLUMNS = [
  'id',
  'title',
  'severity',
  'techniques',
  'detectionSource',
  'category',
  'firstActivity',
  'createdAt',
  'latencySeconds',
] as const;

const line = (fields: (string | number | boolean | null)[]) =>
  `${fields.map((f) => csvField(f === null ? null : String(f))).join(',')}\r\n`;

/** Every validation (within the caller's device groups), newest first, as CSV or a JSON array, in batches. */
export async function* exportValidations(
  db: Kysely<Database>,
  format: 'csv' | 'json',
  groups: DeviceGroups = null,
  batchSize = 500,
): AsyncGenerator<string> {
  yield format === 'csv' ? `${VALIDATION_CSV_COLUMNS.join(',')}\r\n` : '[';
  let written = 0;
  for (let offset = 0; ; offset += batchSize) {
    const rows = await db
      .selectFrom('validations')
      .selectAll()
      .where(visible(groups))
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(batchSize)
      .offset(offset)
      .execute();
    const items = rows.map(toValidation);
    if (format === 'csv') {
      yield items
        .map((v) =>
          line([
            v.id,
            v.tenantId,
            v.host,
            v.machineId,
            v.start,
            v.end,
            v.graceSeconds,
            v.state,
            v.detected,
            v.alerts.length,
            v.alerts.map((a) => a.id).join(' '),
            v.latencySeconds,
            v.expectedTechniques.join(' '),
            v.techniques.seen.join(' '),
            v.techniques.missing.join(' '),
            v.requestedBy,
            v.createdAt,
            v.finishedAt,
            v.error,
          ]),
        )
        .join('');
    } else {
      yield items.map((v) => `${written++ === 0 ? '' : ','}\n${JSON.stringify(v)}`).join('');
    }
    if (rows.length < batchSize) break;
  }
  if (format === 'json') yield '\n]\n';
}

/** One validation's alerts as CSV. */
export function alertsCsv(validation: Validation): string {
  return [
    `${ALERT_CSV_COLUMNS.join(',')}\r\n`,
    ...validation.alerts.map((a) =>
      line([
        a.id,
        a.title,
        a.severity,
        a.techniques.join(' '),
        a.detectionSource,
        a.category,
        a.firstActivity,
        a.createdAt,
        a.latencySeconds,
      ]),
    ),
  ].join('');
}
