import { useMemo, useState } from 'react';
import { api } from '../api/client.js';
import { type HostFacets, type HostSummary, type ListPage, RiskLevels } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Badge } from '../components/badge.js';
import { type Column, DataTable } from '../components/data-table.js';
import { FilterBar, FilterSelect, SearchBox } from '../components/filters.js';
import { useListState } from '../components/list-state.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import {
  type ActionResult,
  ActionResultMessage,
  isolationAction,
  ResponseActionButton,
} from '../components/response-actions.js';
import { EmptyState, ErrorMessage, Loading } from '../components/status.js';
import { useTenantOptions } from '../components/tenant-options.js';
import { formatRelative, formatTime } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

const filterKeys = [
  'q',
  'tenant',
  'os',
  'health',
  'exposure',
  'risk',
  'riskLevel',
  'isolation',
  'tag',
  'group',
  'managed',
];

const columns: Column<HostSummary>[] = [
  {
    key: 'name',
    header: 'Name',
    sort: 'name',
    className: 'nowrap',
    render: (host) => (
      <>
        <Link href={`/hosts/${encodeURIComponent(host.id)}`} className="strong">
          {host.name}
        </Link>
        {host.removed && <Badge tone="neutral" label="Removed" />}
      </>
    ),
  },
  {
    key: 'ip',
    header: 'IP address',
    className: 'nowrap',
    render: (host) => <code>{host.lastIpAddress ?? '—'}</code>,
  },
  {
    key: 'os',
    header: 'OS',
    sort: 'os',
    render: (host) => (
      <>
        {host.os ?? '—'} <span className="muted">{host.osVersion ?? ''}</span>
      </>
    ),
  },
  { key: 'health', header: 'Health', sort: 'health', render: (host) => <Badge value={host.healthStatus} /> },
  { key: 'riskLevel', header: 'Risk level', render: (host) => <Badge value={host.riskLevel} /> },
  { key: 'risk', header: 'Risk', sort: 'risk', render: (host) => <Badge value={host.riskScore} /> },
  {
    key: 'exposure',
    header: 'Exposure',
    sort: 'exposure',
    render: (host) => <Badge value={host.exposureLevel} />,
  },
  { key: 'isolation', header: 'Isolation', render: (host) => <Badge value={host.isolationState} /> },
  { key: 'group', header: 'Device group', render: (host) => host.deviceGroup ?? '—' },
  { key: 'tenant', header: 'Tenant', render: (host) => host.tenantName },
  {
    key: 'lastSeen',
    header: 'Last seen',
    className: 'nowrap',
    sort: 'lastSeen',
    render: (host) => <span title={formatTime(host.lastSeen)}>{formatRelative(host.lastSeen)}</span>,
  },
];

/** Isolate or Release per row, with the host page's confirmation dialog; only for lockdown.edit. */
function isolationColumn(onResult: (result: ActionResult) => void): Column<HostSummary> {
  return {
    key: 'response',
    header: 'Response',
    className: 'nowrap',
    render: (host) =>
      host.removed ? null : (
        <ResponseActionButton
          host={host}
          type={isolationAction(host.isolationState)}
          small
          onResult={onResult}
        />
      ),
  };
}

export function HostsPage() {
  const list = useListState(filterKeys);
  const { filters } = list;
  const hosts = useApi(() => api.get<ListPage<HostSummary>>('/hosts', list.query), `hosts?${list.key}`);
  const { can } = useSession();
  const [result, setResult] = useState<ActionResult | null>(null);
  const reloadHosts = hosts.reload;
  const shown = useMemo(
    () =>
      can('lockdown.edit')
        ? [
            ...columns,
            isolationColumn((next) => {
              setResult(next);
              reloadHosts();
            }),
          ]
        : columns,
    [can, reloadHosts],
  );
  const facets = useApi(
    () => api.get<HostFacets>('/hosts/facets', { tenant: filters.tenant }),
    `facets:${filters.tenant}`,
  );
  const tenants = useTenantOptions();
  const f = facets.data;
  const setFilter = list.setFilter;

  return (
    <>
      <PageHeader title="Hosts" subtitle="Devices replicated from Microsoft Defender for Endpoint" />
      <FilterBar active={list.active} onClear={list.clearFilters}>
        <SearchBox
          label="Search hosts"
          value={filters.q}
          placeholder="Name or IP address"
          onSearch={(v, o) => setFilter('q', v, o)}
        />
        <FilterSelect
          label="Tenant"
          value={filters.tenant}
          humanizeValues={false}
          options={tenants}
          onChange={(v) => setFilter('tenant', v)}
        />
        <FilterSelect
          label="OS"
          value={filters.os}
          humanizeValues={false}
          options={f?.os ?? []}
          onChange={(v) => setFilter('os', v)}
        />
        <FilterSelect
          label="Health"
          value={filters.health}
          options={f?.health ?? []}
          onChange={(v) => setFilter('health', v)}
        />
        <FilterSelect
          label="Exposure"
          value={filters.exposure}
          options={f?.exposure ?? []}
          onChange={(v) => setFilter('exposure', v)}
        />
        <FilterSelect
          label="Risk"
          value={filters.risk}
          options={f?.risk ?? []}
          onChange={(v) => setFilter('risk', v)}
        />
        <FilterSelect
          label="Risk level"
          value={filters.riskLevel}
          options={RiskLevels.map((level) => ({ value: level, label: level }))}
          onChange={(v) => setFilter('riskLevel', v)}
        />
        <FilterSelect
          label="Isolation"
          value={filters.isolation}
          options={f?.isolation ?? []}
          onChange={(v) => setFilter('isolation', v)}
        />
        <FilterSelect
          label="Tag"
          value={filters.tag}
          humanizeValues={false}
          options={f?.tags ?? []}
          onChange={(v) => setFilter('tag', v)}
        />
        <FilterSelect
          label="Device group"
          value={filters.group}
          humanizeValues={false}
          options={f?.groups ?? []}
          onChange={(v) => setFilter('group', v)}
        />
        <FilterSelect
          label="Managed"
          value={filters.managed}
          options={[
            { value: 'true', label: 'Managed by Defender' },
            { value: 'false', label: 'Not managed' },
          ]}
          onChange={(v) => setFilter('managed', v)}
        />
      </FilterBar>
      <ActionResultMessage result={result} />
      {hosts.error && <ErrorMessage error={hosts.error} onRetry={hosts.reload} />}
      {!hosts.data && !hosts.error && <Loading />}
      {hosts.data &&
        (hosts.data.items.length === 0 ? (
          list.active ? (
            <EmptyState title="No host matches these filters.">
              Try a shorter search, or clear some filters.
            </EmptyState>
          ) : (
            <EmptyState title="No hosts yet.">
              Hosts appear after the first device sync of a tenant. Check the sync status on the{' '}
              <Link href="/">dashboard</Link>, or add a tenant under{' '}
              <Link href="/settings/tenants">Settings</Link>.
            </EmptyState>
          )
        ) : (
          <div className={`card card-flush ${hosts.loading ? 'is-loading' : ''}`} aria-busy={hosts.loading}>
            <DataTable
              caption="Hosts"
              columns={shown}
              rows={hosts.data.items}
              rowKey={(host) => `${host.tenantId}/${host.id}`}
              sorting={{ sort: list.sort, order: list.order, onSort: list.setSort }}
            />
            <Pager
              page={hosts.data.page}
              pageSize={hosts.data.pageSize}
              total={hosts.data.total}
              onPage={list.setPage}
              onPageSize={list.setPageSize}
            />
          </div>
        ))}
    </>
  );
}
