/**
 * The read side of the audit log: filtered, newest first, a page at a time (GET /audit) or walked in batches
 * (the export), never the whole table in memory.
 */
import { type Kysely, type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import type { AuditLogTable, Database } from '../store/schema.js';

/** The contract's `AuditEntry`. */
export interface AuditEntryView {
  id: string;
  at: string;
  actorKind: AuditLogTable['actor_kind'];
  actor: string;
  action: string;
  target: string | null;
  outcome: AuditLogTable['outcome'];
  detail: Record<string, unknown>;
  ip: string | null;
}

export interface AuditFilter {
  /** Exact actor name. */
  actor?: string;
  /** Action prefix: `tenant.` matches `tenant.created`, `tenant.removed`… */
  action?: string;
  outcome?: AuditLogTable['outcome'];
  /** Inclusive lower bound on `at` (ISO-8601). */
  from?: string;
  /** Exclusive upper bound on `at` (ISO-8601). */
  to?: string;
}

export function toAuditEntryView(row: Selectable<AuditLogTable>): AuditEntryView {
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    detail = {};
  }
  return {
    id: String(row.id),
    at: row.at,
    actorKind: row.actor_kind,
    actor: row.actor,
    action: row.action,
    target: row.target,
    outcome: row.outcome,
    detail,
    ip: row.ip,
  };
}

function filtered<O>(query: SelectQueryBuilder<Database, 'audit_log', O>, filter: AuditFilter) {
  let q = query;
  if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
  if (filter.action !== undefined) {
    // substr rather than LIKE: `_` and `%` stay literal, and both engines compare case-sensitively.
    const prefix = filter.action;
    q = q.where(sql<string>`substr(action, 1, ${[...prefix].length})`, '=', prefix);
  }
  if (filter.outcome !== undefined) q = q.where('outcome', '=', filter.outcome);
  if (filter.from !== undefined) q = q.where('at', '>=', filter.from);
  if (filter.to !== undefined) q = q.where('at', '<', filter.to);
  return q;
}

export async function queryAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
  page: { page: number; pageSize: number },
): Promise<{ items: AuditEntryView[]; total: number }> {
  const count = await filtered(db.selectFrom('audit_log'), filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const rows = await filtered(db.selectFrom('audit_log').selectAll(), filter)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { items: rows.map(toAuditEntryView), total: Number(count.n) };
}

/**
 * Every matching entry, newest id first, fetched `batchSize` rows at a time by keyset (id below the last one
 * seen), so an export of millions of rows holds one batch in memory and never re-reads an offset.
 */
export async function* walkAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
  batchSize = 500,
): AsyncGenerator<AuditEntryView[]> {
  let below: number | null = null;
  for (;;) {
    let query = filtered(db.selectFrom('audit_log').selectAll(), filter);
    if (below !== null) query = query.where('id', '<', below);
    const rows = await query.orderBy('id', 'desc').limit(batchSize).execute();
    if (rows.length === 0) return;
    yield rows.map(toAuditEntryView);
    if (rows.length < batchSize) return;
    below = Number(rows[rows.length - 1].id);
  }
}
