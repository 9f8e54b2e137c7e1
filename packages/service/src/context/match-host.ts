import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import { allOf, type DeviceGroups, inDeviceScope } from '../hosts/device-scope.js';
import type { Database } from '../store/schema.js';
import type { StoreCapabilities } from '../store/store.js';
import { type ObservedHost, shortName } from './observed-host.js';

/** How a network-observed host was tied to its Defender device, strongest evidence first. */
export const MatchEvidence = [
  'dnsName',
  'alternateName',
  'shortName',
  'ipAtTime',
  'currentIp',
  'findByIp',
] as const;
export type MatchBy = (typeof MatchEvidence)[number];

/** A device the host could be (one row per device, re-imaged duplicates already resolved). */
export interface MatchCandidate {
  tenant: string;
  tenantName: string;
  machineId: string;
  name: string;
  lastSeen: string | null;
}

export type HostMatch =
  | { status: 'matched'; by: MatchBy; device: MatchCandidate }
  | { status: 'ambiguous'; by: MatchBy; candidates: MatchCandidate[] }
  | { status: 'unmanaged'; by: null };

/** A device's `lastIpAddress` is taken as current only when the device was seen this recently. */
export const CURRENT_IP_MAX_AGE_MS = 7 * 24 * 60 * 60_000;
/** An observation window of (device, ip) is stretched this much each way (findbyip allows ±15 minutes). */
export const IP_WINDOW_SLACK_MS = 15 * 60_000;

export interface MatchOptions {
  /** The caller's device groups: a device outside them is never a candidate. */
  groups: DeviceGroups;
  now: Date;
  caps: Pick<StoreCapabilities, 'engine'>;
}

/**
 * Finds the Defender device of a network-observed host in the replica, over every enabled tenant: exact DNS
 * name > alternate name > short name > IP at the time seen > current IP. The first kind of evidence that
 * finds anything decides: one device is a match, several distinct devices are `ambiguous` (never a guess).
 * Several records of one DNS name are one device (re-imaged machines, MicrosoftDocs/microsoft-365-docs#12717):
 * the primary record stands for them.
 */
export async function matchHost(
  db: Kysely<Database>,
  host: ObservedHost,
  options: MatchOptions,
): Promise<HostMatch> {
  for (const [by, condition] of evidence(host, options)) {
    const rows = await candidateRows(db, condition, options.groups, by === 'ipAtTime');
    const result = decide(rows, by);
    if (result) return result;
  }
  return { status: 'unmanaged', by: null };
}

/** The match among devices with these machine IDs (Defender's findbyip answer), as `by`. */
export async function matchDeviceIds(
  db: Kysely<Database>,
  keys: readonly { tenant: string; id: string }[],
  by: MatchBy,
  groups: DeviceGroups,
): Promise<HostMatch | null> {
  if (keys.length === 0) return null;
  const pairs = keys.map((k) => sql<SqlBool>`(d.tenant = ${k.tenant} and d.id = ${k.id})`);
  const rows = await candidateRows(db, sql<SqlBool>`(${sql.join(pairs, sql` or `)})`, groups, false);
  return decide(rows, by);
}

function* evidence(host: ObservedHost, o: MatchOptions): Generator<[MatchBy, RawBuilder<SqlBool>]> {
  if (host.hostname !== undefined) yield ['dnsName', sql<SqlBool>`d.dns_name = ${host.hostname}`];
  if (host.alternateNames.length > 0) {
    yield ['alternateName', sql<SqlBool>`d.dns_name in (${sql.join(host.alternateNames)})`];
  }
  if (host.hostname !== undefined) yield ['shortName', shortNameCondition(shortName(host.hostname), o.caps)];
  if (host.ip !== undefined) {
    if (host.at !== undefined) {
      const from = new Date(host.at.getTime() - IP_WINDOW_SLACK_MS).toISOString();
      const to = new Date(host.at.getTime() + IP_WINDOW_SLACK_MS).toISOString();
      yield [
        'ipAtTime',
        sql<SqlBool>`p.ip = ${host.ip} and p.first_seen_at <= ${to} and p.last_seen_at >= ${from}`,
      ];
    }
    const since = new Date((host.at ?? o.now).getTime() - CURRENT_IP_MAX_AGE_MS).toISOString();
    yield ['currentIp', sql<SqlBool>`d.last_ip_address = ${host.ip} and d.last_seen >= ${since}`];
  }
}

