import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Tenant } from '../../api/types.js';
import { useApi } from '../../api/use-api.js';
import { Badge } from '../../components/badge.js';
import { PageHeader } from '../../components/page-header.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../../components/status.js';
import { SyncStatusTables } from '../../components/sync-status.js';
import { formatTime } from '../../format.js';
import { Link } from '../../router.js';
import { useSession } from '../../session.js';
import { cloudLabel } from './clouds.js';
import { DeleteTenantButton, EnableToggleButton, SyncNowButton } from './tenant-controls.js';

export function TenantsPage() {
  const { can } = useSession();
  const edit = can('config.edit');
  const tenants = useApi(() => api.get<{ items: Tenant[] }>('/tenants'), 'tenants');
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const onMessage = (text: string, ok: boolean) => setMessage({ text, ok });

  return (
    <>
      <PageHeader
        title="Tenants"
        subtitle="Microsoft Defender for Endpoint tenants this bridge replicates"
        actions={
          edit && (
            <Link href="/settings/tenants/new" className="button button-primary">
              Add tenant
            </Link>
          )
        }
      />
      {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
      {tenants.error && <ErrorMessage error={tenants.error} onRetry={tenants.reload} />}
      {!tenants.data && !tenants.error && <Loading />}
      {tenants.data &&
        (tenants.data.items.length === 0 ? (
          <EmptyState title="No tenant is configured.">
            {edit
              ? 'Add a tenant with the directory (tenant) ID, the application (client) ID and a client secret or certificate of an app registration that has the Defender API permissions.'
              : 'Ask an administrator to add one.'}
          </EmptyState>
        ) : (
          <div className="card card-flush">
            <div className="table-wrap">
              <table className="table">
                <caption className="visually-hidden">Tenants</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Directory (tenant) ID</th>
                    <th scope="col">Cloud</th>
                    <th scope="col">Credential</th>
                    <th scope="col">State</th>
                    <th scope="col">Updated</th>
                    {edit && <th scope="col">Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {tenants.data.items.map((tenant) => (
                    <tr key={tenant.id}>
                      <td>
                        <Link href={`/settings/tenants/${encodeURIComponent(tenant.id)}`} className="strong">
                          {tenant.name}
                        </Link>{' '}
                        {tenant.isDemo && <Badge tone="info" label="Emulated demo tenant" />}
                      </td>
                      <td>
                        <code>{tenant.tenantId}</code>
                      </td>
                      <td>{cloudLabel(tenant.cloud)}</td>
                      <td>{tenant.credential}</td>
                      <td>
                        <Badge value={tenant.enabled ? 'enabled' : 'disabled'} />
                      </td>
                      <td>{formatTime(tenant.updatedAt)}</td>
                      {edit && (
                        <td>
                          <div className="button-row">
                            <SyncNowButton tenant={tenant} onMessage={onMessage} />
                            <EnableToggleButton
                              tenant={tenant}
                              onChanged={tenants.reload}
                              onMessage={onMessage}
                            />
                            <DeleteTenantButton
                              tenant={tenant}
                              onDeleted={() => {
                                onMessage(`Tenant ${tenant.name} deleted.`, true);
                                tenants.reload();
                              }}
                            />
                          </div>
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        ))}
      <section className="card">
        <h2>Sync status</h2>
        <SyncStatusTables />
      </section>
    </>
  );
}
