/**
 * Devices: static traits (pure functions of seed + index), the wire `Machine`, IP history.
 *
 * Device `i` depends only on the seed, `i`, the generation clock and the IP leases handed out to devices
 * `< i` — never on how many devices the tenant has. A re-imaged machine is modelled as a pair of
 * consecutive records: device `i` is the old (now Inactive) record of device `i - 1`, with the same DNS
 * name and hardware (MAC addresses).
 *
 * Devices added after generation (`evolve`: onboarding, re-image) are built by the same `generateDevice`
 * with an `Appearance`: their traits come from `onboardedTraits` / `reimagedTraits` instead of `traits`.
 */
import type { IpAddress, Machine } from '@mde-bridge/client/models';
import type { Ctx } from './context.js';
import type { IpAllocator, PoolKey } from './ip.js';
import { MACHINE_TAGS, person, RBAC_GROUPS, residentialIp, type SiteKey } from './names.js';
import {
  FAMILY_WEIGHTS,
  OS_BY_KEY,
  OS_PROFILES,
  type OsProfile,
  SUPPORTS_NONE,
  SUPPORTS_SERVER_LEGACY,
} from './os.js';
import { permute32, type Rng, type SeedBase, Stream, Weighted } from './prng.js';
import { DAY, HOUR, iso7 } from './time.js';
import type { DeviceRecord, OsFamily } from './types.js';

export type JoinType = 'hybrid' | 'aad' | 'domain' | 'workgroup';
export type VmKind = 'azure' | 'hyperv' | 'vmware' | null;

/** What a device *is*; never changes, recomputable from (seed, index). */
export interface Traits {
  index: number;
  family: OsFamily;
  /** Initial OS profile (index into OS_PROFILES). */
  profileIdx: number;
  site: SiteKey;
  pool: PoolKey;
  /** 0 = patched promptly, 1 = average, 2 = neglected. */
  hygiene: 0 | 1 | 2;
  laptop: boolean;
  vm: VmKind;
  join: JoinType;
  /** Workstations: first UTC hour of the working day and its length. */
  workStart: number;
  workLen: number;
  /** Server/Linux role, e.g. `sql`, `web`. */
  role: string;
  /** Person number of the primary user. */
  personIdx: number;
  /** Index of the physical machine (the partner's index for a re-imaged old record). */
  physical: number;
  /** Old record of a re-imaged machine. */
  old: boolean;
  nonOnboarded: boolean;
  /** Server 2012 R2/2016 on the legacy (MMA) sensor. */
  legacySensor: boolean;
  /** Hour (0..23) at which the device sends its daily full report. */
  phase: number;
}

const FAMILY = new Weighted(FAMILY_WEIGHTS);
const PROFILE_BY_FAMILY = new Map<OsFamily, Weighted<number>>();
for (const fam of ['windows', 'windowsServer', 'macos', 'linux', 'ios', 'android'] as const) {
  PROFILE_BY_FAMILY.set(
    fam,
    new Weighted(
      OS_PROFILES.map((p, i) => [i, p.family === fam ? p.weight : 0] as const).filter((e) => e[1] > 0),
    ),
  );
}

const SITE: Record<OsFamily, Weighted<SiteKey>> = {
  windows: new Weighted<SiteKey>([
    ['hq', 50],
    ['branch', 25],
    ['office', 10],
    ['remote', 15],
  ]),
  windowsServer: new Weighted<SiteKey>([
    ['hq', 55],
    ['branch', 10],
    ['azure', 35],
  ]),
  macos: new Weighted<SiteKey>([
    ['hq', 60],
    ['remote', 40],
  ]),
  linux: new Weighted<SiteKey>([
    ['hq', 40],
    ['azure', 60],
  ]),
  ios: new Weighted<SiteKey>([['remote', 1]]),
  android: new Weighted<SiteKey>([['remote', 1]]),
};

const SERVER_ROLES = new Weighted<string>([
  ['app', 25],
  ['web', 15],
  ['sql', 14],
  ['file', 10],
  ['dc', 5],
  ['print', 4],
  ['rds', 6],
  ['backup', 4],
  ['mgmt', 6],
  ['exch', 2],
  ['ca', 1],
  ['wsus', 2],
]);
const LINUX_ROLES = new Weighted<string>([
  ['web', 20],
  ['app', 20],
  ['db', 12],
  ['k8s', 18],
  ['build', 8],
  ['bastion', 4],
  ['monitor', 6],
  ['dev', 12],
]);

