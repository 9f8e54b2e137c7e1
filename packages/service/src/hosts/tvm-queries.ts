import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { allOf, containsText, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { type ListPage, type PageRequest, pageWindow, toCount } from './list-page.js';
import { levelRank, orderBy, type SortOrder, severityLevels } from './sort-order.js';

/** CONTRACT.md Vulnerability (the tenant's CVE catalogue). */
export interface VulnerabilityView {
  id: string;
  tenantId: string;
  severity: string | null;
  cvssV3: number | null;
  publicExploit: boolean;
  exploitVerified: boolean;
  exploitInKit: boolean;
  description: string | null;
  publishedOn: string | null;
  exposedMachines: number;
}

/** CONTRACT.md DeviceVulnerability: a CVE on a product version installed on one device. */
export interface DeviceVulnerabilityView {
  cveId: string;
  severity: string | null;
  cvssV3: number | null;
  publicExploit: boolean;
  description: string | null;
  productVendor: string;
  productName: string;
  productVersion: string;
  fixingKbId: string | null;
}

/** CONTRACT.md Software (`version` only when listed for one device). */
export interface SoftwareView {
  id: string;
  tenantId: string;
  name: string;
  vendor: string;
  version?: string;
  exposedMachines: number;
  publicExploit: boolean;
  weaknesses: number;
}

export const vulnerabilitySortFields = ['cvss', 'exposedMachines', 'published'] as const;
export const deviceVulnerabilitySortFields = ['severity', 'cvss', 'cveId'] as const;

export interface VulnerabilityListRequest extends PageRequest {
  tenant?: string;
  severity?: string;
  /** CVE id or description substring. */
  q?: string;
  /** Only CVEs with a public exploit. */
  exploit?: boolean;
  sort?: (typeof vulnerabilitySortFields)[number];
  order?: SortOrder;
}

/**
 * How many devices in the caller's groups a catalogue row is exposed on. Unlimited callers get Defender's own
 * count; a limited caller must not learn how many devices outside its groups are affected, so it gets a count
 * over its own devices from the per-device export.
 */
function scopedExposure(groups: DeviceGroups, match: RawBuilder<SqlBool>): RawBuilder<number> | null {
  if (groups === null) return null;
  return sql<number>`(select count(distinct dv.device_id) from device_vulnerabilities dv
    inner join devices sd on sd.tenant = dv.tenant and sd.id = dv.device_id
    where ${match} and sd.removed_at is null and ${inDeviceScope(groups, 'sd.rbac_group_name')})`;
}

export async function listVulnerabilities(
  db: Kysely<Database>,
  request: VulnerabilityListRequest,
  groups: DeviceGroups,
): Promise<ListPage<VulnerabilityView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const exposure =
    scopedExposure(groups, sql<SqlBool>`dv.tenant = v.tenant and dv.cve_id = v.id`) ??
    sql<number>`v.exposed_machines`;
  const where: RawBuilder<SqlBool>[] = [];
  if (groups !== null) where.push(sql<SqlBool>`${exposure} > 0`);
  if (request.tenant !== undefined) where.push(sql<SqlBool>`v.tenant = ${request.tenant}`);
  if (request.severity !== undefined) where.push(sql<SqlBool>`v.severity = ${request.severity}`);
  if (request.exploit === true) where.push(sql<SqlBool>`v.public_exploit = 1`);
  const q = request.q?.trim();
  if (q) where.push(sql<SqlBool>`(${containsText('v.id', q)} or ${containsText('v.description', q)})`);
  const condition = allOf(where);
  const sortKey = { cvss: 'v.cvss_v3', exposedMachines: exposure, published: 'v.published_on' }[
    request.sort ?? 'cvss'
  ];
  const rows = await db
    .selectFrom('vulnerabilities as v')
    .select([
      'v.id',
      'v.tenant',
      'v.severity',
      'v.cvss_v3',
      'v.public_exploit',
      'v.exploit_verified',
      'v.exploit_in_kit',
      'v.description',
      'v.published_on',
      exposure.as('exposed'),
    ])
    .where(condition)
    .orderBy(orderBy(sortKey, request.order ?? 'desc', ['v.id', 'v.tenant']))
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('vulnerabilities as v')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(condition)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant,
      severity: r.severity,
      cvssV3: r.cvss_v3 === null ? null : Number(r.cvss_v3),
      publicExploit: Number(r.public_exploit) === 1,
      exploitVerified: Number(r.exploit_verified) === 1,
      exploitInKit: Number(r.exploit_in_kit) === 1,
      description: r.description,
      publishedOn: r.published_on,
      exposedMachines: toCount(r.exposed),
    })),
    total: toCount(n),
    page,
    pageSize,
  };
}

