import type { ReactNode } from 'react';

export interface Column<T> {
  key: string;
  header: string;
  render: (row: T) => ReactNode;
  /** The API's sort field when the column is sortable. */
  sort?: string;
  className?: string;
}

export interface SortState {
  sort: string | null;
  order: 'asc' | 'desc';
  onSort: (sort: string, order: 'asc' | 'desc') => void;
}

/** A real <table> with <th> headers; sortable headers are buttons that toggle the order. */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  sorting,
  onRowClick,
  selectedKey,
  caption,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  sorting?: SortState;
  onRowClick?: (row: T) => void;
  selectedKey?: string | null;
  caption?: string;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        {caption && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => {
              const active = sorting && column.sort && sorting.sort === column.sort;
              const ariaSort = active ? (sorting.order === 'asc' ? 'ascending' : 'descending') : undefined;
              return (
                <th key={column.key} scope="col" aria-sort={ariaSort} className={column.className}>
                  {sorting && column.sort ? (
                    <button
                      type="button"
                      className="sort-button"
                      onClick={() =>
                        sorting.onSort(column.sort!, active && sorting.order === 'asc' ? 'desc' : 'asc')
                      }
                    >
                      {column.header}
                      <span className="sort-mark" aria-hidden="true">
                        {active ? (sorting.order === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    column.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const key = rowKey(row);
            return (
              <tr
                key={key}
                className={`${onRowClick ? 'clickable' : ''} ${selectedKey === key ? 'selected' : ''}`}
                onClick={onRowClick ? () => onRowClick(row) : undefined}
              >
                {columns.map((column) => (
                  <td key={column.key} className={column.className}>
                    {column.render(row)}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