const EOL_PROFILES = new Set(['w10-1607', 'w10-1703', 'w10-1709']);

function isServerLike(f: OsFamily): boolean {
  return f === 'windowsServer' || f === 'linux';
}

export function isMobile(f: OsFamily): boolean {
  return f === 'ios' || f === 'android';
}

function poolFor(site: SiteKey, family: OsFamily): PoolKey {
  const srv = isServerLike(family);
  switch (site) {
    case 'hq':
      return srv ? 'hq-srv' : 'hq-ws';
    case 'branch':
      return srv ? 'branch-srv' : 'branch-ws';
    case 'office':
      return 'office-ws';
    case 'azure':
      return 'azure';
    default:
      return 'vpn';
  }
}

function rawTraits(base: SeedBase, index: number): Traits {
  const rng = base.rng(Stream.device, index, 1);
  const family = FAMILY.pick(rng);
  const profileIdx = (PROFILE_BY_FAMILY.get(family) as Weighted<number>).pick(rng);
  const profile = OS_PROFILES[profileIdx];
  const site = SITE[family].pick(rng);
  const hygieneDraw = rng.float();
  const hygiene: 0 | 1 | 2 = EOL_PROFILES.has(profile.key)
    ? 2
    : hygieneDraw < 0.65
      ? 0
      : hygieneDraw < 0.92
        ? 1
        : 2;
  const laptop = family === 'macos' || (family === 'windows' && rng.chance(0.7));
  let vm: VmKind = null;
  const vmDraw = rng.float();
  if (site === 'azure') vm = 'azure';
  else if (family === 'windowsServer') vm = vmDraw < 0.5 ? 'hyperv' : vmDraw < 0.8 ? 'vmware' : null;
  else if (family === 'linux') vm = vmDraw < 0.6 ? 'vmware' : vmDraw < 0.8 ? 'hyperv' : null;
  else if (family === 'windows' && !laptop && vmDraw < 0.08) vm = 'hyperv';
  const joinDraw = rng.float();
  let join: JoinType = 'workgroup';
  if (family === 'windows')
    join = joinDraw < 0.45 ? 'hybrid' : joinDraw < 0.8 ? 'aad' : joinDraw < 0.95 ? 'domain' : 'workgroup';
  else if (family === 'windowsServer')
    join = site === 'azure' && joinDraw < 0.3 ? 'workgroup' : joinDraw < 0.08 ? 'hybrid' : 'domain';
  else if (family === 'linux') join = joinDraw < 0.25 ? 'domain' : 'workgroup';
  else if (family === 'macos') join = joinDraw < 0.5 ? 'aad' : 'workgroup';
  else join = 'aad';
  const workStart = rng.range(5, 11);
  const workLen = rng.range(8, 11);
  const role =
    family === 'windowsServer' ? SERVER_ROLES.pick(rng) : family === 'linux' ? LINUX_ROLES.pick(rng) : '';
  const nonOnboarded = (family === 'windows' || family === 'linux') && rng.chance(0.012);
  const legacySensor = (profile.key === 'ws2012r2' || profile.key === 'ws2016') && rng.chance(0.35);
  const phase = rng.int(24);
  return {
    index,
    family,
    profileIdx,
    site,
    pool: poolFor(site, family),
    hygiene,
    laptop,
    vm,
    join,
    workStart,
    workLen,
    role,
    personIdx: index,
    physical: index,
    old: false,
    nonOnboarded,
    legacySensor,
    phase,
  };
}

function isOldRaw(base: SeedBase, i: number): boolean {
  return i > 0 && base.unit(Stream.reimage, i) < 0.012;
}

/** Whether device `i` is the old record of re-imaged device `i - 1`. */
export function isOldRecord(base: SeedBase, i: number): boolean {
  if (!isOldRaw(base, i) || isOldRaw(base, i - 1)) return false;
  const partner = rawTraits(base, i - 1);
  return !isMobile(partner.family) && !partner.nonOnboarded;
}