/** The CVEs on one device (already checked to be in the caller's scope), with catalogue details. */
export async function listDeviceVulnerabilities(
  db: Kysely<Database>,
  device: { tenant: string; id: string },
  request: PageRequest & { sort?: (typeof deviceVulnerabilitySortFields)[number]; order?: SortOrder },
): Promise<ListPage<DeviceVulnerabilityView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const severity = sql<string | null>`coalesce(dv.severity, v.severity)`;
  const sortKey = {
    severity: levelRank(severity, severityLevels),
    cvss: 'v.cvss_v3',
    cveId: 'dv.cve_id',
  }[request.sort ?? 'severity'];
  const from = () =>
    db
      .selectFrom('device_vulnerabilities as dv')
      .where('dv.tenant', '=', device.tenant)
      .where('dv.device_id', '=', device.id);
  const rows = await from()
    .leftJoin('vulnerabilities as v', (join) =>
      join.onRef('v.tenant', '=', 'dv.tenant').onRef('v.id', '=', 'dv.cve_id'),
    )
    .select([
      'dv.cve_id',
      severity.as('sev'),
      'v.cvss_v3',
      'v.public_exploit',
      'v.description',
      'dv.product_vendor',
      'dv.product_name',
      'dv.product_version',
      'dv.fixing_kb_id',
    ])
    .orderBy(
      orderBy(sortKey, request.order ?? (request.sort === 'cveId' ? 'asc' : 'desc'), [
        'dv.cve_id',
        'dv.product_vendor',
        'dv.product_name',
        'dv.product_version',
      ]),
    )
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await from()
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      cveId: r.cve_id,
      severity: r.sev,
      cvssV3: r.cvss_v3 === null ? null : Number(r.cvss_v3),
      publicExploit: Number(r.public_exploit) === 1,
      description: r.description,
      productVendor: r.product_vendor,
      productName: r.product_name,
      productVersion: r.product_version,
      fixingKbId: r.fixing_kb_id,
    })),
    total: toCount(n),
    page,
    pageSize,
  };
}

export interface SoftwareListRequest extends PageRequest {
  tenant?: string;
  /** Name or vendor substring. */
  q?: string;
}

/** The tenant's software inventory, most exposed first (limited callers: software on their own devices). */
export async function listSoftware(
  db: Kysely<Database>,
  request: SoftwareListRequest,
  groups: DeviceGroups,
): Promise<ListPage<SoftwareView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const exposure =
    scopedExposure(
      groups,
      sql<SqlBool>`dv.tenant = s.tenant and dv.product_vendor = s.vendor and dv.product_name = s.name`,
    ) ?? sql<number>`s.exposed_machines`;
  const where: RawBuilder<SqlBool>[] = [];
  if (groups !== null) where.push(sql<SqlBool>`${exposure} > 0`);
  if (request.tenant !== undefined) where.push(sql<SqlBool>`s.tenant = ${request.tenant}`);
  const q = request.q?.trim();
  if (q) where.push(sql<SqlBool>`(${containsText('s.name', q)} or ${containsText('s.vendor', q)})`);
  const condition = allOf(where);
  const rows = await db
    .selectFrom('software as s')
    .select([
      's.id',
      's.tenant',
      's.name',
      's.vendor',
      's.weaknesses',
      's.public_exploit',
      exposure.as('exposed'),
    ])
    .where(condition)
    .orderBy(orderBy(exposure, 'desc', ['s.name', 's.id', 's.tenant']))
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('software as s')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(condition)
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant,
      name: r.name,
      vendor: r.vendor,
      exposedMachines: toCount(r.exposed),
      publicExploit: Number(r.public_exploit) === 1,
      weaknesses: toCount(r.weaknesses),
    })),
    total: toCount(n),
    page,
    pageSize,
  };
}

/**
 * The software on one device, as the per-device vulnerability export reveals it (the only per-device
 * inventory synced so far): one row per product version, `weaknesses` = its CVEs on this device.
 */
export async function listDeviceSoftware(
  db: Kysely<Database>,
  device: { tenant: string; id: string },
  request: PageRequest,
  groups: DeviceGroups,
): Promise<ListPage<SoftwareView>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const exposure =
    scopedExposure(
      groups,
      sql<SqlBool>`dv.tenant = p.tenant and dv.product_vendor = p.product_vendor and dv.product_name = p.product_name`,
    ) ?? sql<number | null>`s.exposed_machines`;
  const products = db
    .selectFrom('device_vulnerabilities as dv')
    .select(['dv.tenant', 'dv.product_vendor', 'dv.product_name', 'dv.product_version'])
    .select(sql<number>`count(distinct dv.cve_id)`.as('cves'))
    .where('dv.tenant', '=', device.tenant)
    .where('dv.device_id', '=', device.id)
    .groupBy(['dv.tenant', 'dv.product_vendor', 'dv.product_name', 'dv.product_version']);
  const rows = await db
    .selectFrom(products.as('p'))
    .leftJoin('software as s', (join) =>
      join
        .onRef('s.tenant', '=', 'p.tenant')
        .onRef('s.vendor', '=', 'p.product_vendor')
        .onRef('s.name', '=', 'p.product_name'),
    )
    .select([
      'p.product_vendor',
      'p.product_name',
      'p.product_version',
      'p.cves',
      's.id',
      exposure.as('exposed'),
      's.public_exploit',
    ])
    .orderBy('p.product_vendor')
    .orderBy('p.product_name')
    .orderBy('p.product_version')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom(products.as('p'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return {
    items: rows.map((r) => ({
      // Defender's software IDs are `vendor-_-name`; a product not (yet) in the catalogue gets the same shape.
      id: r.id ?? `${r.product_vendor}-_-${r.product_name}`,
      tenantId: device.tenant,
      name: r.product_name,
      vendor: r.product_vendor,
      version: r.product_version,
      exposedMachines: toCount(r.exposed),
      publicExploit: Number(r.public_exploit) === 1,
      weaknesses: toCount(r.cves),
    })),
    total: toCount(n),
    page,
    pageSize,
  };
}
