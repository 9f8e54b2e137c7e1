/**
 * The hunting tables over the tenant. Device tables are generated when scanned, device by device and hour
 * by hour, restricted to what the scan hints allow; alert tables read the live alert list.
 */
import type { KqlValue, Row, ScanHints, TableSource } from '../hunting/types.js';
import {
  type Activity,
  type DeviceRef,
  fileRow,
  fill,
  logonRow,
  networkRow,
  processRow,
} from './activity.js';
import { ipAt, isMobile, type Traits } from './devices.js';
import { OS_PROFILES } from './os.js';
import { Stream } from './prng.js';
import type { Columns } from './schema.js';
import * as S from './schema.js';
import { deviceById, devicesByName, profileOf, type TenantState, traitsOf } from './state.js';
import {
  buildSession,
  type DeviceView,
  hasTelemetry,
  hourActivity,
  hourUp,
  reportWindow,
  TELEMETRY_DAYS,
  telemetryWindow,
  upHours,
} from './telemetry.js';
import { DAY, HOUR, MINUTE, parseMs } from './time.js';
import type { DeviceRecord, DeviceVulnerability } from './types.js';
import type { CveDef } from './vulnerabilities.js';

export interface TableDeps {
  state: TenantState;
  deviceVulnerabilities(d: DeviceRecord): DeviceVulnerability[];
  cveById: Map<string, CveDef>;
}

type EventKind = 'proc' | 'net' | 'file' | 'logon';

function* devicesFor(state: TenantState, hints: ScanHints): Iterable<DeviceRecord> {
  const ids = hints.deviceIds;
  const names = hints.deviceNames ? new Set(hints.deviceNames.map((n) => n.toLowerCase())) : null;
  if (ids) {
    const seen = new Set<number>();
    for (const id of ids) {
      const d = deviceById(state, id);
      if (!d || seen.has(d.index)) continue;
      seen.add(d.index);
      if (names && !names.has(d.machine.computerDnsName.toLowerCase())) continue;
      yield d;
    }
    return;
  }
  if (names) {
    const seen = new Set<number>();
    for (const n of names) {
      for (const d of devicesByName(state, n)) {
        if (seen.has(d.index) || d.machine.computerDnsName.toLowerCase() !== n) continue;
        seen.add(d.index);
        yield d;
      }
    }
    return;
  }
  yield* state.devices;
}

function range(hints: ScanHints, now: number): [number, number] {
  return [
    Math.max(hints.fromMs ?? Number.NEGATIVE_INFINITY, now - TELEMETRY_DAYS * DAY),
    Math.min(hints.toMs ?? Number.POSITIVE_INFINITY, now),
  ];
}

function ref(d: DeviceRecord): DeviceRef {
  return { id: d.machine.id, name: d.machine.computerDnsName };
}

const KIND_BASE: Record<EventKind, number> = { proc: 0, net: 300, file: 600, logon: 800 };

function eventRow(
  kind: EventKind,
  columns: Columns,
  dev: DeviceRef,
  d: DeviceRecord,
  a: Activity,
  reportId: number,
): Row | null {
  switch (a.kind) {
    case 'proc':
      return kind === 'proc' ? processRow(columns, dev, a.proc, reportId) : null;
    case 'net':
      return kind === 'net' ? networkRow(columns, dev, a, ipAt(d, a.timeMs), reportId) : null;
    case 'file':
      return kind === 'file' ? fileRow(columns, dev, a, reportId) : null;
    default:
      return kind === 'logon' ? logonRow(columns, dev, a, reportId) : null;
  }
}

