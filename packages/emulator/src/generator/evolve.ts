/**
 * Tenant evolution in hourly buckets. Bucket `k` covers (k·1h − 1h, k·1h] and is applied by the call whose
 * (fromMs, toMs] contains k·1h, so evolve(a, b) followed by evolve(b, c) equals evolve(a, c). Randomness is
 * drawn per (bucket, device) or (bucket, alert), so the result depends only on the seed, the buckets and
 * the state before them.
 *
 * Each bucket: devices report, go offline/online/stale, change IP or OS; alerts move on; new alerts are
 * raised; then devices appear — onboarded machines and the new records of re-imaged ones — appended to
 * `state.devices` with index = position, built by `generateDevice` like the generated ones.
 */
import {
  raiseAlert,
  resolve,
  riskFromAlerts,
  SEVERITY_ORDER,
  templateActivity,
  templateFor,
} from './alerts.js';
import {
  agentVersionFor,
  applyPatchVersion,
  buildIpAddresses,
  generateDevice,
  onboardedTraits,
  reimagedTraits,
  supportsFor,
} from './devices.js';
import { OS_BY_KEY, OS_PROFILES } from './os.js';
import { Stream } from './prng.js';
import {
  appendDevice,
  FLAG_MOBILE,
  FLAG_NOT_ONBOARDED,
  FLAG_OLD,
  FLAG_RETIRED,
  FLAG_STATIC_IP,
  type TenantState,
  traitsOf,
} from './state.js';
import type { DeviceView } from './telemetry.js';
import { DAY, HOUR, iso7, isoTrim, MINUTE, SECOND } from './time.js';

export interface EvolveResult {
  /** Existing devices that changed (a re-imaged machine's old record counts here). */
  devicesChanged: number;
  /** Devices appended: onboarded machines and new records of re-imaged machines. */
  devicesAdded: number;
  alertsRaised: number;
  alertsUpdated: number;
}

/** Per-hour probabilities. */
const P_OFFLINE = 0.0015;
const P_ONLINE_RECENT = 0.03;
const P_ONLINE_STALE = 0.0008;
const P_IP_CHANGE = 0.002;
const P_OS_UPDATE = 0.0004;
/** New alerts per hour per 1,000 devices. */
export const ALERTS_PER_HOUR_PER_1000 = 3;
/**
 * Devices appearing, per day (Poisson per hourly bucket, over the current device count): ~2 newly
 * onboarded per 1,000 devices, at least 0.5 a day (a tiny tenant still gets one every ~2 days); ~1
 * re-image per 5,000 devices, at least 0.25 a day (one every ~4 days). A tenant of 0 devices stays empty.
 */
export const ONBOARD_PER_DAY_PER_1000 = 2;
export const ONBOARD_MIN_PER_DAY = 0.5;
export const REIMAGE_PER_DAY_PER_1000 = 0.2;
export const REIMAGE_MIN_PER_DAY = 0.25;
/** Share of re-imaged machines whose old record Defender flags `isPotentialDuplication` (as generated). */
const P_REIMAGE_DUPLICATE_FLAG = 0.6;

export interface EvolveHooks {
  /** Called after a device's OS profile/patch changed (recompute exposure level). */
  onOsChanged(index: number): void;
  /** Called after device `index` was appended (exposure level, TVM counters). */
  onDeviceAdded(index: number, atMs: number): void;
}

export function evolveTenant(
  state: TenantState,
  hooks: EvolveHooks,
  fromMs: number,
  toMs: number,
): EvolveResult {
  const result: EvolveResult = { devicesChanged: 0, devicesAdded: 0, alertsRaised: 0, alertsUpdated: 0 };
  if (!(toMs > fromMs)) return result;
  const changed = new Set<number>();
  const firstK = Math.floor(fromMs / HOUR) + 1;
  const lastK = Math.floor(toMs / HOUR);
  for (let k = firstK; k <= lastK; k++) bucket(state, hooks, k, changed, result);
  result.devicesChanged = changed.size;
  return result;
}

