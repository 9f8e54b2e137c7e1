import { type Expression, type RawBuilder, sql } from 'kysely';

export type SortOrder = 'asc' | 'desc';

/** Defender's ordinal text levels, lowest first: sorting them alphabetically would put High before Low. */
export const riskLevels = ['None', 'Informational', 'Low', 'Medium', 'High'] as const;
export const exposureLevels = ['None', 'Low', 'Medium', 'High'] as const;
export const severityLevels = ['Informational', 'Low', 'Medium', 'High', 'Critical'] as const;

/** The rank of a level column (null for an unknown or missing value, so it sorts with the nulls). */
export function levelRank(
  column: string | Expression<unknown>,
  levels: readonly string[],
): RawBuilder<number | null> {
  const value = typeof column === 'string' ? sql.ref(column) : column;
  const whens = levels.map((level, rank) => sql`when ${level} then ${sql.lit(rank)}`);
  return sql<number | null>`case ${value} ${sql.join(whens, sql` `)} else null end`;
}

/**
 * `ORDER BY key dir, id dir, …` with NULLs as the smallest value (first ascending, last descending) on both
 * engines — SQLite's own order, so its indexes serve the sort; PostgreSQL would put them the other way round.
 * The tie-breakers are unique, so pages neither repeat nor skip rows.
 */
export function orderBy(
  key: Expression<unknown> | string,
  order: SortOrder,
  tieBreakers: string[],
): RawBuilder<unknown> {
  const dir = sql.raw(order === 'desc' ? 'desc' : 'asc');
  const nulls = sql.raw(order === 'desc' ? 'nulls last' : 'nulls first');
  const main = typeof key === 'string' ? sql.ref(key) : key;
  const ties = tieBreakers.map((column) => sql`${sql.ref(column)} ${dir}`);
  return sql`${main} ${dir} ${nulls}, ${sql.join(ties)}`;
}
