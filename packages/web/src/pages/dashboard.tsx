import { api } from '../api/client.js';
import type { Dashboard } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { Badge } from '../components/badge.js';
import { BarChart } from '../components/bar-chart.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorMessage, Loading } from '../components/status.js';
import { SyncStatusTables } from '../components/sync-status.js';
import { formatNumber, formatRelative } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

export function DashboardPage() {
  const { can } = useSession();
  const dashboard = useApi(() => api.get<Dashboard>('/dashboard'), 'dashboard', 30_000);
  const data = dashboard.data;
  return (
    <>
      <PageHeader title="Dashboard" subtitle="Your Defender tenants, their replicas and what they hold" />
      {dashboard.error && <ErrorMessage error={dashboard.error} onRetry={dashboard.reload} />}
      {!data && !dashboard.error && <Loading />}
      {data && (
        <>
          <section className="cards" aria-label="Totals">
            <div className="card stat">
              <div className="stat-value">{formatNumber(data.devices.total)}</div>
              <div className="stat-label">Devices</div>
            </div>
            <div className="card stat">
              <div className="stat-value">{formatNumber(data.alerts.active)}</div>
              <div className="stat-label">Active alerts</div>
            </div>
            <div className="card stat">
              <div className="stat-value">
                {formatNumber(data.devices.byIsolation.find((item) => item.value === 'isolated')?.count ?? 0)}
              </div>
              <div className="stat-label">Isolated devices</div>
            </div>
            <div className="card stat">
              <div className="stat-value">{formatNumber(data.tenants.length)}</div>
              <div className="stat-label">Tenants</div>
            </div>
          </section>

          <section className="card">
            <h2>Tenants</h2>
            {data.tenants.length === 0 ? (
              <EmptyState title="No Defender tenant is connected yet.">
                {can('config.edit') ? (
                  <>
                    <Link href="/settings/tenants/new">Add a tenant</Link> with its directory ID, application
                    ID and a client secret or certificate; its devices appear here after the first sync.
                  </>
                ) : (
                  'Ask an administrator to add a tenant.'
                )}
              </EmptyState>
            ) : (
              <div className="table-wrap">
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">Tenant</th>
                      <th scope="col">State</th>
                      <th scope="col">Devices</th>
                      <th scope="col">Last sync</th>
                    </tr>
                  </thead>
                  <tbody>
                    {data.tenants.map((tenant) => (
                      <tr key={tenant.id}>
                        <td>
                          {can('config.view') ? (
                            <Link href={`/settings/tenants/${encodeURIComponent(tenant.id)}`}>
                              {tenant.name}
                            </Link>
                          ) : (
                            tenant.name
                          )}{' '}
                          {tenant.isDemo && <Badge tone="info" label="Emulated demo tenant" />}
                        </td>
                        <td>
                          <Badge value={tenant.enabled ? 'enabled' : 'disabled'} />
                        </td>
                        <td>
                          <Link href={`/hosts?tenant=${encodeURIComponent(tenant.id)}`}>
                            {formatNumber(tenant.devices)}
                          </Link>
                        </td>
                        <td>{tenant.lastSync ? formatRelative(tenant.lastSync) : 'Never'}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>

          <section className="chart-grid" aria-label="Charts">
            <div className="card">
              <BarChart title="Devices by health" data={data.devices.byHealth} />
            </div>
            <div className="card">
              <BarChart title="Devices by OS" data={data.devices.byOs} toned={false} />
            </div>
            <div className="card">
              <BarChart title="Devices by exposure level" data={data.devices.byExposure} />
            </div>
            <div className="card">
              <BarChart title="Devices by risk score" data={data.devices.byRisk} />
            </div>
            <div className="card">
              <BarChart title="Active alerts by severity" data={data.alerts.bySeverity} />
            </div>
            <div className="card">
              <BarChart title="Devices by isolation state" data={data.devices.byIsolation} />
            </div>
          </section>
        </>
      )}
      {can('config.view') && (
        <section className="card">
          <h2>Sync status</h2>
          <SyncStatusTables />
        </section>
      )}
    </>
  );
}
