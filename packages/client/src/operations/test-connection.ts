import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { LicenseFeatureUnavailable, PermissionMissing } from '../errors.js';
import { featureMatrix, rolesOf } from '../permissions/index.js';
import type { DefenderClient } from './defender-client.js';

export interface ConnectionStep {
  name: string;
  ok: boolean;
  detail: string;
  /** Informational steps (licence, clock) do not decide `ok`. */
  required: boolean;
}

export interface ConnectionReport {
  ok: boolean;
  steps: ConnectionStep[];
  permissions: Record<string, boolean>;
  features: Record<string, { enabled: boolean; anyOf: string[]; reason?: string }>;
  latencyMs?: number;
  clockSkewSeconds?: number;
}

const MAX_SKEW_SECONDS = 300;

/**
 * Checks a tenant's settings step by step (C2) without side effects: DNS, the connection (TCP + TLS,
 * through the proxy when set), a token, the token's roles against what each feature needs, one
 * read call, a licence probe (a one-row hunting query), clock skew and latency. Never throws for a
 * failing step; each step says what is wrong in words a person can act on.
 */
export async function testConnection(
  client: DefenderClient,
  o: { signal?: AbortSignal } = {},
): Promise<ConnectionReport> {
  const steps: ConnectionStep[] = [];
  const step = (name: string, ok: boolean, detail: string, required = true) => {
    steps.push({ name, ok, detail, required });
    return ok;
  };
  const report: ConnectionReport = { ok: false, steps, permissions: {}, features: {} };
  const cloud = client.cloud;
  const proxy = client.options.proxy;

  // 1. DNS: the proxy resolves the targets when there is one, so only its own name matters here.
  const hosts = proxy
    ? [new URL(proxy).hostname]
    : unique([cloud.loginUrl, cloud.apiUrl, cloud.graphUrl].map((u) => new URL(u).hostname));
  const dnsProblems: string[] = [];
  const resolved: string[] = [];
  for (const host of hosts) {
    if (isIP(host.replace(/^\[|\]$/g, ''))) {
      resolved.push(`${host} (address)`);
      continue;
    }
    try {
      const { address } = await lookup(host);
      resolved.push(`${host} → ${address}`);
    } catch (err) {
      dnsProblems.push(`${host}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  if (
    !step(
      'dns',
      dnsProblems.length === 0,
      dnsProblems.length
        ? `Cannot resolve ${dnsProblems.join('; ')}`
        : `Resolved ${resolved.join(', ')}${proxy ? ' (proxy)' : ''}`,
    )
  ) {
    return finish(report);
  }

  // 2. Connection: one unauthenticated request proves TCP and TLS (through the proxy) and gives the Date header.
  const via = proxy ? ` via proxy ${new URL(proxy).host}` : '';
  const started = Date.now();
  try {
    const res = await client.fetch(`${cloud.apiUrl}/api/machines?$top=1`, {
      method: 'GET',
      signal: o.signal ?? AbortSignal.timeout(15_000),
    });
    await res.arrayBuffer();
    const date = res.headers.get('date');
    if (date) report.clockSkewSeconds = Math.round((Date.now() - Date.parse(date)) / 1000);
    step(
      'connection',
      true,
      `${new URL(cloud.apiUrl).protocol === 'https:' ? 'TLS' : 'HTTP'} connection to ${new URL(cloud.apiUrl).host}${via} answered HTTP ${res.status} in ${Date.now() - started} ms`,
    );
  } catch (err) {
    step('connection', false, `Cannot connect to ${new URL(cloud.apiUrl).host}${via}: ${describe(err)}`);
    return finish(report);
  }

  // 3. Token.
  let token: string;
  try {
    token = await client.tokens.getToken('defender', { forceRefresh: true, signal: o.signal });
    step('token', true, `Got a token for ${cloud.defenderResource} from ${new URL(cloud.loginUrl).host}`);
  } catch (err) {
    step('token', false, describe(err));
    return finish(report);
  }

  // 4. Roles against features.
  const matrix = featureMatrix(rolesOf(token));
  report.permissions = matrix.permissions;
  report.features = matrix.features;
  const disabled = Object.entries(matrix.features).filter(([, f]) => !f.enabled);
  const inventory = matrix.features.inventory?.enabled ?? false;
  step(
    'permissions',
    inventory,
    disabled.length === 0
      ? 'The application holds every permission mde-bridge uses'
      : `Missing: ${disabled.map(([name, f]) => `${name} (needs ${f.anyOf.join(' or ')})`).join('; ')}${inventory ? '' : ' — the device inventory cannot be read'}`,
  );

  // 5. One read call, for latency.
  const readStarted = Date.now();
  try {
    await client.call({
      method: 'GET',
      path: '/api/machines',
      query: { $top: '1' },
      family: 'machines',
      operation: 'listMachines',
      roles: ['Machine.Read.All', 'Machine.ReadWrite.All'],
      priority: 'lookup',
      signal: o.signal,
    });
    report.latencyMs = Date.now() - readStarted;
    step('api', true, `Listed devices in ${report.latencyMs} ms`);
  } catch (err) {
    step('api', false, describe(err));
  }

  // 6. Licence probe: advanced hunting is Plan 2 only.
  if (matrix.features.hunting?.enabled) {
    try {
      await client.runAdvancedQuery('DeviceInfo | take 1', { signal: o.signal, priority: 'lookup' });
      step('license', true, 'Advanced hunting answers: Defender for Endpoint Plan 2', false);
    } catch (err) {
      if (err instanceof LicenseFeatureUnavailable || err instanceof PermissionMissing) {
        report.features.hunting = { ...matrix.features.hunting, enabled: false, reason: 'not licensed' };
        step(
          'license',
          false,
          'Advanced hunting is not available: this looks like a Defender for Business, Plan 1 or mixed-licence tenant. Hunting, process stitching and detection validation are disabled.',
          false,
        );
      } else {
        step('license', false, `Could not probe the licence: ${describe(err)}`, false);
      }
    }
  } else {
    step('license', false, 'Not probed: the application lacks AdvancedQuery.Read.All', false);
  }

  // 7. Clock skew (tokens and time windows go wrong past a few minutes).
  if (report.clockSkewSeconds !== undefined) {
    const skew = report.clockSkewSeconds;
    step(
      'clock',
      Math.abs(skew) <= MAX_SKEW_SECONDS,
      `This machine's clock is ${Math.abs(skew)} s ${skew >= 0 ? 'ahead of' : 'behind'} the service`,
      false,
    );
  }
  return finish(report);
}

function finish(report: ConnectionReport): ConnectionReport {
  report.ok = report.steps.every((s) => s.ok || !s.required) && report.steps.some((s) => s.name === 'api');
  return report;
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
