/**
 * Processes, accounts and events as the telemetry, alerts and scenarios share them, plus the row
 * builders that turn them into hunting-table rows.
 */
import type { KqlValue, Row } from '../hunting/types.js';
import type { Image } from './catalog-processes.js';
import type { Ctx } from './context.js';
import { person, personObjectId } from './names.js';
import type { Columns } from './schema.js';

export interface Account {
  name: string;
  domain: string;
  sid: string;
  upn: string | null;
  objectId: string | null;
}

export const SYSTEM: Account = {
  name: 'system',
  domain: 'nt authority',
  sid: 'S-1-5-18',
  upn: null,
  objectId: null,
};
export const NETWORK_SERVICE: Account = {
  name: 'network service',
  domain: 'nt authority',
  sid: 'S-1-5-20',
  upn: null,
  objectId: null,
};
export const LOCAL_SERVICE: Account = {
  name: 'local service',
  domain: 'nt authority',
  sid: 'S-1-5-19',
  upn: null,
  objectId: null,
};

export function rootAccount(host: string): Account {
  return { name: 'root', domain: host, sid: 'S-1-5-21-0-0-0-0', upn: null, objectId: null };
}

/** The AD/Entra account of person `personIdx`. */
export function userAccount(ctx: Ctx, personIdx: number, prefix = ''): Account {
  const p = person(ctx.base, personIdx);
  return {
    name: `${prefix}${p.accountName}`,
    domain: ctx.org.netbios.toLowerCase(),
    sid: `${ctx.org.domainSid}-${p.rid + (prefix ? 500000 : 0)}`,
    upn: `${prefix ? prefix : ''}${p.displayFirst}.${p.displayLast}@${ctx.org.domain}`,
    objectId: personObjectId(ctx.base, personIdx),
  };
}

export interface Proc {
  image: Image;
  pid: number;
  creationMs: number;
  commandLine: string;
  account: Account;
  integrity: 'System' | 'High' | 'Medium' | 'Low';
  elevation: 'TokenElevationTypeDefault' | 'TokenElevationTypeFull' | 'TokenElevationTypeLimited';
  logonId: number;
  sessionId: number;
  /** Null for the root of a tree (its row has no initiating process). */
  parent: Proc | null;
}

export interface NetEvent {
  kind: 'net';
  timeMs: number;
  proc: Proc;
  action:
    | 'ConnectionSuccess'
    | 'ConnectionFailed'
    | 'ConnectionAttempt'
    | 'InboundConnectionAccepted'
    | 'ListeningConnectionCreated';
  remoteIp: string;
  remotePort: number;
  remoteUrl: string | null;
  localPort: number;
  protocol: 'Tcp' | 'Udp';
  /** Set when the remote end is a private address (inbound from another device). */
  remoteIpType?: 'Private' | 'Public' | 'Loopback';
}

export interface FileEvent {
  kind: 'file';
  timeMs: number;
  proc: Proc;
  action: 'FileCreated' | 'FileModified' | 'FileDeleted' | 'FileRenamed';
  file: Image;
  originUrl: string | null;
  originIp: string | null;
}

export interface ProcEvent {
  kind: 'proc';
  timeMs: number;
  proc: Proc;
  /** A session process the regular telemetry already emits when the device is up then. */
  shared?: boolean;
}

export interface LogonEvent {
  kind: 'logon';
  timeMs: number;
  action: 'LogonSuccess' | 'LogonFailed';
  logonType: 'Interactive' | 'RemoteInteractive' | 'Network' | 'Batch' | 'Service' | 'Unlock';
  account: Account;
  protocol: string | null;
  failureReason: string | null;
  isLocalAdmin: boolean;
  logonId: number;
  remoteDevice: string | null;
  remoteIp: string | null;
  remotePort: number | null;
  proc: Proc | null;
}

export type Activity = ProcEvent | NetEvent | FileEvent | LogonEvent;

export interface DeviceRef {
  id: string;
  name: string;
}

// ---------------------------------------------------------------- rows

type RowBuilder = (values: Record<string, KqlValue | undefined>) => Row;
const builders = new WeakMap<Columns, RowBuilder>();

/**
 * Builds a row with exactly the table's columns, in schema order (missing values null). The builder is
 * compiled once per table into a single object literal: rows share one hidden class and the value
 * lookups are monomorphic, which matters when a scan produces millions of rows.
 */
