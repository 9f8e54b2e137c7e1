/**
 * Alerts with full evidence. Every alert about a process also leaves that process (and its parent) in the
 * device's DeviceProcessEvents, and its network evidence in DeviceNetworkEvents.
 */
import type { Alert, AlertEvidence } from '@mde-bridge/client/models';
import { type Account, type NetEvent, type Proc, rootAccount, SYSTEM } from './activity.js';
import { ALERT_TEMPLATES, type AlertTemplate } from './catalog-alerts.js';
import { BAD_DESTINATIONS, type Image } from './catalog-processes.js';
import { hostNameFor, isMobile, type Traits } from './devices.js';
import { type Rng, Stream, Weighted } from './prng.js';
import { addInjected, type TenantState } from './state.js';
import {
  type DeviceView,
  dayUp,
  hasTelemetry,
  hourUp,
  primaryUser,
  sessionFor,
  telemetryWindow,
} from './telemetry.js';
import { DAY, HOUR, iso7, isoTrim, MINUTE, SECOND, ticks } from './time.js';
import type { DeviceRecord, OsFamily } from './types.js';

export const SEVERITY_ORDER: Record<string, number> = {
  UnSpecified: 0,
  Informational: 1,
  Low: 2,
  Medium: 3,
  High: 4,
};

const TEMPLATES_BY_FAMILY = new Map<OsFamily, Weighted<AlertTemplate>>();
for (const fam of ['windows', 'windowsServer', 'macos', 'linux'] as const) {
  TEMPLATES_BY_FAMILY.set(
    fam,
    new Weighted(ALERT_TEMPLATES.filter((x) => x.families.includes(fam)).map((x) => [x, x.weight] as const)),
  );
}

export function templateFor(rng: Rng, family: OsFamily): AlertTemplate | null {
  return TEMPLATES_BY_FAMILY.get(family)?.pick(rng) ?? null;
}

/** Evidence item with every key present (spec 4.2.2), in the real key order. */
export function evidenceItem(
  fields: Partial<AlertEvidence> & { entityType: string; evidenceCreationTime: string },
): AlertEvidence {
  return {
    entityType: fields.entityType,
    evidenceCreationTime: fields.evidenceCreationTime,
    sha1: fields.sha1 ?? null,
    sha256: fields.sha256 ?? null,
    fileName: fields.fileName ?? null,
    filePath: fields.filePath ?? null,
    processId: fields.processId ?? null,
    processCommandLine: fields.processCommandLine ?? null,
    processCreationTime: fields.processCreationTime ?? null,
    parentProcessId: fields.parentProcessId ?? null,
    parentProcessCreationTime: fields.parentProcessCreationTime ?? null,
    parentProcessFileName: fields.parentProcessFileName ?? null,
    parentProcessFilePath: fields.parentProcessFilePath ?? null,
    ipAddress: fields.ipAddress ?? null,
    url: fields.url ?? null,
    registryKey: fields.registryKey ?? null,
    registryHive: fields.registryHive ?? null,
    registryValueType: fields.registryValueType ?? null,
    registryValue: fields.registryValue ?? null,
    registryValueName: fields.registryValueName ?? null,
    accountName: fields.accountName ?? null,
    domainName: fields.domainName ?? null,
    userSid: fields.userSid ?? null,
    aadUserId: fields.aadUserId ?? null,
    userPrincipalName: fields.userPrincipalName ?? null,
    detectionStatus: fields.detectionStatus ?? null,
  };
}

function folderOf(img: Image): string {
  const p = img.folderPath;
  const cut = Math.max(p.lastIndexOf('\\'), p.lastIndexOf('/'));
  return cut > 0 ? p.slice(0, cut) : p;
}

export interface AlertActivity {
  /** The offending process and its parent (parent must exist as a process row). */
  proc: Proc;
  parent: Proc;
  /** Whether the parent is a session process (already in telemetry: not injected again). */
  parentShared: boolean;
  net: NetEvent | null;
}

function unixLike(f: OsFamily): boolean {
  return f === 'linux' || f === 'macos';
}

/** Session process to use as the parent at `atMs`, when the device has a session then. */
function sessionParent(v: DeviceView, fileName: string, atMs: number, nowMs: number): Proc | null {
  const hour = Math.floor(atMs / HOUR);
  if (!hasTelemetry(v.t, v.device) || !hourUp(v.ctx, v.t, hour)) return null;
  const [start, end] = telemetryWindow(v.device, nowMs);
  if (atMs < start || atMs > end) return null;
  const s = sessionFor(v, Math.floor(atMs / DAY));
  const lower = fileName.toLowerCase();
  for (const p of s.procs) {
    if (p.image.fileName.toLowerCase() === lower && p.creationMs < atMs - MINUTE) return p;
  }
  return null;
}

