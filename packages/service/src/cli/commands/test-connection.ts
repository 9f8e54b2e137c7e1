import {
  type ConnectionReport,
  DefenderClient,
  type DefenderClientOptions,
  testConnection as runTest,
} from '@mde-bridge/client';
import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { openTenantClient } from '../../tenants/tenant-client.js';
import { connectionReportJson } from '../../tenants/tenant-connection-test.js';
import { parseFlags } from '../args.js';
import {
  type ConnectionSettings,
  connectionFlagOptions,
  connectionFlagsUsage,
  connectionSettings,
  hasConnectionFlags,
  refuseSecretFlag,
} from '../credential-flags.js';
import { UsageError } from '../errors.js';

export const testConnectionUsage = `Usage: mde-bridge test-connection --tenant NAME [--db URL] [--json]
       mde-bridge test-connection ${connectionFlagsUsage} [--json]

Checks a Defender tenant's settings step by step without changing anything: DNS, connection (through the
proxy when set), token, permissions and the features they enable, a licence probe, clock skew, latency.
--tenant NAME tests a tenant stored with 'mde-bridge tenant add'; the flags test one without storing it.
A secret is never taken as a flag value: pass the NAME of an environment variable or a file.
Exit code 0 when every required step passes, 1 otherwise.
`;

/** Either a stored tenant (by name) or one described entirely by flags. */
export type TestConnectionTarget = { tenant: string; db?: string } | { settings: ConnectionSettings };

export function parseTestConnectionFlags(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): { target: TestConnectionTarget; json: boolean } {
  refuseSecretFlag(argv);
  const { values } = parseFlags(argv, {
    ...connectionFlagOptions,
    tenant: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  const json = values.json ?? false;
  if (values.tenant !== undefined) {
    if (hasConnectionFlags(values)) {
      throw new UsageError(
        '--tenant NAME uses the stored settings; give either --tenant or the connection flags, not both',
      );
    }
    if (values.tenant.trim() === '') throw new UsageError('--tenant needs a tenant name');
    return { target: { tenant: values.tenant.trim(), db: values.db }, json };
  }
  if (values.db !== undefined) throw new UsageError('--db goes with --tenant NAME');
  return { target: { settings: connectionSettings(values, env) }, json };
}

/** `mde-bridge test-connection`: the checklist, or `{ok, steps, permissions, features}` with --json. */
export async function testConnection(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { target, json } = parseTestConnectionFlags(argv, env);
  const tuning: Partial<DefenderClientOptions> = { maxRetries: 1, totalDeadlineInMs: 30_000 };
  let report: ConnectionReport;
  if ('tenant' in target) {
    const store = await openMigratedStore(storeUrl(target.db, env));
    try {
      const { client } = await openTenantClient(store, target.tenant, env, tuning);
      report = await runTest(client);
    } finally {
      await store.close();
    }
  } else {
    let client: DefenderClient;
    try {
      client = new DefenderClient({ ...target.settings, ...tuning });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    report = await runTest(client);
  }
  out.write(json ? `${JSON.stringify(connectionReportJson(report))}\n` : humanReport(report));
  return report.ok ? 0 : 1;
}

function humanReport(r: ConnectionReport): string {
  const lines = r.steps.map(
    (s) => `  ${s.ok ? '✔' : s.required ? '✘' : '!'} ${s.name.padEnd(12)} ${s.detail}`,
  );
  const features = Object.entries(r.features).map(([name, f]) => `${f.enabled ? '✔' : '✘'} ${name}`);
  return [
    r.ok ? 'Connection OK' : 'Connection FAILED',
    ...lines,
    ...(features.length ? ['', `  Features: ${features.join('  ')}`] : []),
    '',
  ].join('\n');
}