export function fill(columns: Columns, values: Record<string, KqlValue | undefined>): Row {
  let build = builders.get(columns);
  if (!build) {
    const body = columns
      .map(([name]) => `${JSON.stringify(name)}: v[${JSON.stringify(name)}] ?? null`)
      .join(',\n');
    build = new Function('v', `return {\n${body}\n};`) as RowBuilder;
    builders.set(columns, build);
  }
  return build(values);
}

function ipType(ip: string): 'Private' | 'Public' | 'Loopback' | 'Reserved' {
  if (ip.startsWith('127.') || ip === '::1') return 'Loopback';
  if (ip.startsWith('10.') || ip.startsWith('192.168.') || /^172\.(1[6-9]|2\d|3[01])\./.test(ip))
    return 'Private';
  if (ip.startsWith('169.254.')) return 'Reserved';
  return 'Public';
}

/** Column → JS expression over the builder's arguments, per row kind. `p` is the initiating process. */
type Exprs = Record<string, string>;

const INITIATING: Exprs = {
  InitiatingProcessSHA1: 'p ? p.image.sha1 : null',
  InitiatingProcessSHA256: 'p ? p.image.sha256 : null',
  InitiatingProcessMD5: 'p ? p.image.md5 : null',
  InitiatingProcessFileName: 'p ? p.image.fileName : null',
  InitiatingProcessFileSize: 'p ? p.image.size : null',
  InitiatingProcessVersionInfoCompanyName: 'p ? p.image.company || null : null',
  InitiatingProcessVersionInfoProductName: 'p ? p.image.product || null : null',
  InitiatingProcessVersionInfoProductVersion: 'p ? p.image.version || null : null',
  InitiatingProcessVersionInfoInternalFileName: 'p && p.image.company ? p.image.fileName : null',
  InitiatingProcessVersionInfoOriginalFileName: 'p && p.image.company ? p.image.fileName : null',
  InitiatingProcessVersionInfoFileDescription: 'p ? p.image.description || null : null',
  InitiatingProcessId: 'p ? p.pid : null',
  InitiatingProcessCommandLine: 'p ? p.commandLine : null',
  InitiatingProcessCreationTime: 'p ? new Date(p.creationMs) : null',
  InitiatingProcessFolderPath: 'p ? p.image.folderPath : null',
  InitiatingProcessParentId: 'p && p.parent ? p.parent.pid : null',
  InitiatingProcessParentFileName: 'p && p.parent ? p.parent.image.fileName : null',
  InitiatingProcessParentCreationTime: 'p && p.parent ? new Date(p.parent.creationMs) : null',
  InitiatingProcessAccountDomain: 'p ? p.account.domain : null',
  InitiatingProcessAccountName: 'p ? p.account.name : null',
  InitiatingProcessAccountSid: 'p ? p.account.sid : null',
  InitiatingProcessAccountUpn: 'p ? p.account.upn : null',
  InitiatingProcessAccountObjectId: 'p ? p.account.objectId : null',
  InitiatingProcessLogonId: 'p ? p.logonId : null',
  InitiatingProcessIntegrityLevel: 'p ? p.integrity : null',
  InitiatingProcessTokenElevation: 'p ? p.elevation : null',
  InitiatingProcessSignerType: 'p ? p.image.signer : null',
  InitiatingProcessSignatureStatus: 'p ? p.image.signatureStatus : null',
  InitiatingProcessSessionId: 'p ? p.sessionId : null',
  IsInitiatingProcessRemoteSession: 'p ? false : null',
};

const COMMON: Exprs = {
  Timestamp: 'new Date(t)',
  DeviceId: 'dev.id',
  DeviceName: 'dev.name',
  ReportId: 'rid',
  AppGuardContainerId: "''",
};

/** Process rows: `x` is the created process, `p` its parent (the initiating process). */
const PROCESS: Exprs = {
  ...COMMON,
  ...INITIATING,
  ActionType: "'ProcessCreated'",
  FileName: 'x.image.fileName',
  FolderPath: 'x.image.folderPath',
  SHA1: 'x.image.sha1',
  SHA256: 'x.image.sha256',
  MD5: 'x.image.md5',
  FileSize: 'x.image.size',
  ProcessVersionInfoCompanyName: 'x.image.company || null',
  ProcessVersionInfoProductName: 'x.image.product || null',
  ProcessVersionInfoProductVersion: 'x.image.version || null',
  ProcessVersionInfoInternalFileName: 'x.image.company ? x.image.fileName : null',
  ProcessVersionInfoOriginalFileName: 'x.image.company ? x.image.fileName : null',
  ProcessVersionInfoFileDescription: 'x.image.description || null',
  ProcessId: 'x.pid',
  ProcessCommandLine: 'x.commandLine',
  ProcessIntegrityLevel: 'x.integrity',
  ProcessTokenElevation: 'x.elevation',
  ProcessCreationTime: 'new Date(x.creationMs)',
  AccountDomain: 'x.account.domain',
  AccountName: 'x.account.name',
  AccountSid: 'x.account.sid',
  AccountUpn: 'x.account.upn',
  AccountObjectId: 'x.account.objectId',
  LogonId: 'x.logonId',
};

