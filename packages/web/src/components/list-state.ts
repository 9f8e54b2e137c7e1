import { useState } from 'react';
import { useQueryState } from '../router.js';

/**
 * Paging, sorting and filters of a list page, all kept in the URL query so a view is a shareable link and
 * back/forward walk through it. `filterKeys` are passed to the API as they are.
 */
export function useListState(filterKeys: readonly string[], defaults: { pageSize?: number } = {}) {
  const [search, set] = useQueryState();
  const page = Math.max(1, Number(search.get('page')) || 1);
  const pageSize = Number(search.get('pageSize')) || defaults.pageSize || 50;
  const sort = search.get('sort');
  const order: 'asc' | 'desc' = search.get('order') === 'desc' ? 'desc' : 'asc';
  const filters: Record<string, string> = {};
  for (const key of filterKeys) filters[key] = search.get(key) ?? '';
  const active = filterKeys.some((key) => filters[key] !== '');
  return {
    page,
    pageSize,
    sort,
    order,
    filters,
    active,
    /** The API query: filters plus paging and sorting. */
    query: { ...filters, page, pageSize, sort: sort ?? undefined, order: sort ? order : undefined },
    /** The URL query string, used as the request key. */
    key: search.toString(),
    setFilter: (name: string, value: string, options?: { replace?: boolean }) =>
      set({ [name]: value }, options),
    clearFilters: () => set(Object.fromEntries(filterKeys.map((name) => [name, null]))),
    setPage: (next: number) => set({ page: next > 1 ? String(next) : null }),
    setPageSize: (size: number) => set({ pageSize: String(size) }),
    setSort: (field: string, direction: 'asc' | 'desc') => set({ sort: field, order: direction }),
  };
}

export type ListState = ReturnType<typeof useListState>;

/** The same shape kept in component state, for lists inside a tab whose URL already names the tab. */
export function useLocalListState(pageSize = 25): ListState {
  const [state, setState] = useState({
    page: 1,
    pageSize,
    sort: null as string | null,
    order: 'asc' as 'asc' | 'desc',
  });
  return {
    ...state,
    filters: {},
    active: false,
    query: {
      page: state.page,
      pageSize: state.pageSize,
      sort: state.sort ?? undefined,
      order: state.sort ? state.order : undefined,
    },
    key: JSON.stringify(state),
    setFilter: () => {},
    clearFilters: () => {},
    setPage: (page) => setState((s) => ({ ...s, page })),
    setPageSize: (size) => setState((s) => ({ ...s, page: 1, pageSize: size })),
    setSort: (sort, order) => setState((s) => ({ ...s, page: 1, sort, order })),
  };
}
