import { type RawBuilder, type SqlBool, sql } from 'kysely';

/** Device group names a caller is limited to (`Principal.deviceGroups`); null = every group. */
export type DeviceGroups = readonly string[] | null;

/**
 * The condition that keeps a caller inside its device groups, on a device row's `rbac_group_name` column
 * (e.g. `d.rbac_group_name`). A limited caller never sees a device without a group: an ungrouped device is
 * not "in" any of them.
 */
export function inDeviceScope(groups: DeviceGroups, groupColumn: string): RawBuilder<SqlBool> {
  if (groups === null) return sql<SqlBool>`1 = 1`;
  if (groups.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`${sql.ref(groupColumn)} in (${sql.join(groups)})`;
}

/** All conditions joined with `and` (an empty list matches everything). */
export function allOf(conditions: RawBuilder<SqlBool>[]): RawBuilder<SqlBool> {
  return conditions.length === 0 ? sql<SqlBool>`1 = 1` : sql<SqlBool>`${sql.join(conditions, sql` and `)}`;
}

/** `text` with LIKE's wildcards escaped (pair the pattern with `escape '\'`). */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `%text%` for LIKE, wildcards in `text` escaped. */
export function containsPattern(text: string): string {
  return `%${likeLiteral(text)}%`;
}

/** Case-insensitive substring match on both engines (SQLite's LIKE folds ASCII case, PostgreSQL's does not). */
export function containsText(column: string, text: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`lower(${sql.ref(column)}) like ${containsPattern(text.toLowerCase())} escape '\\'`;
}