/** Build the process activity for a template at `atMs` (the offending process's creation time). */
export function templateActivity(
  v: DeviceView,
  tpl: AlertTemplate,
  atMs: number,
  rng: Rng,
  nowMs = v.ctx.genNowMs,
): AlertActivity | null {
  const tp = tpl.process;
  if (!tp) return null;
  const unix = unixLike(v.t.family);
  const user: Account = tp.user ? primaryUser(v) : unix ? rootAccount(hostNameFor(v.ctx.base, v.t)) : SYSTEM;
  const pid = () => (unix ? rng.range(300, 65000) : 4 * rng.range(100, 16000));
  const parentImg = tp.parent(user.name);
  let parent = sessionParent(v, parentImg.fileName, atMs, nowMs);
  const parentShared = parent !== null;
  if (!parent) {
    const grand = sessionParent(
      v,
      unix ? (v.t.family === 'macos' ? 'launchd' : 'sshd') : tp.user ? 'explorer.exe' : 'services.exe',
      atMs - 2 * HOUR,
      nowMs,
    );
    const created = atMs - Math.floor(rng.real(MINUTE, 2 * HOUR));
    parent = {
      image: parentImg,
      pid: pid(),
      creationMs: created,
      commandLine: tp.parentCommandLine,
      account: user,
      integrity: user === SYSTEM || user.name === 'root' ? 'System' : 'Medium',
      elevation:
        user === SYSTEM || user.name === 'root' ? 'TokenElevationTypeDefault' : 'TokenElevationTypeLimited',
      logonId: grand?.logonId ?? rng.range(0x100000, 0x3fffffff),
      sessionId: user === SYSTEM ? 0 : 1,
      parent: grand ?? {
        image: unix
          ? { ...parentImg, fileName: 'bash', folderPath: '/usr/bin/bash' }
          : {
              ...parentImg,
              fileName: tp.user ? 'explorer.exe' : 'services.exe',
              folderPath: tp.user ? 'C:\\Windows\\explorer.exe' : 'C:\\Windows\\System32\\services.exe',
            },
        pid: pid(),
        creationMs: created - Math.floor(rng.real(MINUTE, 6 * HOUR)),
        commandLine: '',
        account: user,
        integrity: 'Medium',
        elevation: 'TokenElevationTypeDefault',
        logonId: 0,
        sessionId: 1,
        parent: null,
      },
    };
  }
  const proc: Proc = {
    image: tp.image(user.name),
    pid: pid(),
    creationMs: atMs,
    commandLine: tp.commandLine,
    account: user,
    integrity: parent.integrity,
    elevation: parent.elevation,
    logonId: parent.logonId,
    sessionId: parent.sessionId,
    parent,
  };
  let net: NetEvent | null = null;
  if (tpl.network) {
    const d = rng.pick(BAD_DESTINATIONS);
    net = {
      kind: 'net',
      timeMs: atMs + rng.range(SECOND, 30 * SECOND),
      proc,
      action: tpl.detectionStatus === 'Prevented' ? 'ConnectionFailed' : 'ConnectionSuccess',
      remoteIp: rng.pick(d.ips),
      remotePort: d.port,
      remoteUrl: d.url,
      localPort: unix ? rng.range(32768, 60999) : rng.range(49152, 65535),
      protocol: d.protocol,
    };
  }
  return { proc, parent, parentShared, net };
}

export interface RaiseOptions {
  tpl: AlertTemplate;
  device: DeviceRecord;
  t: Traits;
  activity: AlertActivity | null;
  /** When Defender raised it (after the activity). */
  createdMs: number;
  rng: Rng;
  /** Clock used to triage: older alerts are more likely resolved. `null` = leave New. */
  triageAtMs: number | null;
  /** Add the activity to the device telemetry (false when the caller already did, e.g. scenarios). */
  injectActivity?: boolean;
}

const ANALYST_COMMENTS = [
  'Investigated with the user; expected admin activity.',
  'Confirmed malicious, device isolated and re-imaged.',
  'Blocked by AV, no further activity observed.',
  'Benign: line-of-business installer.',
  'Escalated to IR team.',
  'Duplicate of an earlier alert on this device.',
];

