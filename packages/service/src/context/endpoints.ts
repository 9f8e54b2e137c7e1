import { randomUUID } from 'node:crypto';
import { type Kysely, type Selectable, type SqlBool, sql } from 'kysely';
import { allOf, containsPattern } from '../hosts/device-scope.js';
import type { ListPage, PageRequest } from '../hosts/list-page.js';
import { pageWindow, toCount } from '../hosts/list-page.js';
import type { Database } from '../store/schema.js';
import type { EndpointTable } from '../store/schema-context.js';
import type { HostMatch } from './match-host.js';
import type { ObservedHost } from './observed-host.js';

export type EndpointRow = Selectable<EndpointTable>;

/** A network-observed host (CONTRACT.md GET /endpoints). */
export interface Endpoint {
  id: string;
  managed: boolean;
  tenantId: string | null;
  machineId: string | null;
  hostname: string | null;
  alternateNames: string[];
  ip: string | null;
  matchBy: string | null;
  source: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export function toEndpoint(row: EndpointRow): Endpoint {
  return {
    id: row.id,
    managed: Number(row.managed) === 1,
    tenantId: row.tenant,
    machineId: row.device_id,
    hostname: row.hostname,
    alternateNames: JSON.parse(row.alternate_names) as string[],
    ip: row.ip,
    matchBy: row.match_by,
    source: row.source,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}

/**
 * The endpoint row that stands for this observation: the matched device's row, else the unmanaged row of
 * the same host name (or, without a name, of the same IP). An unmanaged row becomes the device's when the
 * host later matches (it was not onboarded yet, or not synced yet).
 */
export async function findEndpoint(
  db: Kysely<Database>,
  host: ObservedHost,
  device: { tenant: string; machineId: string } | null,
): Promise<EndpointRow | null> {
  if (device) {
    const own = await db
      .selectFrom('endpoints')
      .selectAll()
      .where('tenant', '=', device.tenant)
      .where('device_id', '=', device.machineId)
      .orderBy('last_seen_at', 'desc')
      .executeTakeFirst();
    if (own) return own;
  }
  let query = db.selectFrom('endpoints').selectAll().where('managed', '=', 0);
  if (host.hostname !== undefined) query = query.where('hostname', '=', host.hostname);
  else query = query.where('hostname', 'is', null).where('ip', '=', host.ip ?? '');
  return (await query.orderBy('last_seen_at', 'desc').executeTakeFirst()) ?? null;
}

/** Records an observation: updates the endpoint that stands for it or adds one. Returns its row. */
export async function recordEndpoint(
  db: Kysely<Database>,
  host: ObservedHost,
  match: HostMatch,
  source: string | undefined,
  now: Date,
): Promise<EndpointRow> {
  const device = match.status === 'matched' ? match.device : null;
  const seenAt = (host.at && host.at < now ? host.at : now).toISOString();
  const existing = await findEndpoint(
    db,
    host,
    device && { tenant: device.tenant, machineId: device.machineId },
  );
  const alternates = [
    ...new Set([
      ...(existing ? (JSON.parse(existing.alternate_names) as string[]) : []),
      ...host.alternateNames,
    ]),
  ];
  const values = {
    managed: device ? 1 : 0,
    tenant: device?.tenant ?? null,
    device_id: device?.machineId ?? null,
    hostname: host.hostname ?? existing?.hostname ?? null,
    alternate_names: JSON.stringify(alternates),
    ip: host.ip ?? existing?.ip ?? null,
    match_by: device ? match.by : null,
    source: source ?? existing?.source ?? null,
  };
  if (existing) {
    // An older observation arriving late does not move the endpoint back in time.
    const [first, , last] = [seenAt, existing.first_seen_at, existing.last_seen_at].sort();
    await db
      .updateTable('endpoints')
      .set({ ...values, first_seen_at: first, last_seen_at: last })
      .where('id', '=', existing.id)
      .execute();
    return { ...existing, ...values, first_seen_at: first, last_seen_at: last };
  }
  const row: EndpointRow = {
    id: randomUUID(),
    ...values,
    attributes: '{}',
    first_seen_at: seenAt,
    last_seen_at: seenAt,
  };
  await db.insertInto('endpoints').values(row).execute();
  return row;
}

export interface EndpointListRequest extends PageRequest {
  managed?: boolean;
  /** Host name or IP substring (case-insensitive). */
  q?: string;
}

/**
 * Endpoints, newest sighting first. A caller limited to device groups sees only managed endpoints of devices
 * in its groups: an unmanaged endpoint is in no group (as an ungrouped device is in none).
 */
export async function listEndpoints(
  db: Kysely<Database>,
  request: EndpointListRequest,
  groups: readonly string[] | null,
): Promise<ListPage<Endpoint>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const where = endpointConditions(request, groups);
  const rows = await db
    .selectFrom('endpoints as e')
    .selectAll('e')
    .where(where)
    .orderBy('e.last_seen_at', 'desc')
    .orderBy('e.id')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('endpoints as e')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  return { items: rows.map(toEndpoint), total: toCount(n), page, pageSize };
}

export function endpointConditions(
  request: { managed?: boolean; q?: string },
  groups: readonly string[] | null,
) {
  const where = [];
  if (request.managed !== undefined) where.push(sql<SqlBool>`e.managed = ${request.managed ? 1 : 0}`);
  const q = request.q?.trim().toLowerCase();
  if (q) {
    const pattern = containsPattern(q);
    where.push(sql<SqlBool>`(e.hostname like ${pattern} escape '\\' or e.ip like ${pattern} escape '\\')`);
  }
  if (groups !== null) {
    where.push(
      groups.length === 0
        ? sql<SqlBool>`1 = 0`
        : sql<SqlBool>`e.managed = 1 and exists (select 1 from devices d where d.tenant = e.tenant
            and d.id = e.device_id and d.rbac_group_name in (${sql.join(groups)}))`,
    );
  }
  return allOf(where);
}

/** How network sessions matched this device: its newest endpoint row (HostDetail.match), or null. */
export async function deviceMatch(
  db: Kysely<Database>,
  tenant: string,
  machineId: string,
): Promise<{ by: string; hostname: string | null; ip: string | null; lastSeenAt: string } | null> {
  const row = await db
    .selectFrom('endpoints')
    .select(['match_by', 'hostname', 'ip', 'last_seen_at'])
    .where('tenant', '=', tenant)
    .where('device_id', '=', machineId)
    .where('managed', '=', 1)
    .orderBy('last_seen_at', 'desc')
    .executeTakeFirst();
  if (!row?.match_by) return null;
  return { by: row.match_by, hostname: row.hostname, ip: row.ip, lastSeenAt: row.last_seen_at };
}