function eventTable(
  deps: TableDeps,
  clock: () => number,
  name: string,
  columns: Columns,
  kind: EventKind,
): TableSource {
  const { state } = deps;
  const { ctx } = state;
  return {
    name,
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      const now = clock();
      const [from, to] = range(hints, now);
      if (from > to) return;
      for (const d of devicesFor(state, hints)) {
        const t = traitsOf(state, d.index);
        const v: DeviceView = { ctx, device: d, t };
        const dev = ref(d);
        const telemetry = hasTelemetry(t, d);
        const [ws, we] = telemetryWindow(d, now);
        if (telemetry) {
          const lo = Math.max(from, ws);
          const hi = Math.min(to, we);
          if (lo <= hi) {
            const loHour = Math.floor(lo / HOUR);
            const hiHour = Math.floor(hi / HOUR);
            for (let day = Math.floor(loHour / 24); day <= Math.floor(hiHour / 24); day++) {
              const up = upHours(ctx, t, day);
              if (!up) continue;
              const h0 = Math.max(up[0], loHour);
              const h1 = Math.min(up[1] - 1, hiHour);
              if (h0 > h1) continue;
              const session = buildSession(v, day);
              for (let hour = h0; hour <= h1; hour++) {
                let seq = KIND_BASE[kind];
                const base = (hour % 10_000_000) * 1000;
                if (kind === 'proc') {
                  for (const p of session.procs) {
                    if (p.creationMs >= lo && p.creationMs <= hi && Math.floor(p.creationMs / HOUR) === hour)
                      yield processRow(columns, dev, p, base + seq++);
                  }
                }
                const act = hourActivity(v, hour, session);
                if (kind === 'proc') {
                  for (const p of act.procs)
                    if (p.creationMs >= lo && p.creationMs <= hi)
                      yield processRow(columns, dev, p, base + seq++);
                } else {
                  const list: readonly Activity[] =
                    kind === 'net' ? act.nets : kind === 'file' ? act.files : act.logons;
                  for (const a of list) {
                    if (a.timeMs < lo || a.timeMs > hi) continue;
                    const row = eventRow(kind, columns, dev, d, a, base + seq++);
                    if (row) yield row;
                  }
                }
              }
            }
          }
        }
        const inj = state.injected.get(d.index);
        if (!inj) continue;
        let seq = 0;
        for (const a of inj) {
          if (a.timeMs < from || a.timeMs > to) continue;
          if (
            a.kind === 'proc' &&
            a.shared &&
            telemetry &&
            a.timeMs >= ws &&
            a.timeMs <= we &&
            hourUp(ctx, t, Math.floor(a.timeMs / HOUR))
          )
            continue;
          const row = eventRow(
            kind,
            columns,
            dev,
            d,
            a,
            9_000_000_000_000 + Math.floor(a.timeMs / 1000) * 10 + (seq++ % 10),
          );
          if (row) yield row;
        }
      }
    },
  };
}

// ---------------------------------------------------------------- DeviceInfo / DeviceNetworkInfo

const JOIN: Record<string, string> = {
  hybrid: 'Hybrid Azure AD Join',
  aad: 'AAD Joined',
  domain: 'Domain Joined',
  workgroup: 'Workgroup',
};

function hardware(state: TenantState, t: Traits): [string, string] {
  if (t.vm === 'azure' || t.vm === 'hyperv') return ['Virtual Machine', 'Microsoft Corporation'];
  if (t.vm === 'vmware') return ['VMware Virtual Platform', 'VMware, Inc.'];
  const u = state.ctx.base.unit(Stream.name, t.physical, 40);
  const pick = <T>(xs: T[]): T => xs[Math.floor(u * xs.length)];
  switch (t.family) {
    case 'macos':
      return pick([
        ['MacBookPro18,1', 'Apple Inc.'],
        ['Mac14,7', 'Apple Inc.'],
        ['Mac15,3', 'Apple Inc.'],
      ]);
    case 'ios':
      return pick([
        ['iPhone 14', 'Apple'],
        ['iPhone 15', 'Apple'],
        ['iPhone 13', 'Apple'],
      ]);
    case 'android':
      return pick([
        ['Pixel 8', 'Google'],
        ['Galaxy S23', 'samsung'],
        ['Galaxy A54', 'samsung'],
      ]);
    case 'windowsServer':
    case 'linux':
      return pick([
        ['PowerEdge R750', 'Dell Inc.'],
        ['ProLiant DL380 Gen10', 'HPE'],
        ['ThinkSystem SR650', 'Lenovo'],
      ]);
    default:
      return t.laptop
        ? pick([
            ['Latitude 5440', 'Dell Inc.'],
            ['ThinkPad T14 Gen 3', 'LENOVO'],
            ['HP EliteBook 840 G9', 'HP'],
          ])
        : pick([
            ['OptiPlex 7010', 'Dell Inc.'],
            ['ThinkCentre M70q', 'LENOVO'],
            ['HP EliteDesk 800 G6', 'HP'],
          ]);
  }
}