/** Create an alert, register it in the state (indexes, incident, injected telemetry) and return it. */
export function raiseAlert(state: TenantState, o: RaiseOptions): Alert {
  const { ctx } = state;
  const { tpl, device, rng } = o;
  const m = device.machine;
  const created = Math.floor(o.createdMs);
  const sub = rng.int(10000);
  const id = ['da', ticks(created, sub), '_', rng.u32() | 0].join('');
  const act = o.activity;
  const evTime = iso7(created, sub);
  const evidence: AlertEvidence[] = [];
  const ds = tpl.detectionStatus;
  if (act) {
    const p = act.proc;
    const q = act.parent;
    evidence.push(
      evidenceItem({
        entityType: 'Process',
        evidenceCreationTime: evTime,
        sha1: p.image.sha1,
        sha256: p.image.sha256,
        fileName: p.image.fileName,
        filePath: folderOf(p.image),
        processId: p.pid,
        processCommandLine: p.commandLine,
        processCreationTime: iso7(p.creationMs),
        parentProcessId: q.pid,
        parentProcessCreationTime: iso7(q.creationMs),
        parentProcessFileName: q.image.fileName,
        parentProcessFilePath: folderOf(q.image),
        accountName: p.account.name,
        domainName: p.account.domain,
        userSid: p.account.sid,
        aadUserId: p.account.objectId,
        userPrincipalName: p.account.upn,
        detectionStatus: ds,
      }),
    );
    const file = tpl.file ? tpl.file(p.account.name) : p.image;
    evidence.push(
      evidenceItem({
        entityType: 'File',
        evidenceCreationTime: evTime,
        sha1: file.sha1,
        sha256: file.sha256,
        fileName: file.fileName,
        filePath: folderOf(file),
        detectionStatus: ds,
      }),
    );
    if (tpl.userEvidence && p.account !== SYSTEM && p.account.name !== 'root') {
      evidence.push(
        evidenceItem({
          entityType: 'User',
          evidenceCreationTime: evTime,
          accountName: p.account.name,
          domainName: p.account.domain.toUpperCase(),
          userSid: p.account.sid,
          aadUserId: p.account.objectId,
          userPrincipalName: p.account.upn,
        }),
      );
    }
    if (act.net) {
      evidence.push(
        evidenceItem({
          entityType: 'Ip',
          evidenceCreationTime: evTime,
          ipAddress: act.net.remoteIp,
          detectionStatus: ds,
        }),
      );
      if (act.net.remoteUrl) {
        evidence.push(
          evidenceItem({
            entityType: 'Url',
            evidenceCreationTime: evTime,
            url: act.net.remoteUrl,
            detectionStatus: ds,
          }),
        );
      }
    }
  }
  if (tpl.registry) {
    evidence.push(
      evidenceItem({
        entityType: 'Registry',
        evidenceCreationTime: evTime,
        registryKey: tpl.registry.key,
        registryHive: tpl.registry.hive,
        registryValueType: tpl.registry.valueType,
        registryValue: tpl.registry.value,
        registryValueName: tpl.registry.valueName,
      }),
    );
  }

  const firstEvent = act
    ? act.parentShared
      ? act.proc.creationMs
      : Math.min(act.parent.creationMs + MINUTE, act.proc.creationMs)
    : created - 5 * MINUTE;
  const lastEvent = act ? Math.max(act.proc.creationMs, act.net?.timeMs ?? 0) : created - MINUTE;

  // incident: join the device's open incident from the last 24 h, else a new one
  const last = state.lastIncident.get(device.index);
  let incidentId: number;
  if (last && created - last.atMs < DAY && created >= last.atMs) incidentId = last.id;
  else incidentId = state.nextIncidentId++;
  state.lastIncident.set(device.index, { id: incidentId, atMs: created });

  const relatedUser =
    act && act.proc.account !== SYSTEM && act.proc.account.name !== 'root'
      ? { userName: act.proc.account.name, domainName: act.proc.account.domain.toUpperCase() }
      : null;

  const alert: Alert = {
    id,
    incidentId,
    investigationId: null,
    assignedTo: null,
    severity: tpl.severity,
    status: 'New',
    classification: null,
    determination: null,
    investigationState: unixLike(device.osFamily) ? 'UnsupportedOs' : 'Queued',
    detectionSource: tpl.detectionSource,
    detectorId: ctx.base.rng(Stream.alerts, 0, hashKey(tpl.key)).guid(),
    category: tpl.category,
    threatFamilyName: tpl.threatFamilyName,
    title: tpl.title,
    description: tpl.description,
    alertCreationTime: iso7(created, sub),
    firstEventTime: iso7(Math.min(firstEvent, lastEvent)),
    lastEventTime: iso7(lastEvent),
    lastUpdateTime: isoTrim(created + rng.range(1000, 60_000)),
    resolvedTime: null,
    machineId: m.id,
    computerDnsName: m.computerDnsName,
    rbacGroupName: m.rbacGroupName,
    aadTenantId: ctx.tenantId,
    threatName: tpl.threatName,
    mitreTechniques: [...tpl.mitre],
    relatedUser,
    loggedOnUsers: device.loggedOnUsers.map((u) => ({
      accountName: u.accountName,
      domainName: u.domainName,
    })),
    comments: [],
    evidence,
    domains: [],
  };
  if (!unixLike(device.osFamily)) {
    alert.investigationState =
      ds === 'Prevented'
        ? 'SuccessfullyRemediated'
        : tpl.detectionSource === 'CustomerTI' || tpl.detectionSource === 'CustomDetection'
          ? 'UnsupportedAlertType'
          : 'Running';
    if (alert.investigationState !== 'UnsupportedAlertType')
      alert.investigationId = state.nextInvestigationId++;
  }
  if (o.triageAtMs !== null) triage(state, alert, o.triageAtMs - created, rng, o.triageAtMs);

  // register
  const pos = state.alerts.length;
  state.alerts.push(alert);
  state.alertDevice.push(device.index);
  state.alertCreatedMs.push(created);
  state.alertById.set(alert.id, pos);
  const list = state.alertsByDevice.get(device.index);
  if (list) list.push(pos);
  else state.alertsByDevice.set(device.index, [pos]);
  if (act && o.injectActivity !== false) {
    addInjected(state, device.index, {
      kind: 'proc',
      timeMs: act.parent.creationMs,
      proc: act.parent,
      shared: act.parentShared,
    });
    addInjected(state, device.index, { kind: 'proc', timeMs: act.proc.creationMs, proc: act.proc });
    if (act.net) addInjected(state, device.index, act.net);
  }
  return alert;
}

