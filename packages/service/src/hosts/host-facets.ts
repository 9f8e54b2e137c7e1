import { type Kysely, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../store/schema.js';
import { allOf, type DeviceGroups, inDeviceScope } from './device-scope.js';
import { stringArray, toCount } from './list-page.js';

export interface FacetValue {
  value: string;
  count: number;
}

export interface HostFacets {
  os: FacetValue[];
  health: FacetValue[];
  risk: FacetValue[];
  exposure: FacetValue[];
  isolation: FacetValue[];
  groups: FacetValue[];
  tags: FacetValue[];
}

/** A missing value is counted under this name, so the counts of a facet add up to the number of hosts. */
export const UNKNOWN = 'unknown';

/**
 * How many live (not removed) hosts the caller may see have each value of the filterable fields, for the
 * filter pickers and the dashboard charts; one grouped query per facet, largest count first.
 */
export async function hostFacets(
  db: Kysely<Database>,
  groups: DeviceGroups,
  tenant?: string,
): Promise<HostFacets> {
  const scope: RawBuilder<SqlBool>[] = [
    inDeviceScope(groups, 'd.rbac_group_name'),
    sql<SqlBool>`d.removed_at is null`,
  ];
  if (tenant !== undefined) scope.push(sql<SqlBool>`d.tenant = ${tenant}`);
  const where = allOf(scope);
  const facet = async (column: string): Promise<FacetValue[]> => {
    const value = sql<string | null>`${sql.ref(column)}`;
    let from = db.selectFrom('devices as d');
    // Only the isolation facet needs the join (a lookup per device).
    if (column.startsWith('i.')) {
      from = from.leftJoin('isolation_states as i', (join) =>
        join.onRef('i.tenant', '=', 'd.tenant').onRef('i.machine_id', '=', 'd.id'),
      ) as unknown as typeof from;
    }
    const rows = await from
      .select([value.as('value'), (eb) => eb.fn.countAll().as('n')])
      .where(where)
      .groupBy(value)
      .execute();
    return sorted(rows.map((r) => ({ value: r.value ?? UNKNOWN, count: toCount(r.n) })));
  };
  // Tags are a JSON array per device: group by the whole array (few distinct combinations), then split.
  const tagSets = await facet('d.machine_tags');
  const tags = new Map<string, number>();
  for (const set of tagSets) {
    for (const tag of new Set(stringArray(set.value))) tags.set(tag, (tags.get(tag) ?? 0) + set.count);
  }
  return {
    os: await facet('d.os_platform'),
    health: await facet('d.health_status'),
    risk: await facet('d.risk_score'),
    exposure: await facet('d.exposure_level'),
    isolation: await facet('i.state'),
    groups: await facet('d.rbac_group_name'),
    tags: sorted([...tags].map(([value, count]) => ({ value, count }))),
  };
}

function sorted(values: FacetValue[]): FacetValue[] {
  return merge(values).sort(
    (a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

/** Two rows can map to the same value (null and a literal 'unknown'); add them up. */
function merge(values: FacetValue[]): FacetValue[] {
  const byValue = new Map<string, number>();
  for (const v of values) byValue.set(v.value, (byValue.get(v.value) ?? 0) + v.count);
  return [...byValue].map(([value, count]) => ({ value, count }));
}