function osVersionShort(d: DeviceRecord, profileKey: string): string {
  const m = d.machine;
  if (d.osFamily === 'windows' || d.osFamily === 'windowsServer')
    return profileKey === 'ws2012r2' ? '6.3' : '10.0';
  return m.osVersion ?? m.version;
}

/**
 * Report times of DeviceInfo/DeviceNetworkInfo in [lo, hi]: one at onboarding (90 s after firstSeen), then
 * hourly while up (mobile: daily).
 */
function* reportTimes(
  state: TenantState,
  t: Traits,
  d: DeviceRecord,
  lo: number,
  hi: number,
): Iterable<number> {
  const first = parseMs(d.machine.firstSeen) + 90_000;
  if (first >= lo && first <= hi) yield first;
  const offset = ((t.index * 37) % 55) * MINUTE + 90_000;
  if (isMobile(t.family)) {
    for (let day = Math.floor(lo / DAY); day <= Math.floor(hi / DAY); day++) {
      const at = day * DAY + ((t.index * 7) % 20) * HOUR + offset;
      if (at >= lo && at <= hi && at > first) yield at;
    }
    return;
  }
  for (let hour = Math.floor(lo / HOUR); hour <= Math.floor(hi / HOUR); hour++) {
    if (!hourUp(state.ctx, t, hour)) continue;
    const at = hour * HOUR + offset;
    if (at >= lo && at <= hi && at > first) yield at;
  }
}

function deviceInfoTable(deps: TableDeps, clock: () => number): TableSource {
  const { state } = deps;
  const columns = S.DeviceInfo;
  return {
    name: 'DeviceInfo',
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      const now = clock();
      const [from, to] = range(hints, now);
      if (from > to) return;
      for (const d of devicesFor(state, hints)) {
        const t = traitsOf(state, d.index);
        if (t.nonOnboarded) continue;
        const [ws, we] = reportWindow(d, now);
        const lo = Math.max(from, ws);
        const hi = Math.min(to, we);
        if (lo > hi) continue;
        const m = d.machine;
        const p = profileOf(state, d.index);
        const [model, vendor] = hardware(state, t);
        const users = JSON.stringify(
          d.loggedOnUsers.map((u) => ({
            UserName: u.accountName,
            DomainName: u.domainName,
            Sid: `${state.ctx.org.domainSid}-${1100 + t.personIdx}`,
          })),
        );
        const constant: Record<string, KqlValue | undefined> = {
          DeviceId: m.id,
          DeviceName: m.computerDnsName,
          ClientVersion: m.agentVersion,
          PublicIP: m.lastExternalIpAddress,
          OSArchitecture: m.osArchitecture,
          OSPlatform: m.osPlatform,
          OSBuild: m.osBuild,
          IsAzureADJoined: m.isAadJoined,
          JoinType: JOIN[t.join],
          AadDeviceId: m.aadDeviceId,
          LoggedOnUsers: users,
          RegistryDeviceTag: '',
          OSVersion: osVersionShort(d, p.key),
          MachineGroup: m.rbacGroupName ?? 'UnassignedGroup',
          OnboardingStatus: 'Onboarded',
          AdditionalFields: null,
          DeviceCategory: 'Endpoint',
          DeviceType: isMobile(t.family)
            ? 'Mobile'
            : t.family === 'windowsServer' || t.family === 'linux'
              ? 'Server'
              : 'Workstation',
          DeviceSubtype: null,
          Model: model,
          Vendor: vendor,
          OSDistribution: p.distribution,
          OSVersionInfo: m.version,
          MergedDeviceIds: null,
          MergedToDeviceId: m.mergedIntoMachineId,
          IsInternetFacing: t.role === 'web' && t.site === 'azure',
          SensorHealthState: m.healthStatus,
          IsExcluded: m.isExcluded,
          ExclusionReason: m.exclusionReason,
          ExposureLevel: m.exposureLevel,
          AssetValue: m.deviceValue,
          DeviceManualTags: JSON.stringify(m.machineTags),
          DeviceDynamicTags: '[]',
          ConnectivityType: state.ctx.base.unit(Stream.name, t.index, 41) < 0.6 ? 'Streamlined' : 'Standard',
          HostDeviceId: null,
        };
        for (const at of reportTimes(state, t, d, lo, hi)) {
          constant.Timestamp = new Date(at);
          constant.ReportId = Math.floor(at / 1000);
          yield fill(columns, constant);
        }
      }
    },
  };
}