function hashKey(k: string): number {
  let h = 0;
  for (let i = 0; i < k.length; i++) h = (Math.imul(h, 31) + k.charCodeAt(i)) | 0;
  return h >>> 0;
}

const TP_DETERMINATION: Record<string, string[]> = {
  Malware: ['Malware'],
  UnwantedSoftware: ['UnwantedSoftware'],
  Ransomware: ['Malware', 'MultiStagedAttack'],
  CredentialAccess: ['MultiStagedAttack', 'CompromisedUser', 'MaliciousUserActivity'],
  InitialAccess: ['Phishing'],
};

/** Give an alert a status consistent with its age (older → more likely resolved). */
export function triage(state: TenantState, a: Alert, ageMs: number, rng: Rng, atMs: number): void {
  const created = atMs - ageMs;
  const ageDays = ageMs / DAY;
  const pResolved = Math.min(0.85, 0.08 + (ageDays / 30) * 0.75);
  const u = rng.float();
  if (u < pResolved && ageMs > 20 * MINUTE) {
    resolve(
      state,
      a,
      Math.min(atMs - 1000, created + Math.floor(rng.real(10 * MINUTE, Math.min(ageMs, 5 * DAY)))),
      rng,
    );
  } else if (u < pResolved + 0.2 && ageMs > 10 * MINUTE) {
    a.status = 'InProgress';
    a.assignedTo = rng.pick(state.ctx.analysts);
    a.lastUpdateTime = isoTrim(
      Math.min(atMs, created + Math.floor(rng.real(5 * MINUTE, Math.min(ageMs, 2 * DAY)))),
    );
  } else if (rng.chance(0.15)) {
    a.assignedTo = rng.pick(state.ctx.analysts);
  }
}

