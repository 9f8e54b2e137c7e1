/**
 * `mde-bridge stitch`: record a network detection (source `cli`) for a host and stitch it at once — the
 * process behind the connection and its parent chain, from the tenant's advanced hunting tables.
 */
import { randomUUID } from 'node:crypto';
import { cliActor } from '../../cli/access-cli.js';
import { openMigratedStore, storeUrl } from '../../config/settings.js';
import type { Detection } from '../../detections/detection.js';
import { DetectionInputError } from '../../detections/detection-input.js';
import { getDetection } from '../../detections/detection-queries.js';
import { ingestDetection } from '../../detections/ingest.js';
import { tenantHuntingRunner } from '../../hunting/hunting-runner.js';
import { tenantResponseClients } from '../../response/response-clients.js';
import type { Process, RootCause } from '../../stitching/root-cause.js';
import { stitchDetections } from '../../stitching/stitch-detections.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const stitchUsage = `Usage: mde-bridge stitch --host H --remote-ip A [--remote-port P] [--domain D] --at TIME
                         [--tenant N] [--json] [--db URL]

Finds the process on host H (a DNS name or an IP address) that connected to remote address A (and port P,
domain D when given) around TIME (ISO-8601), and its parent chain, from Defender's advanced hunting tables
(DeviceNetworkEvents, DeviceProcessEvents; the hunting quota is spent, results are cached). The detection is
recorded (source 'cli') and its root cause stored, as POST /api/v1/detections and .../stitch would. --remote-ip
may be left out when --domain is given. --tenant refuses a host that matches a device of another tenant.
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
--json prints the Detection (as GET /api/v1/detections/{id} answers it).
Exit codes: 0 stitched, 1 no process found or stitching failed, 2 bad flags.
`;

/** DetectionInput fields as the flags that set them. */
const FLAG_OF: Record<string, string> = {
  hostIp: '--host',
  hostName: '--host',
  remoteIp: '--remote-ip',
  remotePort: '--remote-port',
  domain: '--domain',
  timestamp: '--at',
};

export async function stitch(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    'remote-ip': { type: 'string' },
    'remote-port': { type: 'string' },
    domain: { type: 'string' },
    at: { type: 'string' },
    tenant: { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string' },
  });
  const host = values.host?.trim() ?? '';
  if (host === '') throw new UsageError('--host H is required (a DNS name or an IP address)');
  const remoteIp = values['remote-ip']?.trim() || undefined;
  const domain = values.domain?.trim() || undefined;
  if (!remoteIp && !domain) throw new UsageError('--remote-ip A is required (or --domain D)');
  const at = values.at?.trim() ?? '';
  if (at === '') throw new UsageError('--at TIME is required (ISO-8601, like 2026-11-20T10:15:00Z)');
  let remotePort: number | undefined;
  if (values['remote-port'] !== undefined) {
    const p = values['remote-port'].trim();
    if (!/^\d{1,5}$/.test(p) || Number(p) > 65535)
      throw new UsageError(
        `--remote-port must be an integer from 0 to 65535 (got '${values['remote-port']}')`,
      );
    remotePort = Number(p);
  }
  const hostIsIp = /^[0-9.]+$/.test(host) || host.includes(':');

  const store = await openMigratedStore(storeUrl(values.db, env));
  try {
    let tenantId: string | null = null;
    if (values.tenant !== undefined) {
      const t = await store.db
        .selectFrom('tenants')
        .select(['id'])
        .where((eb) => eb.or([eb('id', '=', values.tenant ?? ''), eb('name', '=', values.tenant ?? '')]))
        .executeTakeFirst();
      if (!t) throw new UsageError(`--tenant: no tenant '${values.tenant}' (see mde-bridge tenant list)`);
      tenantId = t.id;
    }
    let detection: Detection;
    try {
      ({ detection } = await ingestDetection(
        { store, clientFor: tenantResponseClients({ store, env }) },
        {
          id: `cli-${randomUUID()}`,
          source: 'cli',
          ...(hostIsIp ? { hostIp: host } : { hostName: host }),
          ...(remoteIp ? { remoteIp } : {}),
          ...(remotePort !== undefined ? { remotePort } : {}),
          ...(domain ? { domain } : {}),
          timestamp: at,
        },
        cliActor().actor,
      ));
    } catch (e) {
      if (e instanceof DetectionInputError)
        throw new UsageError(`${FLAG_OF[e.field.replace(/^body\./, '')] ?? e.field}: ${e.message}`);
      throw e;
    }
    if (!detection.machineId)
      throw new CliError(
        detection.match === 'ambiguous'
          ? `host '${host}' matches several Defender devices at ${at}; recorded as detection ${detection.id} without stitching`
          : `no Defender device matches host '${host}' at ${at}; recorded as detection ${detection.id} without stitching`,
      );
    if (tenantId !== null && detection.tenantId !== tenantId)
      throw new CliError(
        `host '${host}' matched a device of another tenant (${detection.tenantId}); nothing was stitched`,
      );
    const runner = tenantHuntingRunner({ store, env });
    await stitchDetections({ store, runner }, [detection.id]);
    const stitched = (await getDetection(store.db, detection.id, null)) as Detection;
    out.write(values.json ? `${JSON.stringify(stitched)}\n` : describe(stitched));
    return stitched.stitch.state === 'stitched' ? 0 : 1;
  } finally {
    await store.close();
  }
}

const procLine = (p: Process) =>
  `${p.fileName} (pid ${p.processId}${p.creationTime ? `, started ${p.creationTime}` : ''})`;

function describe(d: Detection): string {
  const lines = [`Detection   ${d.id} on ${d.deviceName ?? d.machineId} (${d.match})`];
  const rc = d.rootCause as RootCause | null;
  if (d.stitch.state !== 'stitched' || !rc) {
    lines.push(`Stitching   ${d.stitch.state}${d.stitch.error ? `: ${d.stitch.error}` : ''}`);
    return `${lines.join('\n')}\n`;
  }
  const c = rc.connection;
  lines.push(
    `Connection  ${c.timestamp} ${c.actionType ?? ''} → ${c.remoteIp ?? ''}${c.remotePort !== null ? `:${c.remotePort}` : ''}${c.remoteUrl ? ` (${c.remoteUrl})` : ''}`,
    `Confidence  ${rc.confidence} (${rc.confidenceLevel})`,
    `Process     ${procLine(rc.process)}`,
  );
  const detail = (p: Process, indent: string) => {
    if (p.commandLine) lines.push(`${indent}command line: ${p.commandLine}`);
    if (p.accountName)
      lines.push(`${indent}account: ${p.accountDomain ? `${p.accountDomain}\\` : ''}${p.accountName}`);
    if (p.sha256) lines.push(`${indent}sha256: ${p.sha256}`);
  };
  detail(rc.process, '              ');
  rc.parents.forEach((p, i) => {
    lines.push(`${'  '.repeat(i + 1)}← parent  ${procLine(p)}`);
    detail(p, `${'  '.repeat(i + 1)}            `);
  });
  if (rc.candidates.length > 0) {
    lines.push('Other candidates (best first):');
    for (const o of rc.candidates) lines.push(`  ${procLine(o.process)} at ${o.timestamp}, score ${o.score}`);
  }
  return `${lines.join('\n')}\n`;
}