function adapterVendor(mac: string): string {
  const oui = mac.slice(0, 6);
  if (oui === '00155D' || oui === '000D3A' || oui === '6045BD' || oui === '7CED8D') return 'Microsoft';
  if (oui === '005056' || oui === '000C29') return 'VMware, Inc.';
  if (oui === 'A4835C' || oui === 'F01898' || oui === '3C0630') return 'Apple';
  return oui.charCodeAt(0) % 2 === 0 ? 'Intel Corporation' : 'Realtek Semiconductor Corp.';
}

function deviceNetworkInfoTable(deps: TableDeps, clock: () => number): TableSource {
  const { state } = deps;
  const { org } = state.ctx;
  const columns = S.DeviceNetworkInfo;
  return {
    name: 'DeviceNetworkInfo',
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      const now = clock();
      const [from, to] = range(hints, now);
      if (from > to) return;
      for (const d of devicesFor(state, hints)) {
        const t = traitsOf(state, d.index);
        if (t.nonOnboarded || isMobile(t.family)) continue;
        const [ws, we] = reportWindow(d, now);
        const lo = Math.max(from, ws);
        const hi = Math.min(to, we);
        if (lo > hi) continue;
        const m = d.machine;
        const primary = m.ipAddresses[0];
        const mac = primary?.macAddress ?? '000000000000';
        const linkLocal = m.ipAddresses[1]?.ipAddress ?? null;
        const staticIp = t.family === 'windowsServer' || t.family === 'linux';
        const corp = t.site !== 'remote';
        const connected = JSON.stringify([
          corp
            ? {
                Name: org.adSuffix,
                Description: org.adSuffix,
                IsConnectedToInternet: true,
                Category: t.join === 'workgroup' ? 'Private' : 'Domain',
              }
            : {
                Name: 'Network 2',
                Description: 'Network 2',
                IsConnectedToInternet: true,
                Category: 'Private',
              },
        ]);
        const adapterName = t.family === 'linux' ? 'eth0' : t.family === 'macos' ? 'en0' : 'Ethernet';
        for (const at of reportTimes(state, t, d, lo, hi)) {
          const ip = ipAt(d, at);
          if (!ip) continue;
          const gw = `${ip.slice(0, ip.lastIndexOf('.'))}.1`;
          const addrs: { IPAddress: string; SubnetPrefix: number; AddressType: string }[] = [
            { IPAddress: ip, SubnetPrefix: 24, AddressType: 'Private' },
          ];
          if (linkLocal) addrs.push({ IPAddress: linkLocal, SubnetPrefix: 64, AddressType: 'LinkLocal' });
          yield fill(columns, {
            Timestamp: new Date(at),
            DeviceId: m.id,
            DeviceName: m.computerDnsName,
            NetworkAdapterName: adapterName,
            MacAddress: mac.match(/../g)?.join('-') ?? mac,
            NetworkAdapterType: 'Ethernet',
            NetworkAdapterStatus: 'Up',
            TunnelType: t.site === 'remote' ? 'Other' : 'None',
            ConnectedNetworks: connected,
            DnsAddresses: JSON.stringify(corp ? org.dnsServers : [gw]),
            IPv4Dhcp: staticIp ? null : corp ? org.dnsServers[0] : gw,
            IPv6Dhcp: null,
            DefaultGateways: JSON.stringify([gw]),
            IPAddresses: JSON.stringify(addrs),
            ReportId: Math.floor(at / 1000) + 1,
            NetworkAdapterVendor: adapterVendor(mac),
          });
        }
      }
    },
  };
}