/** Network rows: `x` is the NetEvent, `p` its process, `ip` the device's LocalIP then. */
const NETWORK: Exprs = {
  ...COMMON,
  ...INITIATING,
  ActionType: 'x.action',
  RemoteIP: 'x.remoteIp',
  RemotePort: 'x.remotePort',
  RemoteUrl: "x.remoteUrl ?? ''",
  LocalIP: 'ip',
  LocalPort: 'x.localPort',
  Protocol: 'x.protocol',
  LocalIPType: 'ip ? ipType(ip) : null',
  RemoteIPType: 'x.remoteIpType ?? ipType(x.remoteIp)',
};

const FILE: Exprs = {
  ...COMMON,
  ...INITIATING,
  ActionType: 'x.action',
  FileName: 'x.file.fileName',
  FolderPath: 'x.file.folderPath',
  SHA1: 'x.file.sha1',
  SHA256: 'x.file.sha256',
  MD5: 'x.file.md5',
  FileSize: 'x.file.size',
  FileOriginUrl: 'x.originUrl',
  FileOriginIP: 'x.originIp',
  IsAzureInfoProtectionApplied: 'false',
};

const LOGON: Exprs = {
  ...COMMON,
  ...INITIATING,
  ActionType: 'x.action',
  LogonType: 'x.logonType',
  AccountDomain: 'x.account.domain',
  AccountName: 'x.account.name',
  AccountSid: 'x.account.sid',
  Protocol: 'x.protocol',
  FailureReason: 'x.failureReason',
  IsLocalAdmin: 'x.isLocalAdmin',
  LogonId: 'x.logonId',
  RemoteDeviceName: 'x.remoteDevice',
  RemoteIP: 'x.remoteIp',
  RemoteIPType: 'x.remoteIp ? ipType(x.remoteIp) : null',
  RemotePort: 'x.remotePort',
};

type Compiled = (
  dev: DeviceRef,
  x: unknown,
  p: Proc | null,
  t: number,
  rid: number,
  ip: string | null,
  ipType: (ip: string) => string,
) => Row;
const compiled = new Map<Exprs, WeakMap<Columns, Compiled>>();

/** One object literal per table and row kind: rows share a hidden class, fields are read directly. */
function compile(exprs: Exprs, columns: Columns): Compiled {
  let byColumns = compiled.get(exprs);
  if (!byColumns) {
    byColumns = new WeakMap();
    compiled.set(exprs, byColumns);
  }
  let fn = byColumns.get(columns);
  if (!fn) {
    const body = columns.map(([name]) => `${JSON.stringify(name)}: ${exprs[name] ?? 'null'}`).join(',\n');
    fn = new Function('dev', 'x', 'p', 't', 'rid', 'ip', 'ipType', `return {\n${body}\n};`) as Compiled;
    byColumns.set(columns, fn);
  }
  return fn;
}

export function processRow(columns: Columns, dev: DeviceRef, x: Proc, reportId: number): Row {
  return compile(PROCESS, columns)(dev, x, x.parent, x.creationMs, reportId, null, ipType);
}

export function networkRow(
  columns: Columns,
  dev: DeviceRef,
  e: NetEvent,
  localIp: string | null,
  reportId: number,
): Row {
  return compile(NETWORK, columns)(dev, e, e.proc, e.timeMs, reportId, localIp, ipType);
}

export function fileRow(columns: Columns, dev: DeviceRef, e: FileEvent, reportId: number): Row {
  return compile(FILE, columns)(dev, e, e.proc, e.timeMs, reportId, null, ipType);
}

export function logonRow(columns: Columns, dev: DeviceRef, e: LogonEvent, reportId: number): Row {
  return compile(LOGON, columns)(dev, e, e.proc, e.timeMs, reportId, null, ipType);
}
