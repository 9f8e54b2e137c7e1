import type { MachineAction } from '../api/types.js';
import { actionColumns } from '../components/columns.js';
import { FilterBar, FilterSelect } from '../components/filters.js';
import { useListState } from '../components/list-state.js';
import { ListView } from '../components/list-view.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState } from '../components/status.js';
import { useTenantOptions } from '../components/tenant-options.js';

const filterKeys = ['tenant', 'type', 'status', 'machineId'];
// Defender's machine action types and statuses (the `type` / `status` values of /api/machineactions).
const types = [
  ['Isolate', 'Isolate'],
  ['Unisolate', 'Release from isolation'],
  ['RunAntiVirusScan', 'Antivirus scan'],
  ['RestrictCodeExecution', 'Restrict app execution'],
  ['UnrestrictCodeExecution', 'Remove app restriction'],
  ['CollectInvestigationPackage', 'Collect investigation package'],
  ['StopAndQuarantineFile', 'Stop and quarantine file'],
  ['LiveResponse', 'Live response'],
  ['Offboard', 'Offboard'],
].map(([value, label]) => ({ value, label }));
const statuses = ['Pending', 'InProgress', 'Succeeded', 'Failed', 'TimeOut', 'Cancelled'].map((value) => ({
  value,
  label: value === 'InProgress' ? 'In progress' : value === 'TimeOut' ? 'Timed out' : value,
}));

export function ActionsPage() {
  const list = useListState(filterKeys);
  const tenants = useTenantOptions();
  const { filters, setFilter } = list;
  return (
    <>
      <PageHeader
        title="Actions"
        subtitle="Machine actions in Defender: isolation, release, scans and more"
      />
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <FilterSelect
          label="Tenant"
          value={filters.tenant}
          options={tenants}
          onChange={(v) => setFilter('tenant', v)}
        />
        <FilterSelect
          label="Action type"
          value={filters.type}
          options={types}
          onChange={(v) => setFilter('type', v)}
        />
        <FilterSelect
          label="Status"
          value={filters.status}
          options={statuses}
          onChange={(v) => setFilter('status', v)}
        />
      </FilterBar>
      <ListView<MachineAction>
        caption="Machine actions"
        path="/actions"
        state={list}
        columns={actionColumns(true)}
        rowKey={(a) => a.id}
        empty={
          <EmptyState title="No machine actions yet.">
            Isolations, releases and scans run from Defender or through mde-bridge are listed here after the
            next actions sync.
          </EmptyState>
        }
      />
    </>
  );
}
