/**
 * Saved hunting queries and the hunting history, both per user (CONTRACT.md `SavedQuery`, `HuntingRun`). The
 * owner is users.id, or `token:<id>` for an API token; another owner's query is "not found", never shown.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export interface SavedQuery {
  id: string;
  name: string;
  query: string;
  createdAt: string;
  updatedAt: string;
}

export interface HuntingRunView {
  id: string;
  tenantId: string;
  purpose: 'user' | 'stitch' | 'probe';
  query: string;
  api: 'mde' | 'graph' | null;
  state: 'succeeded' | 'failed' | 'refused';
  rowCount: number | null;
  executionSeconds: number | null;
  error: string | null;
  startedAt: string;
  durationMs: number | null;
}

/** A saved query of that name already exists for the owner. */
export class DuplicateQueryNameError extends Error {
  override name = 'DuplicateQueryNameError';
}

const toSaved = (r: Database['hunting_queries']): SavedQuery => ({
  id: r.id,
  name: r.name,
  query: r.query,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export async function listSavedQueries(db: Kysely<Database>, owner: string): Promise<SavedQuery[]> {
  const rows = await db
    .selectFrom('hunting_queries')
    .selectAll()
    .where('owner', '=', owner)
    .orderBy('name')
    .execute();
  return rows.map(toSaved);
}

async function nameTaken(db: Kysely<Database>, owner: string, name: string, except?: string) {
  let q = db.selectFrom('hunting_queries').select('id').where('owner', '=', owner).where('name', '=', name);
  if (except) q = q.where('id', '!=', except);
  return (await q.executeTakeFirst()) !== undefined;
}

export async function createSavedQuery(
  db: Kysely<Database>,
  owner: string,
  input: { name: string; query: string },
  now: Date,
): Promise<SavedQuery> {
  if (await nameTaken(db, owner, input.name))
    throw new DuplicateQueryNameError(`you already have a saved query named '${input.name}'`);
  const at = now.toISOString();
  const row = {
    id: randomUUID(),
    owner,
    name: input.name,
    query: input.query,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('hunting_queries').values(row).execute();
  return toSaved(row);
}

/** Updates the owner's query; undefined when it is not theirs (or does not exist). */
export async function updateSavedQuery(
  db: Kysely<Database>,
  owner: string,
  id: string,
  input: { name: string; query: string },
  now: Date,
): Promise<SavedQuery | undefined> {
  const row = await db
    .selectFrom('hunting_queries')
    .selectAll()
    .where('id', '=', id)
    .where('owner', '=', owner)
    .executeTakeFirst();
  if (!row) return undefined;
  if (await nameTaken(db, owner, input.name, id))
    throw new DuplicateQueryNameError(`you already have a saved query named '${input.name}'`);
  const updated = { ...row, name: input.name, query: input.query, updated_at: now.toISOString() };
  await db
    .updateTable('hunting_queries')
    .set({ name: updated.name, query: updated.query, updated_at: updated.updated_at })
    .where('id', '=', id)
    .execute();
  return toSaved(updated);
}

/** Deletes the owner's query; false when it is not theirs (or does not exist). */
export async function deleteSavedQuery(db: Kysely<Database>, owner: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('hunting_queries')
    .where('id', '=', id)
    .where('owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function toRunView(r: Database['hunting_runs']): HuntingRunView {
  return {
    id: r.id,
    tenantId: r.tenant,
    purpose: r.purpose as HuntingRunView['purpose'],
    query: r.query,
    api: r.api as HuntingRunView['api'],
    state: r.state as HuntingRunView['state'],
    rowCount: r.row_count === null ? null : Number(r.row_count),
    executionSeconds: r.execution_seconds === null ? null : Number(r.execution_seconds),
    error: r.error,
    startedAt: r.started_at,
    durationMs: r.duration_ms === null ? null : Number(r.duration_ms),
  };
}

/** The actor's runs, newest first. */
export async function listHuntingHistory(
  db: Kysely<Database>,
  actor: string,
  page: { page: number; pageSize: number },
): Promise<{ items: HuntingRunView[]; total: number; page: number; pageSize: number }> {
  const base = db.selectFrom('hunting_runs').where('actor', '=', actor);
  const total = Number(
    (await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
  );
  const rows = await base
    .selectAll()
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize)
    .execute();
  return { items: rows.map(toRunView), total, page: page.page, pageSize: page.pageSize };
}
