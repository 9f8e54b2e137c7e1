import type { Kysely } from 'kysely';
import type { HostFilters, HostSort } from '../hosts/host-queries.js';
import type { HostSummary } from '../hosts/host-view.js';
import type { ListPage, PageRequest } from '../hosts/list-page.js';
import { pageWindow, toCount } from '../hosts/list-page.js';
import type { SortOrder } from '../hosts/sort-order.js';
import type { Database } from '../store/schema.js';
import { endpointConditions } from './endpoints.js';

/** Filters only a Defender device can pass: an unmanaged endpoint has no tenant, OS, health, tags or group. */
const deviceOnly = [
  'tenant',
  'os',
  'health',
  'exposure',
  'risk',
  'tag',
  'group',
  'onboarding',
  'riskLevel',
] as const;

/**
 * The unmanaged endpoints as host-list rows (`GET /hosts?managed=false`): the asset view is Defender's devices
 * plus these. Their `id` is the endpoint's; tenant fields are empty strings.
 */
export async function listUnmanagedHosts(
  db: Kysely<Database>,
  request: HostFilters & PageRequest & { sort?: HostSort; order?: SortOrder },
  groups: readonly string[] | null,
): Promise<ListPage<HostSummary>> {
  const { page, pageSize, limit, offset } = pageWindow(request);
  const filtered = request as Record<string, unknown>;
  if (
    deviceOnly.some((key) => filtered[key] !== undefined) ||
    (request.isolation !== undefined && request.isolation !== 'unknown')
  ) {
    return { items: [], total: 0, page, pageSize };
  }
  const where = endpointConditions({ managed: false, q: request.q }, groups);
  const direction = request.order ?? (request.sort === 'lastSeen' ? 'desc' : 'asc');
  const rows = await db
    .selectFrom('endpoints as e')
    .selectAll('e')
    .where(where)
    .orderBy(request.sort === 'lastSeen' ? 'e.last_seen_at' : 'e.hostname', direction)
    .orderBy('e.id')
    .limit(limit)
    .offset(offset)
    .execute();
  const { n } = await db
    .selectFrom('endpoints as e')
    .select((eb) => eb.fn.countAll().as('n'))
    .where(where)
    .executeTakeFirstOrThrow();
  const items = rows.map(
    (e): HostSummary => ({
      id: e.id,
      tenantId: '',
      tenantName: '',
      name: e.hostname ?? e.ip ?? e.id,
      os: null,
      osVersion: null,
      healthStatus: null,
      onboardingStatus: null,
      riskScore: null,
      exposureLevel: null,
      riskLevel: null,
      deviceValue: null,
      isolationState: 'unknown',
      lastSeen: e.last_seen_at,
      lastIpAddress: e.ip,
      tags: [],
      deviceGroup: null,
      managed: false,
      removed: false,
    }),
  );
  return { items, total: toCount(n), page, pageSize };
}
