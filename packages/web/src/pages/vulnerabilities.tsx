import type { Software, Vulnerability } from '../api/types.js';
import { softwareColumns, vulnerabilityColumns } from '../components/columns.js';
import { FilterBar, FilterSelect, SearchBox } from '../components/filters.js';
import { useListState } from '../components/list-state.js';
import { ListView } from '../components/list-view.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState } from '../components/status.js';
import { Tabs } from '../components/tabs.js';
import { useTenantOptions } from '../components/tenant-options.js';
import { navigate, useLocation } from '../router.js';

const severities = ['Critical', 'High', 'Medium', 'Low'].map((value) => ({ value, label: value }));

function VulnerabilityList() {
  const list = useListState(['q', 'tenant', 'severity', 'exploit']);
  const tenants = useTenantOptions();
  const { filters, setFilter } = list;
  return (
    <>
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Search vulnerabilities"
          value={filters.q}
          placeholder="CVE ID or description"
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
          label="Exploit"
          value={filters.exploit}
          options={[{ value: 'true', label: 'Public exploit available' }]}
          onChange={(v) => setFilter('exploit', v)}
        />
      </FilterBar>
      <ListView<Vulnerability>
        caption="Vulnerabilities"
        path="/vulnerabilities"
        state={list}
        columns={vulnerabilityColumns}
        rowKey={(v) => `${v.tenantId}/${v.id}`}
        empty={
          <EmptyState title="No vulnerabilities.">
            The vulnerability catalogue is filled by the vulnerabilities sync (it needs the
            Vulnerability.Read.All permission).
          </EmptyState>
        }
      />
    </>
  );
}

function SoftwareList() {
  const list = useListState(['q', 'tenant']);
  const tenants = useTenantOptions();
  const { filters, setFilter } = list;
  return (
    <>
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Search software"
          value={filters.q}
          placeholder="Name or vendor"
          onSearch={(v, o) => setFilter('q', v, o)}
        />
        <FilterSelect
          label="Tenant"
          value={filters.tenant}
          options={tenants}
          onChange={(v) => setFilter('tenant', v)}
        />
      </FilterBar>
      <ListView<Software>
        caption="Software"
        path="/software"
        state={list}
        columns={softwareColumns}
        rowKey={(s) => `${s.tenantId}/${s.id}`}
        empty={
          <EmptyState title="No software inventory.">
            The software inventory is filled by the software sync (it needs the Software.Read.All permission).
          </EmptyState>
        }
      />
    </>
  );
}

export function VulnerabilitiesPage() {
  const { search } = useLocation();
  const tab = search.get('tab') === 'software' ? 'software' : 'vulnerabilities';
  return (
    <>
      <PageHeader
        title="Vulnerabilities and software"
        subtitle="Defender Vulnerability Management, per tenant"
      />
      <Tabs
        label="Vulnerabilities and software"
        tabs={[
          { id: 'vulnerabilities', label: 'Vulnerabilities' },
          { id: 'software', label: 'Software' },
        ]}
        selected={tab}
        // Each tab has its own filters, so switching starts from a clean query.
        onSelect={(id) => navigate(id === 'software' ? '/vulnerabilities?tab=software' : '/vulnerabilities')}
      >
        {tab === 'software' ? <SoftwareList key="software" /> : <VulnerabilityList key="vulnerabilities" />}
      </Tabs>
    </>
  );
}