/**
 * Devices whose first DNS label is `short`: the name itself, or a name in [`short.`, `short/`) — '/' follows
 * '.' in byte order, so the range is an index range read. PostgreSQL compares under the database's collation,
 * which may ignore punctuation, so the range is compared byte-wise there ("C").
 */
function shortNameCondition(short: string, caps: MatchOptions['caps']): RawBuilder<SqlBool> {
  const name = caps.engine === 'postgres' ? sql`d.dns_name collate "C"` : sql`d.dns_name`;
  return sql<SqlBool>`(d.dns_name = ${short} or (${name} >= ${`${short}.`} and ${name} < ${`${short}/`}))`;
}

interface CandidateRow {
  tenant: string;
  tenant_name: string;
  id: string;
  dns_name: string;
  computer_dns_name: string;
  is_primary: number;
  removed_at: string | null;
  last_seen: string | null;
}

async function candidateRows(
  db: Kysely<Database>,
  condition: RawBuilder<SqlBool>,
  groups: DeviceGroups,
  withIpHistory: boolean,
): Promise<CandidateRow[]> {
  let query = db
    .selectFrom('devices as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant')
    .select([
      'd.tenant',
      't.name as tenant_name',
      'd.id',
      'd.dns_name',
      'd.computer_dns_name',
      'd.is_primary',
      'd.removed_at',
      'd.last_seen',
    ])
    .where(allOf([condition, sql<SqlBool>`t.enabled = 1`, inDeviceScope(groups, 'd.rbac_group_name')]))
    .distinct()
    // A bound on what one look-up reads; far more candidates than this is ambiguous all the same.
    .limit(200);
  if (withIpHistory) {
    query = query.innerJoin('device_ips as p', (join) =>
      join.onRef('p.tenant', '=', 'd.tenant').onRef('p.device_id', '=', 'd.id'),
    ) as unknown as typeof query;
  }
  return query.execute();
}

/** One device per (tenant, DNS name), live records before tombstones; null when there is none. */
function decide(rows: CandidateRow[], by: MatchBy): HostMatch | null {
  const live = rows.filter((r) => r.removed_at === null);
  const pool = live.length > 0 ? live : rows;
  const best = new Map<string, CandidateRow>();
  for (const row of pool) {
    // A record without a DNS name is its own device: nothing says it is a duplicate of another.
    const key = row.dns_name ? `${row.tenant}\n${row.dns_name}` : `${row.tenant}\n#${row.id}`;
    const held = best.get(key);
    if (!held || rank(row, held) < 0) best.set(key, row);
  }
  const devices = [...best.values()].map(toCandidate);
  if (devices.length === 0) return null;
  if (devices.length === 1) return { status: 'matched', by, device: devices[0] };
  devices.sort(
    (a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') || a.machineId.localeCompare(b.machineId),
  );
  return { status: 'ambiguous', by, candidates: devices };
}

/** Primary first, then the newest sighting, then the ID (stable). */
function rank(a: CandidateRow, b: CandidateRow): number {
  return (
    Number(b.is_primary) - Number(a.is_primary) ||
    (b.last_seen ?? '').localeCompare(a.last_seen ?? '') ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

function toCandidate(row: CandidateRow): MatchCandidate {
  return {
    tenant: row.tenant,
    tenantName: row.tenant_name,
    machineId: row.id,
    name: row.computer_dns_name,
    lastSeen: row.last_seen,
  };
}
