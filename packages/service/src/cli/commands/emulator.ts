import { Licenses, type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { enumFlag, intFlag, parseFlags } from '../args.js';
import { UsageError } from '../errors.js';

export const emulatorUsage = `Usage: mde-bridge emulator [options]

Runs a local Microsoft Defender for Endpoint tenant (Entra token endpoint, Defender API, Graph security).

Options:
  --host H               address to listen on (default 127.0.0.1)
  --port P               port; 0 picks a free one (default 0)
  --seed S               data generator seed (default 1)
  --devices N            number of devices (default 50)
  --rate-limits MODE     real | off (default real)
  --license L            p2 | p1 | business | mixed (default p2)
  --https                serve TLS with a generated self-signed certificate
  --json                 print one JSON line when ready
`;

export interface EmulatorCommandOptions {
  host: string;
  port: number;
  seed: string;
  devices: number;
  rateLimits: 'real' | 'off';
  license: (typeof Licenses)[number];
  https: boolean;
  json: boolean;
}

export function parseEmulatorFlags(argv: string[]): EmulatorCommandOptions {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    seed: { type: 'string' },
    devices: { type: 'string' },
    'rate-limits': { type: 'string' },
    license: { type: 'string' },
    https: { type: 'boolean' },
    json: { type: 'boolean' },
  });
  const host = values.host ?? '127.0.0.1';
  if (host.trim() === '') throw new UsageError('--host must not be empty');
  return {
    host,
    port: intFlag(values.port, 'port', 0, 65535, 0),
    seed: values.seed ?? '1',
    devices: intFlag(values.devices, 'devices', 0, 1_000_000, 50),
    rateLimits: enumFlag(values['rate-limits'], 'rate-limits', ['real', 'off'] as const, 'real'),
    license: enumFlag(values.license, 'license', Licenses, 'p2'),
    https: values.https ?? false,
    json: values.json ?? false,
  };
}

/** What `--json` prints when the emulator is ready (PRODUCT.md's stable interface). */
export function readyLine(emu: RunningEmulator): Record<string, string> {
  const line: Record<string, string> = {
    apiUrl: emu.apiUrl,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    clientSecret: emu.demoApp.clientSecret,
  };
  if (emu.certificatePath) line.certificatePath = emu.certificatePath;
  return line;
}

export function describeEmulator(emu: RunningEmulator, title: string): string {
  const counts = emu.state.data;
  return [
    title,
    '',
    `  API        ${emu.apiUrl}/api/machines`,
    `  Token      ${emu.loginUrl}/${emu.tenantId}/oauth2/v2.0/token`,
    `  Graph      ${emu.graphUrl}/v1.0/security/alerts_v2`,
    `  Tenant ID  ${emu.tenantId}`,
    `  Client ID  ${emu.demoApp.clientId}`,
    `  Secret     ${emu.demoApp.clientSecret}   (demo application with every role; printed once)`,
    ...(emu.certificatePath
      ? [`  TLS cert   ${emu.certificatePath}   (self-signed; trust it with NODE_EXTRA_CA_CERTS)`]
      : []),
    `  Control    ${emu.apiUrl}/_emulator/info   (loopback only)`,
    '',
    `  ${counts.devices.length} devices, ${counts.alerts.length} alerts, ${counts.vulnerabilities.length} CVEs, ${counts.scenarios.length} attack scenarios`,
    '',
    'Try:',
    `  TOKEN=$(curl -s ${emu.loginUrl}/${emu.tenantId}/oauth2/v2.0/token -d grant_type=client_credentials \\`,
    `    -d client_id=${emu.demoApp.clientId} --data-urlencode 'client_secret=${emu.demoApp.clientSecret}' \\`,
    `    --data-urlencode scope=https://api.securitycenter.microsoft.com/.default | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')`,
    `  curl -s -H "Authorization: Bearer $TOKEN" '${emu.apiUrl}/api/machines?$top=2'`,
    '',
    'Press Ctrl+C to stop.',
  ].join('\n');
}

/** `mde-bridge emulator`: runs until SIGINT/SIGTERM. */
export async function emulator(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const opts = parseEmulatorFlags(argv);
  const emu = await startEmulator({
    host: opts.host,
    port: opts.port,
    seed: opts.seed,
    devices: opts.devices,
    rateLimits: opts.rateLimits,
    license: opts.license,
    https: opts.https,
  });
  out.write(
    opts.json
      ? `${JSON.stringify(readyLine(emu))}\n`
      : `${describeEmulator(emu, 'Defender for Endpoint emulator is ready.')}\n`,
  );
  await waitForSignal();
  await emu.close();
  return 0;
}

export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
