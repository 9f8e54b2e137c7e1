/**
 * The flags that describe a Defender tenant's connection, shared by `tenant add` and `test-connection`.
 * A secret is never taken as a flag value (it would land in shell history): only the NAME of an environment
 * variable or a file.
 */
import { readFileSync } from 'node:fs';
import { cloudNames, type DefenderClientOptions } from '@mde-bridge/client';
import { UsageError } from './errors.js';

export const connectionFlagOptions = {
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
} as const;

export const connectionFlagsUsage = `--tenant-id T --client-id C
         (--client-secret-env VAR | --client-secret-file F | --certificate-file F [--private-key-file K])
         [--cloud NAME] [--api-url U --login-url U --graph-url U] [--proxy U]`;

export type ConnectionFlagValues = { [K in keyof typeof connectionFlagOptions]?: string };

export type ConnectionSettings = Pick<
  DefenderClientOptions,
  'tenantId' | 'clientId' | 'credential' | 'apiUrl' | 'loginUrl' | 'graphUrl' | 'proxy'
> & { cloud: string };

/** Refuses `--client-secret VALUE` before flag parsing, with the reason. */
export function refuseSecretFlag(argv: string[]): void {
  if (argv.some((a) => a === '--client-secret' || a.startsWith('--client-secret='))) {
    throw new UsageError(
      '--client-secret is not accepted (the secret would land in shell history); use --client-secret-env VAR or --client-secret-file F',
    );
  }
}

/** True when any connection flag was given. */
export function hasConnectionFlags(values: ConnectionFlagValues): boolean {
  return Object.keys(connectionFlagOptions).some(
    (k) => values[k as keyof ConnectionFlagValues] !== undefined,
  );
}

/** The connection described by the flags, the credential read from its environment variable or file. */
export function connectionSettings(
  values: ConnectionFlagValues,
  env: NodeJS.ProcessEnv = process.env,
): ConnectionSettings {
  const tenantId = required(values['tenant-id'], '--tenant-id');
  const clientId = required(values['client-id'], '--client-id');
  const credential = readCredential(values, env);
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
  };
}

function readCredential(
  values: ConnectionFlagValues,
  env: NodeJS.ProcessEnv,
): DefenderClientOptions['credential'] {
  const sources = (['client-secret-env', 'client-secret-file', 'certificate-file'] as const).filter(
    (k) => values[k] !== undefined,
  );
  if (sources.length !== 1) {
    throw new UsageError(
      'give exactly one credential: --client-secret-env VAR, --client-secret-file F or --certificate-file F',
    );
  }
  if (values['private-key-file'] !== undefined && values['certificate-file'] === undefined) {
    throw new UsageError('--private-key-file goes with --certificate-file');
  }
  if (values['client-secret-env'] !== undefined) {
    const name = values['client-secret-env'];
    const secret = env[name];
    if (!secret)
      throw new UsageError(`environment variable ${name} (from --client-secret-env) is not set or empty`);
    return { clientSecret: secret };
  }
  if (values['client-secret-file'] !== undefined) {
    const secret = readText(values['client-secret-file'], '--client-secret-file').trim();
    if (!secret) throw new UsageError(`${values['client-secret-file']} (from --client-secret-file) is empty`);
    return { clientSecret: secret };
  }
  const certificateFile = values['certificate-file'] as string;
  const certificatePem = readText(certificateFile, '--certificate-file');
  if (!certificatePem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`${certificateFile} (from --certificate-file) holds no PEM certificate`);
  }
  const privateKeyPem = values['private-key-file']
    ? readText(values['private-key-file'], '--private-key-file')
    : undefined;
  if (!privateKeyPem && !/-----BEGIN (RSA |EC )?PRIVATE KEY-----/.test(certificatePem)) {
    throw new UsageError(
      `${certificateFile} holds no private key; add it to the file or pass --private-key-file`,
    );
  }
  return { certificatePem, privateKeyPem };
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
