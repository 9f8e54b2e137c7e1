/**
 * The KQL the stitcher sends (issue 8, C12): one DeviceNetworkEvents query for a batch of detections (several
 * devices and remote addresses over the union of their windows) and one DeviceProcessEvents query per round of
 * the parent-chain walk. The first `where` after the table holds only Timestamp and DeviceId conditions, so
 * the service (and the emulator's pushdown) can narrow the scan before the rest is evaluated.
 */

/** The columns a process is read from, for network rows (the initiating process) and process rows. */
const INITIATING = [
  'InitiatingProcessFileName',
  'InitiatingProcessFolderPath',
  'InitiatingProcessId',
  'InitiatingProcessCommandLine',
  'InitiatingProcessCreationTime',
  'InitiatingProcessSHA1',
  'InitiatingProcessSHA256',
  'InitiatingProcessAccountName',
  'InitiatingProcessAccountDomain',
  'InitiatingProcessParentId',
  'InitiatingProcessParentFileName',
  'InitiatingProcessParentCreationTime',
] as const;

export const NETWORK_COLUMNS = [
  'Timestamp',
  'DeviceId',
  'DeviceName',
  'ActionType',
  'RemoteIP',
  'RemotePort',
  'RemoteUrl',
  'Protocol',
  'LocalIP',
  'LocalPort',
  ...INITIATING,
] as const;

export const PROCESS_COLUMNS = [
  'Timestamp',
  'DeviceId',
  'FileName',
  'FolderPath',
  'ProcessId',
  'ProcessCommandLine',
  'ProcessCreationTime',
  'SHA1',
  'SHA256',
  'AccountName',
  'AccountDomain',
  ...INITIATING,
] as const;

/** Rows a stitch query may return; far above what a batch needs, far below the API's 100,000. */
export const MAX_ROWS = 5000;

/** A KQL string literal. */
export function kqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A KQL datetime literal (ISO, UTC). */
export function kqlDatetime(ms: number): string {
  return `datetime(${new Date(ms).toISOString()})`;
}

const list = (values: Iterable<string>) => [...new Set(values)].map(kqlString).join(', ');

export interface NetworkQueryInput {
  fromMs: number;
  toMs: number;
  deviceIds: Iterable<string>;
  remoteIps: Iterable<string>;
  /** Lower-case domains (from a detection's `domain` or its URL's host). */
  domains: Iterable<string>;
}

/** Connections of these devices to any of these addresses or domains in [fromMs, toMs]. */
export function networkQuery(q: NetworkQueryInput): string {
  const ips = [...new Set(q.remoteIps)];
  const domains = [...new Set(q.domains)];
  const remote = [
    ...(ips.length > 0 ? [`RemoteIP in (${list(ips)})`] : []),
    ...domains.map((d) => `RemoteUrl contains ${kqlString(d)}`),
  ];
  if (remote.length === 0) throw new Error('a network query needs a remote IP or a domain');
  return [
    'DeviceNetworkEvents',
    `| where Timestamp between (${kqlDatetime(q.fromMs)} .. ${kqlDatetime(q.toMs)}) and DeviceId in (${list(q.deviceIds)})`,
    `| where ${remote.join(' or ')}`,
    `| project ${NETWORK_COLUMNS.join(', ')}`,
    `| take ${MAX_ROWS}`,
  ].join('\n');
}

export interface ProcessQueryInput {
  fromMs: number;
  toMs: number;
  deviceIds: Iterable<string>;
  processIds: Iterable<number>;
}

/** Creation rows of these process IDs on these devices in [fromMs, toMs] (callers match the creation time). */
export function processQuery(q: ProcessQueryInput): string {
  const pids = [...new Set(q.processIds)].sort((a, b) => a - b);
  return [
    'DeviceProcessEvents',
    `| where Timestamp between (${kqlDatetime(q.fromMs)} .. ${kqlDatetime(q.toMs)}) and DeviceId in (${list(q.deviceIds)})`,
    `| where ProcessId in (${pids.join(', ')})`,
    `| project ${PROCESS_COLUMNS.join(', ')}`,
    `| take ${MAX_ROWS}`,
  ].join('\n');
}
