import { readFileSync } from 'node:fs';
import {
  type ConnectionReport,
  cloudNames,
  DefenderClient,
  type DefenderClientOptions,
  testConnection as runTest,
} from '@mde-bridge/client';
import { parseFlags } from '../args.js';
import { UsageError } from '../errors.js';

export const testConnectionUsage = `Usage: mde-bridge test-connection --tenant-id T --client-id C
         (--client-secret-env VAR | --client-secret-file F | --certificate-file F [--private-key-file K])
         [--cloud NAME] [--api-url U --login-url U --graph-url U] [--proxy U] [--json]

Checks a Defender tenant's settings step by step without changing anything: DNS, connection (through the
proxy when set), token, permissions and the features they enable, a licence probe, clock skew, latency.
A secret is never taken as a flag value: pass the NAME of an environment variable or a file.
Exit code 0 when every required step passes, 1 otherwise.
`;

export function parseTestConnectionFlags(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): DefenderClientOptions & { json: boolean } {
  if (argv.some((a) => a === '--client-secret' || a.startsWith('--client-secret='))) {
    throw new UsageError(
      '--client-secret is not accepted (the secret would land in shell history); use --client-secret-env VAR or --client-secret-file F',
    );
  }
  const { values } = parseFlags(argv, {
    tenant: { type: 'string' },
    'tenant-id': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret-env': { type: 'string' },
    'client-secret-file': { type: 'string' },
    'certificate-file': { type: 'string' },
    'private-key-file': { type: 'string' },
    cloud: { type: 'string' },
    'api-url': { type: 'string' },
    'login-url': { type: 'string' },
    'graph-url': { type: 'string' },
    proxy: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.tenant !== undefined) {
    throw new UsageError(
      '--tenant NAME needs the tenant store, which is not part of mde-bridge yet; give --tenant-id and --client-id with a credential',
    );
  }
  const tenantId = required(values['tenant-id'], '--tenant-id');
  const clientId = required(values['client-id'], '--client-id');
  const sources = ['client-secret-env', 'client-secret-file', 'certificate-file'].filter(
    (k) => values[k as keyof typeof values] !== undefined,
  );
  if (sources.length !== 1) {
    throw new UsageError(
      'give exactly one credential: --client-secret-env VAR, --client-secret-file F or --certificate-file F',
    );
  }
  let credential: DefenderClientOptions['credential'];
  if (values['client-secret-env'] !== undefined) {
    const name = values['client-secret-env'];
    const secret = env[name];
    if (!secret)
      throw new UsageError(`environment variable ${name} (from --client-secret-env) is not set or empty`);
    credential = { clientSecret: secret };
  } else if (values['client-secret-file'] !== undefined) {
    const secret = readText(values['client-secret-file'], '--client-secret-file').trim();
    if (!secret) throw new UsageError(`${values['client-secret-file']} (from --client-secret-file) is empty`);
    credential = { clientSecret: secret };
  } else {
    const certificatePem = readText(values['certificate-file']!, '--certificate-file');
    if (!certificatePem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new UsageError(
        `${values['certificate-file']} (from --certificate-file) holds no PEM certificate`,
      );
    }
    const privateKeyPem = values['private-key-file']
      ? readText(values['private-key-file'], '--private-key-file')
      : undefined;
    if (!privateKeyPem && !/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(certificatePem)) {
      throw new UsageError(
        `${values['certificate-file']} holds no private key; add it to the file or pass --private-key-file`,
      );
    }
    credential = { certificatePem, privateKeyPem };
  }
  const cloud = values.cloud;
  if (cloud !== undefined && !(cloudNames() as string[]).includes(cloud.toLowerCase())) {
    throw new UsageError(`--cloud must be one of ${cloudNames().join(', ')} (got '${cloud}')`);
  }
  return {
    tenantId,
    clientId,
    credential,
    cloud: cloud ?? (values['api-url'] && values['login-url'] ? 'custom' : 'commercial'),
    apiUrl: values['api-url'],
    loginUrl: values['login-url'],
    graphUrl: values['graph-url'],
    proxy: values.proxy,
    json: values.json ?? false,
  };
}

/** `mde-bridge test-connection`: the checklist, or `{ok, steps, permissions, features}` with --json. */
export async function testConnection(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  const { json, ...options } = parseTestConnectionFlags(argv);
  let client: DefenderClient;
  try {
    client = new DefenderClient({ ...options, maxRetries: 1, totalDeadlineInMs: 30_000 });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const report = await runTest(client);
  out.write(json ? `${JSON.stringify(jsonReport(report))}\n` : humanReport(report));
  return report.ok ? 0 : 1;
}

function jsonReport(r: ConnectionReport) {
  return {
    ok: r.ok,
    steps: r.steps.map(({ name, ok, detail }) => ({ name, ok, detail })),
    permissions: r.permissions,
    features: r.features,
    latencyMs: r.latencyMs,
    clockSkewSeconds: r.clockSkewSeconds,
  };
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

function required(value: string | undefined, flag: string): string {
  if (!value || value.trim() === '') throw new UsageError(`${flag} is required`);
  return value.trim();
}

function readText(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${path} (from ${flag}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}