// ---------------------------------------------------------------- alerts

const TECHNIQUE_NAMES: Record<string, string> = {
  T1003: 'OS Credential Dumping',
  'T1003.001': 'LSASS Memory',
  T1027: 'Obfuscated Files or Information',
  'T1053.005': 'Scheduled Task',
  T1055: 'Process Injection',
  'T1055.001': 'Dynamic-link Library Injection',
  'T1055.002': 'Portable Executable Injection',
  'T1059.001': 'PowerShell',
  'T1059.003': 'Windows Command Shell',
  'T1059.004': 'Unix Shell',
  'T1069.002': 'Domain Groups',
  'T1071.001': 'Web Protocols',
  T1082: 'System Information Discovery',
  T1033: 'System Owner/User Discovery',
  'T1087.002': 'Domain Account',
  T1105: 'Ingress Tool Transfer',
  T1140: 'Deobfuscate/Decode Files or Information',
  'T1204.002': 'Malicious File',
  'T1218.011': 'Rundll32',
  T1219: 'Remote Access Software',
  T1486: 'Data Encrypted for Impact',
  T1490: 'Inhibit System Recovery',
  T1496: 'Resource Hijacking',
  'T1505.001': 'SQL Stored Procedures',
  'T1505.003': 'Web Shell',
  'T1562.001': 'Disable or Modify Tools',
  'T1566.001': 'Spearphishing Attachment',
  'T1566.002': 'Spearphishing Link',
};

const DETECTION_SOURCE: Record<string, string> = {
  WindowsDefenderAtp: 'EDR',
  WindowsDefenderAv: 'Antivirus',
  WindowsDefenderSmartScreen: 'SmartScreen',
  CustomerTI: 'Custom TI',
  CustomDetection: 'Custom detection',
  AutomatedInvestigation: 'Automated investigation',
};

function techniques(ids: readonly string[]): string {
  return JSON.stringify(ids.map((id) => `${TECHNIQUE_NAMES[id] ?? id} (${id})`));
}

function alertInfoTable(deps: TableDeps, clock: () => number): TableSource {
  const { state } = deps;
  const columns = S.AlertInfo;
  return {
    name: 'AlertInfo',
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      const [from, to] = range(hints, clock());
      for (const a of state.alerts) {
        const at = Date.parse(a.alertCreationTime);
        if (at < from || at > to) continue;
        yield fill(columns, {
          Timestamp: new Date(at),
          AlertId: a.id,
          Title: a.title,
          Category: a.category,
          Severity: a.severity,
          ServiceSource: 'Microsoft Defender for Endpoint',
          DetectionSource: DETECTION_SOURCE[a.detectionSource] ?? a.detectionSource,
          AttackTechniques: techniques(a.mitreTechniques),
        });
      }
    },
  };
}

const ENTITY: Record<string, string> = {
  Process: 'Process',
  File: 'File',
  User: 'User',
  Ip: 'Ip',
  Url: 'Url',
  Registry: 'RegistryValue',
};