function bucket(
  state: TenantState,
  hooks: EvolveHooks,
  k: number,
  changed: Set<number>,
  result: EvolveResult,
): void {
  const { base } = state.ctx;
  const T = k * HOUR;
  const start = T - HOUR;
  const n = state.devices.length;

  // 1. devices: report, go offline/online, go stale, change IP, update OS
  for (let i = 0; i < n; i++) {
    const f = state.flags[i];
    if (f & (FLAG_OLD | FLAG_NOT_ONBOARDED)) continue;
    const d = state.devices[i];
    const m = d.machine;
    if (f & FLAG_RETIRED) {
      // old record of a machine re-imaged during evolution: silent, Inactive once stale
      if (m.healthStatus !== 'Inactive' && T - state.lastSeenMs[i] > 7 * DAY) {
        m.healthStatus = 'Inactive';
        changed.add(i);
      }
      continue;
    }
    const h = base.hash(Stream.evolve, i, k);
    const u1 = (h & 0xffff) / 65536;
    if (d.online) {
      if (u1 < P_OFFLINE) {
        d.online = false;
        changed.add(i);
        continue;
      }
      if ((k + state.phase[i]) % 24 === 0) {
        const at = T - ((h >>> 16) % 40) * MINUTE - ((h >>> 8) & 0xff) * 100;
        m.lastSeen = iso7(at, h % 10000);
        state.lastSeenMs[i] = at;
        if (m.healthStatus !== 'Active') m.healthStatus = 'Active';
        changed.add(i);
      }
      const h2 = base.hash(Stream.evolve, i, k ^ 0x5bd1e995);
      const u2 = (h2 & 0xffff) / 65536;
      const u3 = (h2 >>> 16) / 65536;
      if (!(f & (FLAG_STATIC_IP | FLAG_MOBILE)) && u2 < P_IP_CHANGE && changeIp(state, i, k)) changed.add(i);
      if (!(f & FLAG_MOBILE) && u3 < P_OS_UPDATE && updateOs(state, i, k)) {
        hooks.onOsChanged(i);
        changed.add(i);
      }
    } else {
      const lastSeen = state.lastSeenMs[i];
      const stale = T - lastSeen > 7 * DAY;
      if (u1 < (stale ? P_ONLINE_STALE : P_ONLINE_RECENT)) {
        d.online = true;
        const at = T - ((h >>> 16) % 50) * MINUTE;
        m.lastSeen = iso7(at, h % 10000);
        state.lastSeenMs[i] = at;
        m.healthStatus = 'Active';
        changed.add(i);
      } else if (stale && m.healthStatus !== 'Inactive') {
        m.healthStatus = 'Inactive';
        changed.add(i);
      }
    }
  }

  // 2. existing open alerts move on (only those created before this bucket)
  const count = state.alerts.length;
  for (let pos = 0; pos < count; pos++) {
    const a = state.alerts[pos];
    if (a.status === 'Resolved' || state.alertCreatedMs[pos] > start) continue;
    const u = base.unit(Stream.evolveAlert, pos, k);
    const toProgress = a.status === 'New' && u < 0.03;
    const toResolved =
      (a.status === 'New' && u >= 0.03 && u < 0.036) || (a.status === 'InProgress' && u < 0.025);
    if (!toProgress && !toResolved) continue;
    const rng = base.rng(Stream.evolveAlert, pos, k);
    const prev = Date.parse(a.lastUpdateTime);
    const at = Math.max(prev + SECOND, start + rng.int(HOUR - MINUTE));
    if (toProgress) {
      a.status = 'InProgress';
      if (!a.assignedTo) a.assignedTo = rng.pick(state.ctx.analysts);
      a.lastUpdateTime = isoTrim(at);
    } else {
      resolve(state, a, at, rng);
      const di = state.alertDevice[pos];
      state.devices[di].machine.riskScore = riskFromAlerts(state, di);
      changed.add(di);
    }
    result.alertsUpdated++;
  }

  // 3. new alerts
  const rng = base.rng(Stream.evolveAlert, 0xfffffff0, k);
  const expected = (n / 1000) * ALERTS_PER_HOUR_PER_1000;
  const want = rng.poisson(expected);
  const picks: { i: number; at: number }[] = [];
  for (let c = 0; c < want; c++) {
    for (let attempt = 0; attempt < 6; attempt++) {
      const i = rng.int(n);
      if (
        state.flags[i] & (FLAG_OLD | FLAG_MOBILE | FLAG_NOT_ONBOARDED | FLAG_RETIRED) ||
        !state.devices[i].online
      )
        continue;
      picks.push({ i, at: start + rng.int(HOUR - 20 * MINUTE) });
      break;
    }
  }
  picks.sort((x, y) => x.at - y.at || x.i - y.i);
  for (const { i, at } of picks) {
    const d = state.devices[i];
    const t = traitsOf(state, i);
    const tpl = templateFor(rng, t.family);
    if (!tpl) continue;
    const v: DeviceView = { ctx: state.ctx, device: d, t };
    const act = templateActivity(v, tpl, at, rng, T);
    const lastEvent = act ? Math.max(act.proc.creationMs, act.net?.timeMs ?? 0) : at;
    const created = Math.min(T - MINUTE, lastEvent + rng.range(30 * SECOND, 15 * MINUTE));
    const alert = raiseAlert(state, {
      tpl,
      device: d,
      t,
      activity: act,
      createdMs: created,
      rng,
      triageAtMs: null,
    });
    const sev = SEVERITY_ORDER[alert.severity] ?? 0;
    const cur = { None: 0, Informational: 1, Low: 2, Medium: 3, High: 4 }[d.machine.riskScore ?? 'None'] ?? 0;
    if (sev > cur) d.machine.riskScore = ['None', 'Informational', 'Low', 'Medium', 'High'][sev];
    changed.add(i);
    result.alertsRaised++;
  }

  // 4. devices appear
  if (n > 0) addDevices(state, hooks, k, changed, result);
}

/**
 * Onboarding and re-imaging in bucket `k`, drawn from the bucket's own stream. Events are applied in time
 * order; each new device gets index = current length, firstSeen = lastSeen = its time in the bucket.
 */
