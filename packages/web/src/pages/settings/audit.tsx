import { apiUrl } from '../../api/client.js';
import type { AuditEntry } from '../../api/types.js';
import { Badge } from '../../components/badge.js';
import type { Column } from '../../components/data-table.js';
import { DateTimeFilter, FilterBar, FilterSelect, SearchBox } from '../../components/filters.js';
import { useListState } from '../../components/list-state.js';
import { ListView } from '../../components/list-view.js';
import { PageHeader } from '../../components/page-header.js';
import { EmptyState } from '../../components/status.js';
import { formatTime } from '../../format.js';

const filterKeys = ['actor', 'action', 'outcome', 'from', 'to'];

const columns: Column<AuditEntry>[] = [
  { key: 'at', header: 'Time', render: (e) => formatTime(e.at) },
  {
    key: 'actor',
    header: 'Actor',
    render: (e) => (
      <>
        {e.actor} <span className="muted small">({e.actorKind})</span>
      </>
    ),
  },
  { key: 'action', header: 'Action', render: (e) => <code>{e.action}</code> },
  { key: 'target', header: 'Target', render: (e) => e.target || '—' },
  { key: 'outcome', header: 'Outcome', render: (e) => <Badge value={e.outcome} /> },
  {
    key: 'detail',
    header: 'Detail',
    render: (e) =>
      Object.keys(e.detail ?? {}).length ? (
        <details>
          <summary>Show</summary>
          <pre className="detail-json">{JSON.stringify(e.detail, null, 2)}</pre>
        </details>
      ) : (
        '—'
      ),
  },
  { key: 'ip', header: 'IP', render: (e) => (e.ip ? <code>{e.ip}</code> : '—') },
];

export function AuditPage() {
  const list = useListState(filterKeys);
  const { filters, setFilter } = list;
  const exportHref = (format: 'csv' | 'json') => apiUrl('/audit/export', { ...filters, format });
  return (
    <>
      <PageHeader
        title="Audit log"
        subtitle="Sign-ins, configuration changes, tokens and response actions; append-only, newest first"
        actions={
          <div className="button-row">
            <a className="button" href={exportHref('csv')} download>
              Export CSV
            </a>
            <a className="button" href={exportHref('json')} download>
              Export JSON
            </a>
          </div>
        }
      />
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Actor"
          value={filters.actor}
          placeholder="User or token name"
          onSearch={(v, o) => setFilter('actor', v, o)}
        />
        <SearchBox
          label="Action"
          value={filters.action}
          placeholder="Prefix, e.g. tenant."
          onSearch={(v, o) => setFilter('action', v, o)}
        />
        <FilterSelect
          label="Outcome"
          value={filters.outcome}
          options={[
            { value: 'success', label: 'Success' },
            { value: 'failure', label: 'Failure' },
            { value: 'denied', label: 'Denied' },
          ]}
          onChange={(v) => setFilter('outcome', v)}
        />
        <DateTimeFilter label="From" value={filters.from} onChange={(v) => setFilter('from', v)} />
        <DateTimeFilter label="To" value={filters.to} onChange={(v) => setFilter('to', v)} />
      </FilterBar>
      <ListView<AuditEntry>
        caption="Audit log"
        path="/audit"
        state={list}
        columns={columns}
        rowKey={(e) => e.id}
        empty={<EmptyState title="The audit log is empty." />}
      />
    </>
  );
}
