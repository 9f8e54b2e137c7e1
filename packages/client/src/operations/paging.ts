/**
 * Listing Defender collections completely (STYLE.md 4; pitfalls "Paging and large tenants").
 *
 * `@odata.nextLink` is never trusted alone: it is absent whenever `$top` is given and has been seen to
 * mangle `$filter` on each hop (MicrosoftDocs#8316). Every page is asked for with `$top` + `$skip` and the
 * walk ends on a short page. Items are de-duplicated by id across pages (offsets slide when the tenant
 * changes mid-walk), and the listing says whether it is known complete: a sync must never remove devices
 * after a listing that ended early.
 */
export interface Page<T> {
  items: T[];
  /** `$skip` this page was asked for with. */
  skip: number;
  /** Zero-based page number. */
  index: number;
}

export interface ListingState {
  /** True once the walk reached a short page without error; false while running or after an error. */
  complete: boolean;
  pages: number;
  items: number;
  /** Items seen twice because the collection shifted under the walk (skipped). */
  duplicatesSkipped: number;
}

export interface PagedList<T> extends AsyncIterable<T> {
  /** Page by page (the sync engine checkpoints per page). */
  byPage(): AsyncIterable<Page<T>>;
  /** Live state of the most recent walk. */
  readonly state: ListingState;
}

export type FetchPage<T> = (skip: number, top: number) => Promise<T[]>;

/**
 * A collection walked with `$top`/`$skip` pages of `pageSize` until a short page. With `readAhead`, the
 * next page is asked for as soon as a full page arrives, so its transfer overlaps the caller's work on the
 * current one (a bulk sync writing pages to a database); at most one page is held in reserve, and a short
 * page asks for nothing more, so the calls made are the same.
 */
export function pagedList<T>(
  fetchPage: FetchPage<T>,
  options: { pageSize: number; idOf?: (item: T) => string; readAhead?: boolean },
): PagedList<T> {
  const state: ListingState = { complete: false, pages: 0, items: 0, duplicatesSkipped: 0 };
  const pages = async function* (): AsyncGenerator<Page<T>> {
    Object.assign(state, { complete: false, pages: 0, items: 0, duplicatesSkipped: 0 });
    const seen = options.idOf ? new Set<string>() : undefined;
    let ahead: Promise<T[]> | undefined;
    for (let skip = 0, index = 0; ; skip += options.pageSize, index++) {
      const raw = await (ahead ?? fetchPage(skip, options.pageSize));
      ahead = undefined;
      if (options.readAhead && raw.length >= options.pageSize) {
        ahead = fetchPage(skip + options.pageSize, options.pageSize);
        // Settled later by the loop; a caller that stops first must not leave an unhandled rejection.
        ahead.catch(() => {});
      }
      let items = raw;
      if (seen && options.idOf) {
        const idOf = options.idOf;
        items = raw.filter((item) => {
          const id = idOf(item);
          if (seen.has(id)) {
            state.duplicatesSkipped++;
            return false;
          }
          seen.add(id);
          return true;
        });
      }
      state.pages++;
      state.items += items.length;
      const last = raw.length < options.pageSize;
      if (last) state.complete = true;
      yield { items, skip, index };
      if (last) return;
    }
  };
  return {
    state,
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.items;
    },
  };
}

/** Graph pages by `@odata.nextLink` (Graph documents it; no `$skip` stepping there). */
export function nextLinkList<T>(
  first: string,
  fetchPage: (url: string) => Promise<{ value: T[]; nextLink?: string }>,
): PagedList<T> {
  const state: ListingState = { complete: false, pages: 0, items: 0, duplicatesSkipped: 0 };
  const pages = async function* (): AsyncGenerator<Page<T>> {
    Object.assign(state, { complete: false, pages: 0, items: 0, duplicatesSkipped: 0 });
    let url: string | undefined = first;
    for (let index = 0; url; index++) {
      const page: { value: T[]; nextLink?: string } = await fetchPage(url);
      state.pages++;
      state.items += page.value.length;
      url = page.nextLink;
      if (!url) state.complete = true;
      yield { items: page.value, skip: state.items - page.value.length, index };
    }
  };
  return {
    state,
    byPage: pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.items;
    },
  };
}
