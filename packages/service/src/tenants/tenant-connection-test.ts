import {
  type ConnectionReport,
  DefenderClient,
  type DefenderClientOptions,
  testConnection,
} from '@mde-bridge/client';
import type { CheckedTenant } from './tenant-repository.js';

/** A connection test answers within this, whatever the tenant does (one retry, then the verdict). */
const TEST_TUNING: Partial<DefenderClientOptions> = { maxRetries: 1, totalDeadlineInMs: 30_000 };

/** What `mde-bridge test-connection --json` prints and the API's test-connection routes answer. */
export interface ConnectionReportJson {
  ok: boolean;
  /** `required: false` steps (licence, clock) inform without deciding `ok`. */
  steps: { name: string; ok: boolean; detail: string; required: boolean }[];
  permissions: ConnectionReport['permissions'];
  features: ConnectionReport['features'];
  latencyMs?: number;
  clockSkewSeconds?: number;
}

export function connectionReportJson(r: ConnectionReport): ConnectionReportJson {
  return {
    ok: r.ok,
    steps: r.steps.map(({ name, ok, detail, required }) => ({ name, ok, detail, required })),
    permissions: r.permissions,
    features: r.features,
    latencyMs: r.latencyMs,
    clockSkewSeconds: r.clockSkewSeconds,
  };
}

/**
 * Tests a tenant's would-be settings (checked, credential in clear) without storing them: the API runs this
 * before saving, so a tenant that cannot connect is never written.
 */
export async function testTenantSettings(
  tenant: CheckedTenant,
  extra: Partial<DefenderClientOptions> = {},
): Promise<ConnectionReportJson> {
  const { columns, credential } = tenant;
  const client = new DefenderClient({
    tenantId: columns.tenant_id,
    clientId: columns.client_id,
    credential:
      credential.kind === 'certificate'
        ? { certificatePem: credential.certificatePem ?? '', privateKeyPem: credential.secret }
        : { clientSecret: credential.secret },
    cloud: columns.cloud,
    apiUrl: columns.api_url ?? undefined,
    loginUrl: columns.login_url ?? undefined,
    graphUrl: columns.graph_url ?? undefined,
    proxy: columns.proxy ?? undefined,
    ...TEST_TUNING,
    ...extra,
  });
  return connectionReportJson(await testConnection(client));
}
