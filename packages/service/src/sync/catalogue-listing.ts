/**
 * Catalogue-like listings (CVE catalogue, software, recommendations): walked page by page, each page upserted
 * in its own transaction; rows a *complete* listing did not return are deleted (an incomplete listing deletes
 * nothing: pitfalls "Paging and large tenants").
 */
import type { PagedList } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { RunCounters } from './run-recorder.js';
import type { Resource, SyncContext } from './sync-context.js';

export type CatalogueTable = 'vulnerabilities' | 'software' | 'recommendations';

export async function syncCatalogue<T>(
  ctx: SyncContext,
  run: RunCounters,
  resource: Resource,
  table: CatalogueTable,
  open: () => PagedList<T>,
  writePage: (db: Kysely<Database>, items: T[], now: string) => Promise<void>,
): Promise<void> {
  const { db } = ctx.store;
  const startedAt = new Date().toISOString();
  const list = open();
  const callsBefore = run.apiCalls;
  for await (const page of list.byPage()) {
    run.apiCalls = callsBefore + list.state.pages;
    const now = new Date().toISOString();
    if (page.items.length > 0) await db.transaction().execute((trx) => writePage(trx, page.items, now));
    run.fetched += page.items.length;
    run.upserted += page.items.length;
    ctx.onProgress?.({ resource, pages: run.apiCalls, items: run.fetched });
  }
  if (!list.state.complete) throw new Error(`the ${table} listing ended before its last page`);
  run.removed += await deleteUnseen(db, ctx.tenant, table, startedAt);
}

/** Rows of a catalogue table a complete listing started at `listingStartedAt` did not write. */
async function deleteUnseen(
  db: Kysely<Database>,
  tenant: string,
  table: CatalogueTable,
  listingStartedAt: string,
): Promise<number> {
  // Every catalogue table has `tenant` and `synced_at`; kysely cannot narrow a union of table names.
  const result = await db
    .deleteFrom(table as 'software')
    .where('tenant', '=', tenant)
    .where('synced_at', '<', listingStartedAt)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** `excluded.<column>` for each column: the conflict update of an upsert. */
export function excludedSet(columns: readonly string[]) {
  // biome-ignore lint/suspicious/noExplicitAny: the expression builder of a generic table
  return (eb: any) => Object.fromEntries(columns.map((c) => [c, eb.ref(`excluded.${c}`)]));
}