/** Resolve an alert at `atMs` with a classification and determination. */
export function resolve(state: TenantState, a: Alert, atMs: number, rng: Rng): void {
  a.status = 'Resolved';
  a.resolvedTime = iso7(atMs, rng.int(10000));
  a.lastUpdateTime = isoTrim(atMs + rng.range(0, 900));
  const auto = a.investigationState === 'SuccessfullyRemediated' && rng.chance(0.6);
  if (auto) {
    a.assignedTo = 'Automation';
    a.classification = 'TruePositive';
    a.determination = a.category === 'UnwantedSoftware' ? 'UnwantedSoftware' : 'Malware';
    return;
  }
  if (a.investigationState === 'Running')
    a.investigationState = rng.pick([
      'Benign',
      'SuccessfullyRemediated',
      'PartiallyInvestigated',
      'Terminated',
    ]);
  a.assignedTo = rng.pick(state.ctx.analysts);
  const c = rng.float();
  if (c < 0.45) {
    a.classification = 'TruePositive';
    a.determination = rng.pick(
      TP_DETERMINATION[a.category] ?? ['MultiStagedAttack', 'MaliciousUserActivity', 'Other'],
    );
  } else if (c < 0.75) {
    a.classification = 'InformationalExpectedActivity';
    a.determination = rng.pick([
      'SecurityTesting',
      'LineOfBusinessApplication',
      'ConfirmedUserActivity',
      'Other',
    ]);
  } else {
    a.classification = 'FalsePositive';
    a.determination = rng.pick(['Clean', 'InsufficientData', 'Other']);
  }
  if (rng.chance(0.5)) {
    a.comments.push({
      comment: rng.pick(ANALYST_COMMENTS),
      createdBy: a.assignedTo as string,
      createdTime: iso7(atMs - rng.range(0, 60_000), rng.int(10000)),
    });
  }
}

/** A time within the device's up hours in [lo, hi] (falls back to any time). */
export function pickActiveTime(v: DeviceView, lo: number, hi: number, rng: Rng): number {
  for (let k = 0; k < 12; k++) {
    const t = lo + rng.float() * (hi - lo);
    const hour = Math.floor(t / HOUR);
    if (hourUp(v.ctx, v.t, hour) && dayUp(v.ctx, v.t, Math.floor(t / DAY))) return Math.floor(t);
  }
  return Math.floor(lo + rng.float() * (hi - lo));
}

/** Base alerts for one device at generation; returns how many were raised. */
export function generateDeviceAlerts(state: TenantState, v: DeviceView, room: number): number {
  const { ctx, device, t } = v;
  if (room <= 0 || isMobile(t.family) || !hasTelemetry(t, device)) return 0;
  const rng = ctx.base.rng(Stream.alerts, t.index, 1);
  const u = rng.float();
  let k = u < 0.82 ? 0 : u < 0.93 ? 1 : u < 0.965 ? 2 : u < 0.99 ? rng.range(3, 4) : rng.range(5, 10);
  if (t.old) k = Math.min(k, 1);
  k = Math.min(k, room);
  if (k === 0) return 0;
  const now = ctx.genNowMs;
  const [start, end] = telemetryWindow(device, now);
  const lo = Math.max(start, now - 30 * DAY);
  const hi = Math.min(end, now) - 30 * MINUTE;
  if (hi - lo < HOUR) return 0;
  const times: number[] = [];
  // alerts come in bursts: 60% of the follow-ups within a few hours of the first
  const first = pickActiveTime(v, lo, hi, rng);
  times.push(first);
  for (let j = 1; j < k; j++) {
    times.push(
      rng.chance(0.6)
        ? Math.min(hi, first + Math.floor(rng.real(MINUTE, 6 * HOUR)))
        : pickActiveTime(v, lo, hi, rng),
    );
  }
  times.sort((a, b) => a - b);
  let made = 0;
  for (const at of times) {
    const tpl = templateFor(rng, t.family);
    if (!tpl) break;
    const act = templateActivity(v, tpl, at, rng);
    const lastEvent = act ? Math.max(act.proc.creationMs, act.net?.timeMs ?? 0) : at;
    const created = Math.min(now - MINUTE, lastEvent + rng.range(30 * SECOND, 20 * MINUTE));
    raiseAlert(state, { tpl, device, t, activity: act, createdMs: created, rng, triageAtMs: now });
    made++;
  }
  return made;
}

/** riskScore from the device's open alerts (None when there are none). */
export function riskFromAlerts(state: TenantState, index: number): string {
  const list = state.alertsByDevice.get(index);
  let best = 0;
  if (list) {
    for (const pos of list) {
      const a = state.alerts[pos];
      if (a.status !== 'Resolved') best = Math.max(best, SEVERITY_ORDER[a.severity] ?? 0);
    }
  }
  return ['None', 'Informational', 'Low', 'Medium', 'High'][best] ?? 'None';
}