/** Static traits of device `index`. */
export function traits(base: SeedBase, index: number): Traits {
  if (!isOldRecord(base, index)) return rawTraits(base, index);
  const partner = rawTraits(base, index - 1);
  const rng = base.rng(Stream.device, index, 2);
  const sameFamily = (PROFILE_BY_FAMILY.get(partner.family) as Weighted<number>).pick(rng);
  return {
    ...partner,
    index,
    profileIdx: sameFamily,
    hygiene: 2,
    physical: index - 1,
    old: true,
    phase: rng.int(24),
  };
}

/** Traits of device `index` onboarded after generation: a fresh, onboarded device (never an old record). */
export function onboardedTraits(base: SeedBase, index: number): Traits {
  return { ...rawTraits(base, index), nonOnboarded: false };
}

/**
 * Traits of record `index`, the new record of re-imaged machine `partner` whose current OS profile is
 * `currentProfileIdx`: same hardware, user, site, role and join (so the same DNS name), a freshly installed
 * and patched OS — sometimes the next feature release.
 */
export function reimagedTraits(
  base: SeedBase,
  index: number,
  partner: Traits,
  currentProfileIdx: number,
): Traits {
  const rng = base.rng(Stream.device, index, 3);
  let profileIdx = currentProfileIdx;
  const upgrade = OS_PROFILES[profileIdx].upgradesTo;
  const next = upgrade ? OS_BY_KEY.get(upgrade) : undefined;
  if (next && rng.chance(0.5)) profileIdx = OS_PROFILES.indexOf(next);
  return {
    ...partner,
    index,
    profileIdx,
    hygiene: 0,
    old: false,
    nonOnboarded: false,
    phase: rng.int(24),
  };
}

/** How a device added after generation appears. */
export interface Appearance {
  /** firstSeen = lastSeen: the device is online from this time on. */
  atMs: number;
  traits: Traits;
  /** Internal address to keep (a re-imaged machine keeps its reservation or static IP); else leased. */
  ip?: string;
}

export interface ReimageInfo {
  /** lastSeen of the old record. */
  oldLastSeenMs: number;
  /** firstSeen of the new record. */
  newFirstSeenMs: number;
  merged: boolean;
  potentialDuplicate: boolean;
  excluded: boolean;
}

/** Timing of the re-image of old record `oldIndex` (shared by both records). */
export function reimageInfo(base: SeedBase, oldIndex: number, nowMs: number): ReimageInfo {
  const rng = base.rng(Stream.reimage, oldIndex, 1);
  const oldLastSeenMs = nowMs - rng.real(8 * DAY, 45 * DAY);
  const merged = rng.chance(0.3);
  return {
    oldLastSeenMs,
    newFirstSeenMs: oldLastSeenMs + rng.real(2 * HOUR, 3 * DAY),
    merged,
    potentialDuplicate: !merged && rng.chance(0.6),
    excluded: !merged && rng.chance(0.25),
  };
}

export function machineIdFor(base: SeedBase, index: number): string {
  return base.rng(Stream.machineId, index).hex(40);
}

function token(base: SeedBase, physical: number): string {
  return permute32(physical, base.words[2]).toString(36).padStart(7, '0');
}

const SITE_CODE: Record<SiteKey, string> = {
  hq: 'hq',
  branch: 'br',
  office: 'of',
  remote: 'rw',
  azure: 'az',
};

/** Host name (no domain) of a device. */
export function hostNameFor(base: SeedBase, t: Traits): string {
  const tok = token(base, t.physical);
  const sc = SITE_CODE[t.site];
  switch (t.family) {
    case 'windows': {
      const style = base.unit(Stream.name, t.physical);
      if (style < 0.25) return ['desktop', tok].join('-');
      return [sc, t.laptop ? 'lt' : 'ws', tok].join('-');
    }
    case 'windowsServer':
      return [sc, t.role, tok].join('-');
    case 'macos':
      return [`${person(base, t.personIdx).displayFirst}s`, 'mbp', tok].join('-');
    case 'linux':
      return [t.role, OS_PROFILES[t.profileIdx].distribution.toLowerCase(), tok].join('-');
    case 'ios':
      return ['iphone', tok].join('-');
    default:
      return ['android', tok].join('-');
  }
}

export function dnsNameFor(ctx: Ctx, t: Traits): string {
  const host = hostNameFor(ctx.base, t);
  return t.join === 'hybrid' || t.join === 'domain' ? [host, ctx.org.adSuffix].join('.') : host;
}

