import type { ReactNode } from 'react';
import { api } from '../api/client.js';
import type { ListPage } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { type Column, DataTable } from './data-table.js';
import type { ListState } from './list-state.js';
import { Pager } from './pager.js';
import { EmptyState, ErrorMessage, Loading } from './status.js';

/** A paged, sortable list from one contract route: loading, error and empty states included. */
export function ListView<T>({
  path,
  state,
  columns,
  rowKey,
  empty,
  emptyFiltered = 'Nothing matches these filters. Clear some filters to see more.',
  onRowClick,
  selectedKey,
  caption,
  sortable = true,
}: {
  path: string;
  state: ListState;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: ReactNode;
  emptyFiltered?: string;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  caption: string;
  /** False for routes that take no `sort` (the host's alerts, software and actions). */
  sortable?: boolean;
}) {
  const list = useApi(() => api.get<ListPage<T>>(path, state.query), `${path}?${state.key}`);
  if (list.error) return <ErrorMessage error={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  if (list.data.items.length === 0 && list.data.page <= 1) {
    return state.active ? <EmptyState title={emptyFiltered} /> : empty;
  }
  return (
    <div className={`card card-flush ${list.loading ? 'is-loading' : ''}`} aria-busy={list.loading}>
      <DataTable
        caption={caption}
        columns={columns}
        rows={list.data.items}
        rowKey={rowKey}
        sorting={sortable ? { sort: state.sort, order: state.order, onSort: state.setSort } : undefined}
        onRowClick={onRowClick}
        selectedKey={selectedKey}
      />
      <Pager
        page={list.data.page}
        pageSize={list.data.pageSize}
        total={list.data.total}
        onPage={state.setPage}
        onPageSize={state.setPageSize}
      />
    </div>
  );
}
