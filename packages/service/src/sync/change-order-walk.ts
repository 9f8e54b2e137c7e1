import type { PagedList } from '@mde-bridge/client';
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { writeCursor } from './cursors.js';
import type { RunCounters } from './run-recorder.js';
import { maxIso, type Resource, type SyncContext } from './sync-context.js';

export interface ChangeOrderWalk<T> {
  resource: Resource;
  /** The listing from a cursor (none: everything), ordered by change time ascending. */
  listFrom(cursor: string | undefined): PagedList<T>;
  changedAt(item: T): string | null;
  /** The cursor before the walk (undefined on a first, full listing). */
  startCursor: string | undefined;
  /** Writes one page's rows; runs in the transaction that also moves the cursor. */
  apply(db: Kysely<Database>, items: T[], run: RunCounters): Promise<void>;
}

/**
 * Walks a change-ordered listing page by page; each page's rows and the cursor (newest change time seen)
 * commit in one transaction, so a process killed at any point resumes from a cursor that never runs ahead
 * of the stored rows, and the overlap re-read is absorbed by the (id, change time) de-duplication. A
 * listing that fails mid-way (the client has spent its retries) resumes from the committed cursor the same
 * way on the next run.
 *
 * `$skip` paging has one blind spot: a row changed mid-walk moves to the end of the ordering, every later
 * row slides back one place, and the row at the next page boundary is never returned (the moved row shows
 * up twice, which the client counts as `duplicatesSkipped` — and drops, with its new version). Both rows
 * changed no earlier than the walk's first page's newest change time, so when that happened the cursor is
 * set back there: the next run re-reads them; nothing is counted twice.
 */
export async function walkInChangeOrder<T>(ctx: SyncContext, run: RunCounters, walk: ChangeOrderWalk<T>) {
  let cursor = walk.startCursor ?? null;
  const list = walk.listFrom(cursor ?? undefined);
  const callsBefore = run.apiCalls;
  let afterFirstPage: string | null = null;
  try {
    for await (const page of list.byPage()) {
      run.apiCalls = callsBefore + list.state.pages;
      for (const item of page.items) cursor = maxIso(cursor, walk.changedAt(item));
      await ctx.store.db.transaction().execute(async (trx) => {
        await walk.apply(trx, page.items, run);
        if (cursor) await writeCursor(trx, ctx.tenant, walk.resource, cursor);
      });
      if (page.index === 0) afterFirstPage = cursor;
      run.fetched += page.items.length;
      ctx.onProgress?.({ resource: walk.resource, pages: run.apiCalls, items: run.fetched });
    }
  } finally {
    // Also after a failed walk: the pages that did commit may hold the moved row's second sighting.
    if (list.state.duplicatesSkipped > 0 && afterFirstPage && cursor && afterFirstPage < cursor)
      await writeCursor(ctx.store.db, ctx.tenant, walk.resource, afterFirstPage);
  }
}
