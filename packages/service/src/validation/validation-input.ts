/**
 * A detection validation's input (CONTRACT.md `ValidationInput`) checked and resolved before anything is
 * stored or Defender is asked: the window, the grace period, the expected MITRE techniques, and the actor
 * host resolved against the replica (context matching) to a tenant, a device and every name it goes by.
 * Bad input is a `ValidationInputError` naming the field (`body.end`, `--to` …).
 */
import type { Kysely } from 'kysely';
import { type HostMatch, matchHost } from '../context/match-host.js';
import {
  MAX_CLOCK_SKEW_MS,
  ObservedHostError,
  parseObservedHost,
  shortName,
} from '../context/observed-host.js';
import type { DeviceGroups } from '../hosts/device-scope.js';
import type { Database } from '../store/schema.js';
import type { StoreCapabilities } from '../store/store.js';

/** Raw input, from a request body or CLI flags. */
export interface ValidationInput {
  host: string;
  alternateHostnames?: readonly string[];
  start: string;
  end: string;
  expectedTechniques?: readonly string[];
  grace?: string;
  tenantId?: string;
}

/** The input's keys, as the caller names them (`body.<key>` for the API, `--flag` for the CLI). */
export type ValidationField = keyof ValidationInput;

export class ValidationInputError extends Error {
  override name = 'ValidationInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_GRACE = '10m';
export const MAX_GRACE_SECONDS = 24 * 3600;
export const MAX_ALTERNATES = 20;
export const MAX_TECHNIQUES = 50;

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const TECHNIQUE = /^T\d{4}(\.\d{3})?$/;

/** The checked input, the host resolved. */
export interface ResolvedValidation {
  tenant: string;
  host: string;
  machineId: string;
  /** Every machine ID of the host's DNS name in the tenant (re-imaged records included). */
  machineIds: string[];
  /** Lower-case: the host as given, the alternates, the device's DNS names and their short names. */
  hostNames: string[];
  start: Date;
  end: Date;
  graceSeconds: number;
  expectedTechniques: string[];
}

/** `'10m'`, `'2h'`, `'0m'`, `'90s'` → seconds, within 0 … 24 h. */
export function parseGrace(value: string, field: string): number {
  const m = /^(\d{1,5})(s|m|h)$/.exec(value.trim());
  const seconds = m ? Number(m[1]) * { s: 1, m: 60, h: 3600 }[m[2] as 's' | 'm' | 'h'] : Number.NaN;
  if (!(seconds >= 0 && seconds <= MAX_GRACE_SECONDS))
    throw new ValidationInputError(
      field,
      `'${value}' is not a grace period from 0m to 24h (like '10m' or '2h')`,
    );
  return seconds;
}

function parseTime(value: string, field: string): Date {
  const ms = ISO_TIME.test(value.trim()) ? Date.parse(value.trim()) : Number.NaN;
  if (Number.isNaN(ms))
    throw new ValidationInputError(field, `'${value}' is not an ISO-8601 time (2026-11-22T10:00:00Z)`);
  return new Date(ms);
}

/** Checks everything that needs no database: times, grace, techniques, host name syntax. */
export function checkValidationInput(
  input: ValidationInput,
  now: Date,
  field: (key: ValidationField) => string,
): {
  host: string;
  alternates: string[];
  start: Date;
  end: Date;
  graceSeconds: number;
  expectedTechniques: string[];
} {
  let parsed: ReturnType<typeof parseObservedHost>;
  if ((input.alternateHostnames?.length ?? 0) > MAX_ALTERNATES)
    throw new ValidationInputError(
      field('alternateHostnames'),
      `at most ${MAX_ALTERNATES} alternate host names`,
    );
  try {
    parsed = parseObservedHost(
      { hostname: input.host, alternateNames: input.alternateHostnames },
      now,
      (key) => (key === 'alternateNames' ? field('alternateHostnames') : field('host')),
    );
  } catch (e) {
    if (e instanceof ObservedHostError) throw new ValidationInputError(e.field, e.message);
    throw e;
  }
  const start = parseTime(input.start, field('start'));
  const end = parseTime(input.end, field('end'));
  if (start.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS)
    throw new ValidationInputError(field('start'), `the activity start ${input.start} is in the future`);
  if (end < start)
    throw new ValidationInputError(
      field('end'),
      `the activity end ${input.end} is before its start ${input.start}`,
    );
  const graceSeconds = parseGrace(input.grace ?? DEFAULT_GRACE, field('grace'));
  const techniques = input.expectedTechniques ?? [];
  if (techniques.length > MAX_TECHNIQUES)
    throw new ValidationInputError(field('expectedTechniques'), `at most ${MAX_TECHNIQUES} techniques`);
  const expectedTechniques: string[] = [];
  for (const [i, raw] of techniques.entries()) {
    const t = raw.trim().toUpperCase();
    if (!TECHNIQUE.test(t))
      throw new ValidationInputError(
        `${field('expectedTechniques')}/${i}`,
        `'${raw}' is not a MITRE ATT&CK technique ID (like T1059 or T1059.001)`,
      );
    if (!expectedTechniques.includes(t)) expectedTechniques.push(t);
  }
  return {
    host: parsed.hostname ?? input.host,
    alternates: parsed.alternateNames,
    start,
    end,
    graceSeconds,
    expectedTechniques,
  };
}

/**
 * Checks the input and resolves the host in the replica (no Defender call): one device, in `tenantId`
 * when given (a tenant id or name), within the caller's device groups. A host no tenant knows, or one
 * several devices could be, is refused naming `host`.
 */
export async function resolveValidation(
  db: Kysely<Database>,
  caps: Pick<StoreCapabilities, 'engine'>,
  input: ValidationInput,
  options: { now: Date; groups: DeviceGroups; field: (key: ValidationField) => string },
): Promise<ResolvedValidation> {
  const { field } = options;
  const checked = checkValidationInput(input, options.now, field);
  let tenant: string | undefined;
  if (input.tenantId !== undefined) {
    const row =
      (await db.selectFrom('tenants').select('id').where('id', '=', input.tenantId).executeTakeFirst()) ??
      (await db.selectFrom('tenants').select('id').where('name', '=', input.tenantId).executeTakeFirst());
    if (!row)
      throw new ValidationInputError(
        field('tenantId'),
        `no tenant '${input.tenantId}' (give its id or name)`,
      );
    tenant = row.id;
  }
  const match = await matchHost(
    db,
    { hostname: checked.host, alternateNames: checked.alternates },
    { groups: options.groups, now: options.now, caps },
  );
  const device = pickDevice(match, tenant, checked.host, field('host'));
  const records = await db
    .selectFrom('devices as d')
    .innerJoin('devices as same', (j) =>
      j.onRef('same.tenant', '=', 'd.tenant').onRef('same.dns_name', '=', 'd.dns_name'),
    )
    .select(['same.id', 'same.dns_name', 'same.computer_dns_name'])
    .where('d.tenant', '=', device.tenant)
    .where('d.id', '=', device.machineId)
    .execute();
  const endpoints = await db
    .selectFrom('endpoints')
    .select(['hostname', 'alternate_names'])
    .where('tenant', '=', device.tenant)
    .where('device_id', '=', device.machineId)
    .execute();
  const names = new Set<string>([checked.host, ...checked.alternates]);
  const add = (name: string | null | undefined) => {
    const n = name?.trim().toLowerCase().replace(/\.$/, '');
    if (n) names.add(n);
  };
  add(device.name);
  for (const r of records) {
    add(r.dns_name);
    add(r.computer_dns_name);
  }
  for (const e of endpoints) {
    add(e.hostname);
    for (const alt of JSON.parse(e.alternate_names) as string[]) add(alt);
  }
  for (const n of [...names]) names.add(shortName(n));
  const machineIds = [...new Set([device.machineId, ...records.map((r) => r.id)])];
  return {
    tenant: device.tenant,
    host: checked.host,
    machineId: device.machineId,
    machineIds,
    hostNames: [...names].sort(),
    start: checked.start,
    end: checked.end,
    graceSeconds: checked.graceSeconds,
    expectedTechniques: checked.expectedTechniques,
  };
}

function pickDevice(match: HostMatch, tenant: string | undefined, host: string, field: string) {
  const candidates =
    match.status === 'matched' ? [match.device] : match.status === 'ambiguous' ? match.candidates : [];
  const inTenant = tenant === undefined ? candidates : candidates.filter((c) => c.tenant === tenant);
  if (inTenant.length === 1) return inTenant[0];
  if (inTenant.length === 0)
    throw new ValidationInputError(
      field,
      tenant === undefined
        ? `no tenant knows a device '${host}' (check the name, or sync the tenant first)`
        : `the tenant knows no device '${host}'`,
    );
  const which = inTenant.map((c) => `${c.name} (${c.tenantName})`).join(', ');
  throw new ValidationInputError(
    field,
    `'${host}' could be several devices: ${which}; give the full DNS name${tenant === undefined ? ' or tenantId' : ''}`,
  );
}
