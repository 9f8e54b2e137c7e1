import type { Alert } from '../api/types.js';
import { AlertPanel } from '../components/alert-panel.js';
import { alertColumns } from '../components/columns.js';
import { DateTimeFilter, FilterBar, FilterSelect, SearchBox } from '../components/filters.js';
import { useListState } from '../components/list-state.js';
import { ListView } from '../components/list-view.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState } from '../components/status.js';
import { useTenantOptions } from '../components/tenant-options.js';
import { useQueryState } from '../router.js';

const filterKeys = ['q', 'tenant', 'severity', 'status', 'machineId', 'from', 'to'];
const severities = ['High', 'Medium', 'Low', 'Informational'].map((value) => ({ value, label: value }));
const statuses = [
  { value: 'New', label: 'New' },
  { value: 'InProgress', label: 'In progress' },
  { value: 'Resolved', label: 'Resolved' },
];

export function AlertsPage() {
  const list = useListState(filterKeys);
  const [search, set] = useQueryState();
  const tenants = useTenantOptions();
  const open = search.get('alert');
  const { filters, setFilter } = list;
  return (
    <>
      <PageHeader title="Alerts" subtitle="Defender alerts, newest update first" />
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Search alerts"
          value={filters.q}
          placeholder="Title"
          onSearch={(v, o) => setFilter('q', v, o)}
        />
        <FilterSelect
          label="Tenant"
          value={filters.tenant}
          options={tenants}
          onChange={(v) => setFilter('tenant', v)}
        />
        <FilterSelect
          label="Severity"
          value={filters.severity}
          options={severities}
          onChange={(v) => setFilter('severity', v)}
        />
        <FilterSelect
          label="Status"
          value={filters.status}
          options={statuses}
          onChange={(v) => setFilter('status', v)}
        />
        <DateTimeFilter label="From" value={filters.from} onChange={(v) => setFilter('from', v)} />
        <DateTimeFilter label="To" value={filters.to} onChange={(v) => setFilter('to', v)} />
      </FilterBar>
      <div className={open ? 'with-panel' : ''}>
        <ListView<Alert>
          caption="Alerts"
          path="/alerts"
          state={list}
          columns={alertColumns(true)}
          rowKey={(a) => a.id}
          selectedKey={open}
          onRowClick={(a) => set({ alert: a.id, page: search.get('page') })}
          empty={
            <EmptyState title="No alerts.">
              Alerts appear here once an alert sync has run and Defender has raised alerts on your devices.
            </EmptyState>
          }
        />
        {open && <AlertPanel id={open} onClose={() => set({ alert: null, page: search.get('page') })} />}
      </div>
    </>
  );
}