const OUI: Record<string, string[]> = {
  azure: ['000D3A', '6045BD', '7CED8D'],
  hyperv: ['00155D'],
  vmware: ['005056', '000C29'],
  laptop: ['D4AE52', '54E1AD', '3822E2', '8C8D28', 'F8E43B'],
  desktop: ['D89EF3', 'B4B686', '6C2B59', '509A4C'],
  mac: ['A4835C', 'F01898', '3C0630'],
  mobile: ['F01898', 'DC2B2A', '5CE91E'],
};

function ouiList(t: Traits): string[] {
  if (t.vm) return OUI[t.vm];
  if (t.family === 'macos') return OUI.mac;
  if (isMobile(t.family)) return OUI.mobile;
  return t.laptop ? OUI.laptop : OUI.desktop;
}

function hex4(rng: Rng): string {
  return (rng.u32() & 0xffff).toString(16);
}

function linkLocal(rng: Rng): string {
  return ['fe80::', hex4(rng), ':', hex4(rng), ':', hex4(rng), ':', hex4(rng)].join('');
}

const LOOPBACK4: IpAddress = Object.freeze({
  ipAddress: '127.0.0.1',
  macAddress: null,
  type: 'SoftwareLoopback',
  operationalStatus: 'Up',
});
const LOOPBACK6: IpAddress = Object.freeze({
  ipAddress: '::1',
  macAddress: null,
  type: 'SoftwareLoopback',
  operationalStatus: 'Up',
});

/**
 * `Machine.ipAddresses` for a device whose current internal address is `ip`. MACs and link-local
 * addresses belong to the physical machine (a re-imaged machine keeps them).
 */
export function buildIpAddresses(base: SeedBase, t: Traits, ip: string): IpAddress[] {
  const rng = base.rng(Stream.name, t.physical, 10);
  const ouis = ouiList(t);
  const mac = [rng.pick(ouis), rng.hexUpper(6)].join('');
  const ll = linkLocal(rng);
  const eth: IpAddress = { ipAddress: ip, macAddress: mac, type: 'Ethernet', operationalStatus: 'Up' };
  const eth6: IpAddress = { ipAddress: ll, macAddress: mac, type: 'Ethernet', operationalStatus: 'Up' };
  // Array literals of the final size: push() would over-allocate the backing store (x100,000 devices).
  if (isMobile(t.family)) return [eth, eth6];
  if (!t.laptop) return [eth, eth6, LOOPBACK4, LOOPBACK6];
  const wmac = [rng.pick(OUI.laptop), rng.hexUpper(6)].join('');
  return [
    eth,
    eth6,
    {
      ipAddress: ['169.254', rng.range(1, 254), rng.range(1, 254)].join('.'),
      macAddress: wmac,
      type: 'Wireless80211',
      operationalStatus: 'Down',
    },
    { ipAddress: linkLocal(rng), macAddress: wmac, type: 'Wireless80211', operationalStatus: 'Down' },
    LOOPBACK4,
    LOOPBACK6,
  ];
}

/** Agent version string for a profile (re-derivable for OS updates). */
export function agentVersionFor(base: SeedBase, t: Traits, p: OsProfile): string {
  const h = base.hash(Stream.name, t.index, 30);
  if (p.family === 'windows' || p.family === 'windowsServer') {
    const build = p.agentBase.slice(p.agentBase.indexOf('.', 3) + 1);
    return t.legacySensor
      ? ['10.3720', build, 18000 + (h % 5000)].join('.')
      : [p.agentBase, 2000 + (h % 6000)].join('.');
  }
  if (isMobile(p.family)) return [p.agentBase, 10 + (h % 90), '.0101'].join('');
  return [p.agentBase, String(1 + (h % 20)).padStart(4, '0')].join('.');
}

export function supportsFor(t: Traits, p: OsProfile): DeviceRecord['supports'] {
  if (t.nonOnboarded) return SUPPORTS_NONE;
  if (t.legacySensor) return SUPPORTS_SERVER_LEGACY;
  return p.supports;
}

const HEALTH = new Weighted<Machine['healthStatus']>([
  ['Active', 86],
  ['Inactive', 7],
  ['ImpairedCommunication', 2.5],
  ['NoSensorData', 2],
  ['NoSensorDataImpairedCommunication', 1],
  ['Unknown', 1.5],
]);

