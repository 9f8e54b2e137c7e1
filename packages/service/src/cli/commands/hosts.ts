import { openMigratedStore, storeUrl } from '../../config/settings.js';
import type { HostContext } from '../../context/host-context.js';
import { HostContextService } from '../../context/host-context-service.js';
import { ObservedHostError, parseObservedHost } from '../../context/observed-host.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const hostsUsage = `Usage: mde-bridge hosts lookup [--ip A] [--hostname H] [--at TIME] [--db URL] [--json]

The Defender context of a host seen on the network, from the replica (nothing is written, Defender is not
called): matched by DNS name, alternate name, short name, the IP it had at --at (ISO-8601), or its current IP.
Give --ip or --hostname (or both). An ambiguous match lists the candidate devices.
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
--json prints the HostContext (as GET /api/v1/hosts/lookup answers it) on stdout.
Exit codes: 0 found, 1 nothing matches and nothing was recorded, 2 bad flags.
`;

/** `mde-bridge hosts lookup …`: a host's context from the store. */
export async function hosts(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'lookup')
    throw new UsageError(sub ? `unknown subcommand 'hosts ${sub}'` : 'give a subcommand: lookup');
  const { values } = parseFlags(rest, {
    ip: { type: 'string' },
    hostname: { type: 'string' },
    at: { type: 'string' },
    db: { type: 'string' },
    json: { type: 'boolean' },
  });
  let host: ReturnType<typeof parseObservedHost>;
  try {
    host = parseObservedHost(values, new Date(), (key) => `--${key}`);
  } catch (e) {
    if (e instanceof ObservedHostError) throw new UsageError(`${e.field}: ${e.message}`);
    throw e;
  }
  const store = await openMigratedStore(storeUrl(values.db, env));
  try {
    const context = await new HostContextService({ store, env }).lookup(host, null);
    if (!context)
      throw new CliError('no Defender device matches this host, and no endpoint was recorded for it');
    out.write(values.json ? `${JSON.stringify(context)}\n` : table(context));
    return 0;
  } finally {
    await store.close();
  }
}

function table(c: HostContext): string {
  const rows: [string, string | null][] = [
    ['Match', `${c.match.status}${c.match.by ? ` by ${c.match.by}` : ''}`],
    ['Machine ID', c.machineId],
    ['Name', c.name],
    ['Tenant', c.tenantName],
    ['OS', [c.os, c.osVersion].filter(Boolean).join(' ') || null],
    ['Isolation', c.isolationState],
    ['Health', c.healthStatus],
    ['Last seen', c.lastSeen],
    ['IP addresses', c.ipAddresses.join(', ') || null],
    ['Risk', c.risk ? `${c.risk.overall} (exposure ${c.risk.exposure}, alert ${c.risk.alert})` : null],
    ['Profile', c.profile ? `${c.profile.name} (${c.profile.matchScore})` : null],
    ['Device group', c.deviceGroup],
    ['Tags', c.tags.join(', ') || null],
    ['Portal', c.links?.overview ?? null],
    ['Endpoint ID', c.endpointId],
  ];
  const lines = rows.map(([label, value]) => `${label.padEnd(14)} ${value ?? '—'}`);
  for (const candidate of c.match.candidates ?? []) {
    lines.push(
      `  candidate    ${candidate.machineId}  ${candidate.name}  (${candidate.tenantName}, last seen ${candidate.lastSeen ?? 'never'})`,
    );
  }
  return `${lines.join('\n')}\n`;
}