function addDevices(
  state: TenantState,
  hooks: EvolveHooks,
  k: number,
  changed: Set<number>,
  result: EvolveResult,
): void {
  const { base } = state.ctx;
  const T = k * HOUR;
  const start = T - HOUR;
  const n = state.devices.length;
  const rng = base.rng(Stream.onboard, 0, k);
  const perHour = (per1000: number, min: number): number => Math.max((n / 1000) * per1000, min) / 24;
  const onboard = rng.poisson(perHour(ONBOARD_PER_DAY_PER_1000, ONBOARD_MIN_PER_DAY));
  const reimage = rng.poisson(perHour(REIMAGE_PER_DAY_PER_1000, REIMAGE_MIN_PER_DAY));
  if (onboard + reimage === 0) return;
  /** `partner` = index of the re-imaged machine's current record, -1 for an onboarding. */
  const events: { at: number; partner: number }[] = [];
  for (let c = 0; c < onboard; c++) events.push({ at: start + 1 + rng.int(HOUR - 1), partner: -1 });
  const skip = FLAG_OLD | FLAG_RETIRED | FLAG_MOBILE | FLAG_NOT_ONBOARDED;
  for (let c = 0; c < reimage; c++) {
    for (let attempt = 0; attempt < 8; attempt++) {
      const j = rng.int(n);
      if (state.flags[j] & skip || !state.devices[j].online || events.some((e) => e.partner === j)) continue;
      // the new record appears after the old one's last report and its last address change
      const d = state.devices[j];
      const lease = d.ipHistory[d.ipHistory.length - 1];
      const lo = Math.max(start, state.lastSeenMs[j] + MINUTE, (lease?.fromMs ?? 0) + MINUTE);
      if (lo >= T - MINUTE) continue;
      events.push({ at: lo + 1 + rng.int(T - lo - 1), partner: j });
      break;
    }
  }
  events.sort((x, y) => x.at - y.at || x.partner - y.partner);
  for (const { at, partner } of events) {
    const index = state.devices.length;
    if (partner < 0) {
      const g = generateDevice(state.ctx, index, state.alloc, {
        atMs: at,
        traits: onboardedTraits(base, index),
      });
      appendDevice(state, g);
    } else {
      const old = state.devices[partner];
      const t = reimagedTraits(base, index, traitsOf(state, partner), state.profileIdx[partner]);
      // the machine keeps its address (DHCP reservation by MAC, or static): the lease moves to the new record
      const lease = old.ipHistory[old.ipHistory.length - 1];
      const g = generateDevice(state.ctx, index, state.alloc, { atMs: at, traits: t, ip: lease?.ip });
      g.record.machine.computerDnsName = old.machine.computerDnsName;
      if (lease && lease.toMs === null && lease.fromMs < at) lease.toMs = at;
      old.online = false;
      state.flags[partner] |= FLAG_RETIRED;
      if (rng.chance(P_REIMAGE_DUPLICATE_FLAG)) old.machine.isPotentialDuplication = true;
      changed.add(partner);
      appendDevice(state, g);
    }
    hooks.onDeviceAdded(index, at);
    result.devicesAdded++;
  }
}

function changeIp(state: TenantState, i: number, k: number): boolean {
  const d = state.devices[i];
  const rng = state.ctx.base.rng(Stream.ipHistory, i, k);
  const at = k * HOUR - HOUR + 1 + rng.int(HOUR - 1);
  const cur = d.ipHistory[d.ipHistory.length - 1];
  if (!cur || cur.fromMs >= at) return false;
  const t = traitsOf(state, i);
  cur.toMs = at;
  state.alloc.release(t.pool, cur.ip, at);
  const ip = state.alloc.allocate(t.pool, at, rng);
  d.ipHistory.push({ ip, fromMs: at, toMs: null });
  d.machine.lastIpAddress = ip;
  d.machine.ipAddresses = buildIpAddresses(state.ctx.base, t, ip);
  return true;
}

function updateOs(state: TenantState, i: number, k: number): boolean {
  const d = state.devices[i];
  const m = d.machine;
  const rng = state.ctx.base.rng(Stream.evolve, i, k ^ 0x27d4eb2d);
  const p = OS_PROFILES[state.profileIdx[i]];
  const last = p.patchVersions.length - 1;
  if (p.upgradesTo && rng.chance(0.3)) {
    const next = OS_BY_KEY.get(p.upgradesTo);
    if (!next) return false;
    const t = traitsOf(state, i);
    state.profileIdx[i] = OS_PROFILES.indexOf(next);
    state.patchIdx[i] = next.patchVersions.length - 1 - rng.int(2);
    m.osPlatform = next.osPlatform;
    m.version = next.version;
    m.osBuild = next.osBuild;
    m.agentVersion = agentVersionFor(state.ctx.base, t, next);
    d.supports = supportsFor(t, next);
  } else if (state.patchIdx[i] < last) {
    state.patchIdx[i]++;
  } else {
    return false;
  }
  applyPatchVersion(m, OS_PROFILES[state.profileIdx[i]], state.patchIdx[i]);
  return true;
}