const AV_STATUS = new Weighted<string>([
  ['Updated', 88],
  ['NotUpdated', 6],
  ['Disabled', 2],
  ['NotReporting', 2],
  ['Unknown', 2],
]);

export interface GeneratedDevice {
  record: DeviceRecord;
  traits: Traits;
  patchIdx: number;
  lastSeenMs: number;
}

/** Initial OS patch level (index into the profile's patch list). */
function initialPatch(rng: Rng, t: Traits, p: OsProfile): number {
  const last = p.patchVersions.length - 1;
  if (EOL_PROFILES.has(p.key)) return rng.range(0, 3);
  switch (t.hygiene) {
    case 0:
      return rng.chance(0.85) ? last : last - 1;
    case 1:
      return last - rng.range(0, 2);
    default:
      return last - rng.range(0, 5);
  }
}

/**
 * Build device `index`. Leases its IP history from `alloc` (the only cross-device state). With `appear`
 * (devices added by `evolve`) the device is new at `appear.atMs`: online, Active, one IP lease from then.
 */
export function generateDevice(
  ctx: Ctx,
  index: number,
  alloc: IpAllocator,
  appear?: Appearance,
): GeneratedDevice {
  const { base } = ctx;
  const now = appear ? appear.atMs : ctx.genNowMs;
  const t = appear ? appear.traits : traits(base, index);
  const p = OS_PROFILES[t.profileIdx];
  const rng = base.rng(Stream.device, index, 0);
  const id = machineIdFor(base, index);

  // --- health, times ---
  const reimageOld = !appear && t.old ? reimageInfo(base, index, now) : null;
  const reimageNew =
    !appear && !t.old && isOldRecord(base, index + 1) ? reimageInfo(base, index + 1, now) : null;
  let health: Machine['healthStatus'];
  let online: boolean;
  let lastSeenMs: number;
  let onboarding: Machine['onboardingStatus'] = 'Onboarded';
  const healthDraw = HEALTH.pick(rng);
  if (appear) {
    health = 'Active';
    online = true;
    lastSeenMs = now;
  } else if (reimageOld) {
    health = 'Inactive';
    online = false;
    lastSeenMs = reimageOld.oldLastSeenMs;
  } else if (t.nonOnboarded) {
    health = 'Unknown';
    online = false;
    lastSeenMs = now - rng.real(HOUR, 20 * DAY);
    onboarding = rng.pick([
      'CanBeOnboarded',
      'CanBeOnboarded',
      'CanBeOnboarded',
      'InsufficientInfo',
      'Unsupported',
    ]);
  } else {
    health = reimageNew ? 'Active' : healthDraw;
    switch (health) {
      case 'Active':
        online = rng.chance(0.93);
        lastSeenMs = online ? now - rng.real(0, 24 * HOUR) : now - rng.real(HOUR, 6.5 * DAY);
        break;
      case 'Inactive':
        online = false;
        lastSeenMs = now - rng.real(7 * DAY + HOUR, 60 * DAY);
        break;
      case 'ImpairedCommunication':
        online = rng.chance(0.3);
        lastSeenMs = now - rng.real(HOUR, 6 * DAY);
        break;
      case 'Unknown':
        online = false;
        lastSeenMs = now - rng.real(HOUR, 30 * DAY);
        break;
      default:
        online = false;
        lastSeenMs = now - rng.real(HOUR, 6 * DAY);
    }
  }
  let firstSeenMs: number;
  if (appear) firstSeenMs = now;
  else if (reimageNew) firstSeenMs = reimageNew.newFirstSeenMs;
  else if (reimageOld) firstSeenMs = reimageOld.oldLastSeenMs - rng.real(60 * DAY, 700 * DAY);
  else if (rng.chance(0.08)) firstSeenMs = now - rng.real(DAY, 28 * DAY);
  else firstSeenMs = now - rng.real(31 * DAY, 900 * DAY);
  if (!appear && firstSeenMs > lastSeenMs - HOUR) firstSeenMs = lastSeenMs - rng.real(HOUR, 20 * DAY);
  const activityEnd = online ? now : lastSeenMs;

  // --- IP history ---
  const server = isServerLike(t.family);
  const windowStart = Math.max(firstSeenMs, now - 30 * DAY);
  let changes = server
    ? rng.chance(0.9)
      ? 0
      : 1
    : t.site === 'remote'
      ? rng.range(1, 2)
      : rng.pick([0, 0, 0, 1, 1, 1, 1, 2, 2, 2]);
  if (activityEnd - windowStart < 6 * HOUR) changes = 0;
  const points: number[] = [];
  for (let k = 0; k < changes; k++) points.push(rng.real(windowStart + HOUR, activityEnd - HOUR));
  if (points.length === 2 && points[0] > points[1]) points.reverse();
  let ipHistory: DeviceRecord['ipHistory'] = [];
  let from = Math.max(firstSeenMs, windowStart - rng.real(0, 10 * DAY));
  for (let k = 0; k <= points.length; k++) {
    const to = k < points.length ? Math.floor(points[k]) : null;
    const ip = appear?.ip ?? alloc.allocate(t.pool, from, rng);
    if (to !== null) alloc.release(t.pool, ip, to);
    ipHistory.push({ ip, fromMs: Math.floor(from), toMs: to });
    if (to !== null) from = to;
  }
  ipHistory = ipHistory.slice(); // exact-size backing store
  const currentIp = ipHistory[ipHistory.length - 1].ip;

  // --- identity, management ---
  const dnsName = dnsNameFor(ctx, t);
  const isAadJoined = t.join === 'hybrid' || t.join === 'aad';
  const aadDeviceId = isAadJoined && rng.chance(0.9) ? rng.guid() : null;
  const egress = ctx.org.egress[t.site];
  const externalIp = egress.length > 0 ? rng.pick(egress) : residentialIp(rng);
  const mobile = isMobile(t.family);

  let deviceValue: Machine['deviceValue'] = 'Normal';
  const dv = rng.float();
  if (t.family === 'windowsServer' || (t.family === 'linux' && t.role === 'db')) {
    if (dv < 0.25 || t.role === 'dc' || t.role === 'sql') deviceValue = 'High';
    else if (dv < 0.28) deviceValue = 'Low';
  } else if (dv < 0.05) deviceValue = 'High';
  else if (dv < 0.13) deviceValue = 'Low';

  let group: { id: number; name: string | null } = { id: 0, name: null };
  if (!rng.chance(0.15)) {
    let g = RBAC_GROUPS[0];
    if (t.family === 'windows')
      g = deviceValue === 'High' ? RBAC_GROUPS[4] : t.site === 'hq' ? RBAC_GROUPS[0] : RBAC_GROUPS[1];
    else if (t.family === 'windowsServer' || (t.family === 'linux' && t.site === 'azure'))
      g = rng.chance(0.7) ? RBAC_GROUPS[2] : RBAC_GROUPS[3];
    else if (t.family === 'macos' || t.family === 'linux') g = RBAC_GROUPS[5];
    else g = RBAC_GROUPS[0];
    group = { id: g.id, name: g.name };
  }

  let machineTags: string[] = [];
  if (rng.chance(0.3)) {
    machineTags.push(rng.pick(MACHINE_TAGS));
    if (rng.chance(0.3)) {
      const second = rng.pick(MACHINE_TAGS);
      if (second !== machineTags[0]) machineTags.push(second);
    }
  }
  if (t.role === 'dc' && !machineTags.includes('Domain Controller')) machineTags.push('Domain Controller');
  if (deviceValue === 'High' && t.family === 'windows' && !machineTags.includes('VIP'))
    machineTags.push('VIP');
  machineTags = machineTags.length === 0 ? [] : machineTags.slice();

  let avStatus = mobile ? 'NotSupported' : t.nonOnboarded ? 'Unknown' : AV_STATUS.pick(rng);
  if (health === 'Inactive' && avStatus === 'Updated' && rng.chance(0.5)) avStatus = 'NotReporting';
  const managedBy = mobile
    ? rng.chance(0.9)
      ? 'Intune'
      : 'Unknown'
    : t.family === 'windows' && rng.chance(0.6)
      ? 'Intune'
      : t.family === 'macos' && rng.chance(0.5)
        ? 'Intune'
        : 'Unknown';
  const arch32 = p.arch32 === true && rng.chance(0.3);

  let vmMetadata: Machine['vmMetadata'] = null;
  if (t.vm === 'azure') {
    const sub = rng.pick(ctx.org.subscriptions);
    const rg = `rg-${t.role || 'workloads'}-${rng.pick(['prod', 'prod', 'dev', 'shared'])}`;
    const host = hostNameFor(base, t);
    vmMetadata = {
      vmId: rng.guid(),
      cloudProvider: 'Azure',
      resourceId: [
        '/subscriptions/',
        sub,
        '/resourceGroups/',
        rg,
        '/providers/Microsoft.Compute/virtualMachines/',
        host,
      ].join(''),
      subscriptionId: sub,
    };
  }

  const personRec = person(base, t.personIdx);
  let loggedOnUsers: DeviceRecord['loggedOnUsers'] = [];
  if (t.family === 'windows' || t.family === 'macos' || mobile) {
    loggedOnUsers = [{ accountName: personRec.accountName, domainName: ctx.org.netbios }];
  } else if (t.family === 'windowsServer' && rng.chance(0.6)) {
    loggedOnUsers = [{ accountName: ['adm-', personRec.accountName].join(''), domainName: ctx.org.netbios }];
  }

  // (draw order as before appearances existed: exclusion, then the two tick fractions)
  const excluded = appear ? false : reimageOld ? reimageOld.excluded : rng.chance(0.008);
  const firstTicks = rng.int(10000);
  const lastTicks = appear ? firstTicks : rng.int(10000);
  const machine: Machine = {
    id,
    mergedIntoMachineId: reimageOld?.merged ? machineIdFor(base, index - 1) : null,
    isPotentialDuplication: reimageOld?.potentialDuplicate ?? false,
    isExcluded: excluded,
    exclusionReason: null,
    computerDnsName: dnsName,
    firstSeen: iso7(firstSeenMs, firstTicks),
    lastSeen: iso7(lastSeenMs, lastTicks),
    osPlatform: p.osPlatform,
    osVersion:
      p.family === 'windows' || p.family === 'windowsServer'
        ? null
        : p.family === 'linux'
          ? p.osVersion
          : p.patchVersions[p.patchVersions.length - 1],
    osProcessor: arch32 ? 'x86' : p.osProcessor,
    version: p.version,
    lastIpAddress: currentIp,
    lastExternalIpAddress: externalIp,
    agentVersion: t.nonOnboarded ? '' : agentVersionFor(base, t, p),
    osBuild: p.osBuild,
    healthStatus: health,
    deviceValue,
    rbacGroupId: group.id,
    rbacGroupName: group.name,
    riskScore: 'None',
    exposureLevel: 'None',
    isAadJoined,
    aadDeviceId,
    machineTags,
    defenderAvStatus: avStatus,
    onboardingStatus: onboarding,
    osArchitecture: arch32 ? '32-bit' : '64-bit',
    managedBy,
    managedByStatus: 'Unknown',
    ipAddresses: buildIpAddresses(base, t, currentIp),
    vmMetadata,
  };
  if (machine.isExcluded)
    machine.exclusionReason = reimageOld
      ? 'DuplicateDevice'
      : rng.pick(['OutOfScope', 'Other', 'InactiveDevice']);

  const patchIdx = initialPatch(rng, t, p);
  applyPatchVersion(machine, p, patchIdx);

  const record: DeviceRecord = {
    index,
    machine,
    osFamily: t.family,
    online,
    ipHistory,
    loggedOnUsers,
    supports: supportsFor(t, p),
  };
  return { record, traits: t, patchIdx, lastSeenMs: Math.floor(lastSeenMs) };
}

/** macOS/iOS/Android report the patch level in `osVersion` (and `version` = major.minor on Apple). */
export function applyPatchVersion(machine: Machine, p: OsProfile, patchIdx: number): void {
  if (p.family !== 'macos' && p.family !== 'ios' && p.family !== 'android') return;
  const v = p.patchVersions[patchIdx];
  machine.osVersion = v;
  if (p.family !== 'android') machine.version = v.split('.').slice(0, 2).join('.');
}

/** Internal IP of a device at time `ms` (null before its first lease). */
export function ipAt(device: DeviceRecord, ms: number): string | null {
  const h = device.ipHistory;
  for (let k = h.length - 1; k >= 0; k--) {
    const e = h[k];
    if (e.fromMs <= ms && (e.toMs === null || ms < e.toMs)) return e.ip;
  }
  return null;
}