function alertEvidenceTable(deps: TableDeps, clock: () => number): TableSource {
  const { state } = deps;
  const columns = S.AlertEvidence;
  return {
    name: 'AlertEvidence',
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      const [from, to] = range(hints, clock());
      let positions: Iterable<number>;
      if (hints.deviceIds || hints.deviceNames) {
        const list: number[] = [];
        for (const d of devicesFor(state, hints)) list.push(...(state.alertsByDevice.get(d.index) ?? []));
        positions = list.sort((x, y) => x - y);
      } else {
        positions = state.alerts.keys();
      }
      for (const pos of positions) {
        const a = state.alerts[pos];
        const at = Date.parse(a.alertCreationTime);
        if (at < from || at > to) continue;
        const d = state.devices[state.alertDevice[pos]];
        const common: Record<string, KqlValue | undefined> = {
          Timestamp: new Date(at),
          AlertId: a.id,
          Title: a.title,
          Categories: JSON.stringify([a.category]),
          AttackTechniques: techniques(a.mitreTechniques),
          ServiceSource: 'Microsoft Defender for Endpoint',
          DetectionSource: DETECTION_SOURCE[a.detectionSource] ?? a.detectionSource,
          DeviceId: a.machineId,
          DeviceName: a.computerDnsName,
          Severity: a.severity,
          ThreatFamily: a.threatFamilyName,
        };
        yield fill(columns, {
          ...common,
          EntityType: 'Machine',
          EvidenceRole: 'Impacted',
          LocalIP: d?.machine.lastIpAddress ?? null,
        });
        for (const e of a.evidence) {
          const sep = e.filePath?.includes('/') ? '/' : '\\';
          yield fill(columns, {
            ...common,
            EntityType: ENTITY[e.entityType] ?? e.entityType,
            EvidenceRole: e.entityType === 'User' ? 'Impacted' : 'Related',
            EvidenceDirection: e.entityType === 'Ip' || e.entityType === 'Url' ? 'Destination' : null,
            FileName: e.fileName,
            FolderPath: e.filePath && e.fileName ? `${e.filePath}${sep}${e.fileName}` : e.filePath,
            SHA1: e.sha1,
            SHA256: e.sha256,
            RemoteIP: e.ipAddress,
            RemoteUrl: e.url,
            AccountName: e.accountName,
            AccountDomain: e.domainName,
            AccountSid: e.userSid,
            AccountObjectId: e.aadUserId,
            AccountUpn: e.userPrincipalName,
            ProcessCommandLine: e.processCommandLine,
            RegistryKey: e.registryKey,
            RegistryValueName: e.registryValueName,
            RegistryValueData: e.registryValue,
          });
        }
      }
    },
  };
}

// ---------------------------------------------------------------- TVM

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function tvmTable(deps: TableDeps): TableSource {
  const { state } = deps;
  const columns = S.DeviceTvmSoftwareVulnerabilities;
  return {
    name: 'DeviceTvmSoftwareVulnerabilities',
    columns,
    *scan(hints: ScanHints): Iterable<Row> {
      for (const d of devicesFor(state, hints)) {
        const m = d.machine;
        if (m.onboardingStatus !== 'Onboarded') continue;
        const p = OS_PROFILES[state.profileIdx[d.index]];
        for (const v of deps.deviceVulnerabilities(d)) {
          const c = deps.cveById.get(v.cveId);
          const date = c ? new Date(c.publishedMs + 20 * DAY) : null;
          yield fill(columns, {
            DeviceId: m.id,
            DeviceName: m.computerDnsName,
            OSPlatform: m.osPlatform,
            OSVersion: osVersionShort(d, p.key),
            OSArchitecture:
              m.osArchitecture === '32-bit' ? 'x86' : m.osProcessor === 'arm64' ? 'arm64' : 'x64',
            SoftwareVendor: v.productVendor,
            SoftwareName: v.productName,
            SoftwareVersion: v.productVersion,
            CveId: v.cveId,
            VulnerabilitySeverityLevel: v.severity,
            RecommendedSecurityUpdate:
              v.fixingKbId && date
                ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCFullYear()} Security Updates`
                : '',
            RecommendedSecurityUpdateId: v.fixingKbId ?? '',
            CveTags: c ? [...c.tags] : [],
          });
        }
      }
    },
  };
}

export function makeTables(deps: TableDeps, clock: () => number): TableSource[] {
  return [
    deviceInfoTable(deps, clock),
    deviceNetworkInfoTable(deps, clock),
    eventTable(deps, clock, 'DeviceProcessEvents', S.DeviceProcessEvents, 'proc'),
    eventTable(deps, clock, 'DeviceNetworkEvents', S.DeviceNetworkEvents, 'net'),
    eventTable(deps, clock, 'DeviceFileEvents', S.DeviceFileEvents, 'file'),
    eventTable(deps, clock, 'DeviceLogonEvents', S.DeviceLogonEvents, 'logon'),
    alertInfoTable(deps, clock),
    alertEvidenceTable(deps, clock),
    tvmTable(deps),
  ];
}
