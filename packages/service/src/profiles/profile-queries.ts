import { type Kysely, type SqlBool, sql } from 'kysely';
import { type DeviceGroups, inDeviceScope } from '../hosts/device-scope.js';
import { type ListPage, type PageRequest, pageWindow, stringArray, toCount } from '../hosts/list-page.js';
import type { Database } from '../store/schema.js';
import type { ProfileKind } from '../store/schema-profiles.js';
import type { MatchScore } from './endpoint-profile.js';
import type { ResponseAction } from './supported-actions.js';

/** CONTRACT.md Profile (plus the tenant's name). */
export interface ProfileView {
  id: string;
  name: string;
  kind: ProfileKind;
  tenantId: string | null;
  tenantName: string | null;
  os: string | null;
  osVersion: string | null;
  memberCount: number;
  supportedActions: ResponseAction[];
}

/** One member of a profile: a Defender device (its id is the machine ID) or an unmanaged endpoint. */
export interface ProfileMemberView {
  kind: 'device' | 'endpoint';
  id: string;
  name: string | null;
  tenantId: string | null;
  tenantName: string | null;
  matchScore: MatchScore;
  assignedAt: string;
}

export interface ProfileFilter {
  tenant?: string;
  kind?: ProfileKind;
}

const KIND_ORDER: Record<ProfileKind, number> = { os: 0, os_version: 1, standard: 2 };

/**
 * Every profile with the number of members the caller may see: a caller limited to device groups counts
 * only devices in them (unmanaged endpoints are in no group, like ungrouped devices).
 */
export async function listProfiles(
  db: Kysely<Database>,
  groups: DeviceGroups,
  filter: ProfileFilter = {},
): Promise<ProfileView[]> {
  let query = db
    .selectFrom('profiles as p')
    .leftJoin('tenants as t', 't.id', 'p.tenant')
    .select([
      'p.id',
      'p.name',
      'p.kind',
      'p.tenant',
      't.name as tenant_name',
      'p.os',
      'p.os_version',
      'p.supported_actions',
    ]);
  if (filter.tenant !== undefined) query = query.where('p.tenant', '=', filter.tenant);
  if (filter.kind !== undefined) query = query.where('p.kind', '=', filter.kind);
  const rows = await query.execute();
  const counts = new Map(
    (
      await visibleMembers(db, groups)
        .select(['m.profile_id', (eb) => eb.fn.countAll().as('n')])
        .groupBy('m.profile_id')
        .execute()
    ).map((c) => [c.profile_id, toCount(c.n)]),
  );
  return rows
    .map((row) => toView(row, counts.get(row.id) ?? 0))
    .sort(
      (a, b) =>
        Number(a.tenantName === null) - Number(b.tenantName === null) ||
        (a.tenantName ?? '').localeCompare(b.tenantName ?? '') ||
        KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
        a.name.localeCompare(b.name),
    );
}

export async function getProfile(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups,
): Promise<ProfileView | null> {
  const row = await db
    .selectFrom('profiles as p')
    .leftJoin('tenants as t', 't.id', 'p.tenant')
    .select([
      'p.id',
      'p.name',
      'p.kind',
      'p.tenant',
      't.name as tenant_name',
      'p.os',
      'p.os_version',
      'p.supported_actions',
    ])
    .where('p.id', '=', id)
    .executeTakeFirst();
  if (!row) return null;
  const count = await visibleMembers(db, groups)
    .select((eb) => eb.fn.countAll().as('n'))
    .where('m.profile_id', '=', id)
    .executeTakeFirst();
  return toView(row, toCount(count?.n));
}

/** A page of a profile's members the caller may see, by name. */
export async function listProfileMembers(
  db: Kysely<Database>,
  profileId: string,
  page: PageRequest,
  groups: DeviceGroups,
): Promise<ListPage<ProfileMemberView>> {
  const window = pageWindow(page);
  const base = visibleMembers(db, groups)
    .leftJoin('endpoints as e', (join) =>
      join.onRef('e.id', '=', 'm.subject_id').on('m.subject_kind', '=', 'endpoint'),
    )
    .leftJoin('tenants as t', 't.id', 'm.tenant')
    .where('m.profile_id', '=', profileId);
  const total = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  const rows = await base
    .select([
      'm.subject_kind',
      'm.subject_id',
      'm.tenant',
      't.name as tenant_name',
      'm.match_score',
      'm.assigned_at',
      (eb) => eb.fn.coalesce('d.computer_dns_name', 'e.hostname').as('name'),
    ])
    .orderBy(sql`lower(coalesce(d.computer_dns_name, e.hostname, ''))`)
    .orderBy('m.subject_key')
    .limit(window.limit)
    .offset(window.offset)
    .execute();
  return {
    items: rows.map((row) => ({
      kind: row.subject_kind,
      id: row.subject_id,
      name: row.name ?? null,
      tenantId: row.tenant,
      tenantName: row.tenant_name ?? null,
      matchScore: row.match_score as MatchScore,
      assignedAt: row.assigned_at,
    })),
    total: toCount(total?.n),
    page: window.page,
    pageSize: window.pageSize,
  };
}

/** Memberships joined to their device, limited to what the caller may see. */
function visibleMembers(db: Kysely<Database>, groups: DeviceGroups) {
  const query = db
    .selectFrom('profile_members as m')
    .leftJoin('devices as d', (join) =>
      join
        .onRef('d.tenant', '=', 'm.tenant')
        .onRef('d.id', '=', 'm.subject_id')
        .on('m.subject_kind', '=', 'device'),
    );
  if (groups === null) return query;
  return query.where(
    sql<SqlBool>`m.subject_kind = 'device' and ${inDeviceScope(groups, 'd.rbac_group_name')}`,
  );
}

function toView(
  row: {
    id: string;
    name: string;
    kind: ProfileKind;
    tenant: string | null;
    tenant_name: string | null;
    os: string | null;
    os_version: string | null;
    supported_actions: string;
  },
  memberCount: number,
): ProfileView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    tenantId: row.tenant,
    tenantName: row.tenant_name ?? null,
    os: row.os,
    osVersion: row.os_version,
    memberCount,
    supportedActions: stringArray(row.supported_actions) as ResponseAction[],
  };
}
