import { api } from '../api/client.js';
import type { Dashboard } from '../api/types.js';
import { useApi } from '../api/use-api.js';

/**
 * Tenants as filter options. GET /dashboard lists them for anyone with hosts.view, whereas GET /tenants needs
 * config.view, which an analyst filtering hosts may not have.
 */
export function useTenantOptions(): { value: string; label: string }[] {
  const dashboard = useApi(() => api.get<Dashboard>('/dashboard'), 'tenant-options');
  return (dashboard.data?.tenants ?? []).map((tenant) => ({ value: tenant.id, label: tenant.name }));
}
