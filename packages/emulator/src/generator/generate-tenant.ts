/**
 * `generateTenant`: a deterministic tenant from (seed, size, clock).
 *
 * One pass over the devices builds each device, counts its software/vulnerability exposure (for the
 * catalogue's `exposedMachines`), raises its alerts and maybe an attack scenario. Per-device software and
 * vulnerabilities are not stored: `deviceSoftware` / `deviceVulnerabilities` derive them again on demand.
 *
 * Devices that `evolve` adds later go through the same exposure counting (`onDeviceAdded`): the install
 * histograms grow and the products they touch get their software, vulnerability and recommendation
 * counters recomputed. (OS updates of existing devices are not re-counted.)
 */
import type { Recommendation, Software, Vulnerability } from '@mde-bridge/client/models';
import { generateDeviceAlerts, riskFromAlerts } from './alerts.js';
import { PRODUCT_BY_ID, PRODUCTS, type ProductDef } from './catalog-software.js';
import { makeCtx } from './context.js';
import { generateDevice, type Traits } from './devices.js';
import { evolveTenant } from './evolve.js';
import { IpAllocator } from './ip.js';
import { OS_PROFILES } from './os.js';
import { Stream, unit } from './prng.js';
import {
  buildRecommendations,
  failsSca,
  type ProductExposure,
  SCA,
  scaExposureImpact,
  vaExposureImpact,
} from './recommendations.js';
import {
  generateScenario,
  SCENARIO_MAX,
  SCENARIO_MIN,
  SCENARIO_RATE,
  scenarioEligible,
} from './scenarios.js';
import { forEachInstalled, installedSoftware, type SwItem, versionCount } from './software.js';
import { profileOf, storeDevice, type TenantState, traitsOf } from './state.js';
import { makeTables } from './tables.js';
import type { DeviceView } from './telemetry.js';
import { DAY, HOUR, isoSec } from './time.js';
import type {
  DeviceRecord,
  DeviceSoftware,
  DeviceVulnerability,
  GenerateOptions,
  OsFamily,
  Scenario,
  TenantData,
} from './types.js';
import { buildCatalogue, toWire, type VulnCatalogue } from './vulnerabilities.js';

/** Upper bound on alerts generated for the initial state (evolve adds more over time). */
export const ALERT_CAP = 30_000;

const SCA_BY_FAMILY: Record<OsFamily, number[]> = {
  windows: [],
  windowsServer: [],
  macos: [],
  linux: [],
  ios: [],
  android: [],
};
SCA.forEach((s, k) => {
  for (const f of s.families) SCA_BY_FAMILY[f].push(k);
});

/** Exposure level of a device from its vulnerability summary. */
function exposureLevel(count: number, maxSev: number, exploit: boolean): string {
  if (count === 0) return 'None';
  if ((maxSev >= 4 && exploit) || count >= 30) return 'High';
  if (maxSev >= 3 || count >= 8) return 'Medium';
  return 'Low';
}

function summarize(cat: VulnCatalogue, sw: SwItem[]): { count: number; maxSev: number; exploit: boolean } {
  let count = 0;
  let maxSev = 0;
  let exploit = false;
  for (const it of sw) {
    const p = it.product.index;
    count += cat.countAbove[p][it.vIdx];
    maxSev = Math.max(maxSev, cat.maxSevAbove[p][it.vIdx]);
    if (cat.exploitAbove[p][it.vIdx]) exploit = true;
  }
  return { count, maxSev, exploit };
}

export function generateTenant(opts: GenerateOptions): TenantData {
  const n = Math.max(0, Math.floor(opts.devices));
  const ctx = makeCtx(opts.seed, opts.tenantId, opts.nowMs);
  const { base } = ctx;
  const now = opts.nowMs;
  const catalogue = buildCatalogue(base, now);
  const state: TenantState = {
    ctx,
    devices: [],
    generated: n,
    addedTraits: [],
    profileIdx: new Uint8Array(n),
    patchIdx: new Uint8Array(n),
    alloc: new IpAllocator(),
    alerts: [],
    alertDevice: [],
    alertCreatedMs: [],
    alertsByDevice: new Map(),
    alertById: new Map(),
    injected: new Map(),
    deviceByIdCache: null,
    devicesByNameCache: null,
    nextIncidentId: 1000 + (base.words[0] % 9000) * 10,
    nextInvestigationId: 10000 + (base.words[1] % 90000),
    lastIncident: new Map(),
    flags: new Uint8Array(n),
    phase: new Uint8Array(n),
    lastSeenMs: new Float64Array(n),
  };

  const softwareOf = (index: number): SwItem[] =>
    installedSoftware(base, traitsOf(state, index), profileOf(state, index), state.patchIdx[index]);

  // exposure counting
  const hist = PRODUCTS.map((p) => new Int32Array(versionCount(p) + 1));
  const histHigh = PRODUCTS.map((p) => new Int32Array(versionCount(p) + 1));
  const scaCounts = SCA.map(() => ({ applicable: 0, failing: 0, failingHigh: 0 }));
  const levelCounts: Record<string, number> = { None: 0, Low: 0, Medium: 0, High: 0 };
  const scenarios: Scenario[] = [];
  let baseAlerts = 0;

  /**
   * Counts device `i` (traits `t`) into the install histograms and SCA counts and sets its exposure level;
   * reports the products and SCA checks it touched when asked.
   */
  const account = (i: number, t: Traits, touched?: Set<number>, touchedSca?: number[]): void => {
    const d = state.devices[i];
    const high = d.machine.deviceValue === 'High';
    let count = 0;
    let maxSev = 0;
    let exploit = false;
    forEachInstalled(base, t, OS_PROFILES[state.profileIdx[i]], state.patchIdx[i], (pi, v) => {
      hist[pi][v]++;
      if (high) histHigh[pi][v]++;
      touched?.add(pi);
      count += catalogue.countAbove[pi][v];
      if (catalogue.maxSevAbove[pi][v] > maxSev) maxSev = catalogue.maxSevAbove[pi][v];
      if (catalogue.exploitAbove[pi][v]) exploit = true;
    });
    const level = t.nonOnboarded ? 'None' : exposureLevel(count, maxSev, exploit);
    d.machine.exposureLevel = level;
    levelCounts[level]++;
    if (!t.nonOnboarded) {
      const scaKey = base.key(Stream.recommendation, i);
      for (const k of SCA_BY_FAMILY[t.family]) {
        scaCounts[k].applicable++;
        touchedSca?.push(k);
        if (failsSca(base, t, SCA[k], scaKey)) {
          scaCounts[k].failing++;
          if (high) scaCounts[k].failingHigh++;
        }
      }
    }
  };

  for (let i = 0; i < n; i++) {
    const g = generateDevice(ctx, i, state.alloc);
    const d = g.record;
    const t = g.traits;
    storeDevice(state, g);

    // inventory → exposure
    account(i, t);

    // alerts and scenarios
    const v: DeviceView = { ctx, device: d, t };
    baseAlerts += generateDeviceAlerts(state, v, ALERT_CAP - baseAlerts);
    if (scenarios.length < SCENARIO_MAX && scenarioEligible(v)) {
      if (scenarios.length < SCENARIO_MIN || base.unit(Stream.scenario, i) < SCENARIO_RATE) {
        const sc = generateScenario(state, v, scenarios.length);
        if (sc) scenarios.push(sc);
      }
    }
  }

  // alerts in creation order; rebuild the indexes
  const order = state.alerts
    .map((_, k) => k)
    .sort((a, b) => state.alertCreatedMs[a] - state.alertCreatedMs[b] || a - b);
  const alerts = order.map((k) => state.alerts[k]);
  const alertDevice = order.map((k) => state.alertDevice[k]);
  const alertCreatedMs = order.map((k) => state.alertCreatedMs[k]);
  state.alerts.length = 0;
  state.alerts.push(...alerts);
  state.alertDevice = alertDevice;
  state.alertCreatedMs = alertCreatedMs;
  state.alertById.clear();
  state.alertsByDevice.clear();
  alerts.forEach((a, pos) => {
    state.alertById.set(a.id, pos);
    const di = alertDevice[pos];
    const list = state.alertsByDevice.get(di);
    if (list) list.push(pos);
    else state.alertsByDevice.set(di, [pos]);
  });
  for (const di of state.alertsByDevice.keys())
    state.devices[di].machine.riskScore = riskFromAlerts(state, di);

  // catalogue with exposure
  const exposedByCve = new Int32Array(catalogue.cves.length);
  const exposure: ProductExposure[] = PRODUCTS.map(() => ({
    installed: 0,
    exposed: 0,
    exposedHigh: 0,
    weaknesses: 0,
    maxCvss: 0,
    meanCvss: 0,
    publicExploit: false,
    activeAlert: false,
  }));
  /** (Re)computes product `p`'s exposure and its CVEs' exposed counts from the install histograms. */
  const computeProduct = (p: ProductDef): void => {
    const h = hist[p.index];
    const hh = histHigh[p.index];
    const e = exposure[p.index];
    const prefix = new Int32Array(h.length + 1);
    const prefixHigh = new Int32Array(h.length + 1);
    for (let v = 0; v < h.length; v++) {
      prefix[v + 1] = prefix[v] + h[v];
      prefixHigh[v + 1] = prefixHigh[v] + hh[v];
    }
    e.installed = prefix[h.length];
    e.weaknesses = 0;
    e.maxCvss = 0;
    e.publicExploit = false;
    let maxFixed = 0;
    let cvssSum = 0;
    for (const c of catalogue.byProduct[p.index]) {
      const exposed = prefix[Math.min(c.fixedIdx, h.length)];
      exposedByCve[c.idx] = exposed;
      if (exposed > 0) {
        e.weaknesses++;
        e.maxCvss = Math.max(e.maxCvss, c.cvss);
        cvssSum += c.cvss;
        if (c.publicExploit) e.publicExploit = true;
        maxFixed = Math.max(maxFixed, c.fixedIdx);
      }
    }
    e.exposed = prefix[Math.min(maxFixed, h.length)];
    e.exposedHigh = prefixHigh[Math.min(maxFixed, h.length)];
    e.meanCvss = e.weaknesses > 0 ? cvssSum / e.weaknesses : 0;
    e.activeAlert = e.publicExploit && unit(base.hash(Stream.catalogue, p.index)) < 0.15;
  };
  for (const p of PRODUCTS) computeProduct(p);
  const vulnByIdx: Vulnerability[] = [];
  for (const c of catalogue.cves) vulnByIdx[c.idx] = toWire(c, exposedByCve[c.idx], now);
  const vulnerabilities: Vulnerability[] = [...vulnByIdx].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const softwareEntry = (p: ProductDef, devices: number): Software => {
    const e = exposure[p.index];
    let impact = 0;
    for (const c of catalogue.byProduct[p.index])
      impact += exposedByCve[c.idx] * c.cvss * (c.publicExploit ? 1.5 : 1);
    return {
      id: p.id,
      name: p.name,
      vendor: p.vendor,
      weaknesses: e.weaknesses,
      publicExploit: e.publicExploit,
      activeAlert: e.activeAlert,
      exposedMachines: e.exposed,
      impactScore: devices > 0 ? impact / (devices * 25) : 0,
    };
  };
  const software: Software[] = [];
  for (const p of PRODUCTS) if (exposure[p.index].installed > 0) software.push(softwareEntry(p, n));
  const recommendations = buildRecommendations(base, exposure, scaCounts, n);
  const vaIds = new Set(recommendations.filter((r) => r.id.startsWith('va-')).map((r) => r.id));
  const recById = new Map<string, Recommendation>(recommendations.map((r) => [r.id, r]));

  /** After device additions: product `p`'s counters on the wire objects, from the grown histograms. */
  const refreshProduct = (p: ProductDef, atMs: number): void => {
    computeProduct(p);
    const e = exposure[p.index];
    for (const c of catalogue.byProduct[p.index]) {
      const w = vulnByIdx[c.idx];
      const x = exposedByCve[c.idx];
      if (w.exposedMachines === 0 && x > 0) w.firstDetected = isoSec(atMs);
      w.exposedMachines = x;
    }
    const devices = state.devices.length;
    const entry = softwareEntry(p, devices);
    const at = software.findIndex((s) => (PRODUCT_BY_ID.get(s.id)?.index ?? -1) >= p.index);
    if (at >= 0 && software[at].id === p.id) Object.assign(software[at], entry);
    else software.splice(at < 0 ? software.length : at, 0, entry);
    const r = recById.get(`va-_-${p.vendor}-_-${p.name}`);
    if (r) {
      r.weaknesses = e.weaknesses;
      r.totalMachineCount = e.installed;
      r.exposedMachinesCount = e.exposed;
      r.exposedCriticalDevices = e.exposedHigh;
      r.exposureImpact = vaExposureImpact(e, devices);
    }
  };
  const refreshSca = (k: number): void => {
    const r = recById.get(`sca-_-scid-${SCA[k].scid}`);
    const c = scaCounts[k];
    if (!r) return;
    r.totalMachineCount = c.applicable;
    r.exposedMachinesCount = c.failing;
    r.exposedCriticalDevices = c.failingHigh;
    r.exposureImpact = scaExposureImpact(c, SCA[k]);
  };

  // scores
  const total = Math.max(1, n);
  const exposureBase = Math.min(
    90,
    8 + (100 * (0.55 * levelCounts.High + 0.3 * levelCounts.Medium + 0.12 * levelCounts.Low)) / total,
  );
  let failSum = 0;
  let applSum = 0;
  for (let k = 0; k < SCA.length; k++) {
    failSum += scaCounts[k].failing * SCA[k].impact;
    applSum += scaCounts[k].applicable * SCA[k].impact;
  }
  const configBase = Math.round(850 * (1 - (applSum > 0 ? failSum / applSum : 0.3)));
  const phase1 = unit(base.hash(Stream.score, 1)) * Math.PI * 2;
  const phase2 = unit(base.hash(Stream.score, 2)) * Math.PI * 2;
  const smoothNoise = (x: number, salt: number): number => {
    const k = Math.floor(x);
    const f = x - k;
    const a = unit(base.hash(Stream.score, k, salt));
    const b = unit(base.hash(Stream.score, k + 1, salt));
    const w = (1 - Math.cos(f * Math.PI)) / 2;
    return a * (1 - w) + b * w - 0.5;
  };

  const deviceVulnerabilities = (device: DeviceRecord): DeviceVulnerability[] => {
    const out: DeviceVulnerability[] = [];
    for (const it of softwareOf(device.index)) {
      for (const c of catalogue.byProduct[it.product.index]) {
        if (c.fixedIdx <= it.vIdx) break;
        out.push({
          cveId: c.id,
          productName: it.product.name,
          productVendor: it.product.vendor,
          productVersion: it.version,
          fixingKbId: c.kb,
          severity: c.severity,
        });
      }
    }
    return out;
  };

  const hooks = {
    onOsChanged(index: number): void {
      const t = traitsOf(state, index);
      if (t.nonOnboarded) return;
      const s = summarize(catalogue, softwareOf(index));
      state.devices[index].machine.exposureLevel = exposureLevel(s.count, s.maxSev, s.exploit);
    },
    onDeviceAdded(index: number, atMs: number): void {
      const touched = new Set<number>();
      const touchedSca: number[] = [];
      account(index, traitsOf(state, index), touched, touchedSca);
      for (const pi of touched) refreshProduct(PRODUCTS[pi], atMs);
      for (const k of touchedSca) refreshSca(k);
    },
  };

  return {
    devices: state.devices,
    alerts: state.alerts,
    vulnerabilities,
    software,
    recommendations,
    scenarios,
    deviceVulnerabilities,
    deviceSoftware(device: DeviceRecord): DeviceSoftware[] {
      return softwareOf(device.index).map((it) => ({ softwareId: it.product.id, version: it.version }));
    },
    deviceRecommendations(device: DeviceRecord): string[] {
      const out: string[] = [];
      const seen = new Set<string>();
      for (const it of softwareOf(device.index)) {
        if (catalogue.countAbove[it.product.index][it.vIdx] === 0) continue;
        const id = `va-_-${it.product.vendor}-_-${it.product.name}`;
        if (vaIds.has(id) && !seen.has(id)) {
          seen.add(id);
          out.push(id);
        }
      }
      const t = traitsOf(state, device.index);
      for (const s of SCA) if (failsSca(base, t, s)) out.push(`sca-_-scid-${s.scid}`);
      return out;
    },
    exposureScore(nowMs: number): number {
      const h = nowMs / HOUR;
      const v =
        exposureBase +
        2.5 * Math.sin((2 * Math.PI * h) / (7 * 24) + phase1) +
        1.2 * Math.sin((2 * Math.PI * h) / 26 + phase2) +
        1.6 * smoothNoise(h / 6, 1);
      return Math.min(100, Math.max(0, v));
    },
    configurationScore(nowMs: number): number {
      const d = nowMs / DAY;
      return Math.max(
        0,
        Math.min(
          1000,
          Math.round(configBase + 12 * Math.sin((2 * Math.PI * d) / 14 + phase2) + 8 * smoothNoise(d, 2)),
        ),
      );
    },
    tables(clock: () => number) {
      return makeTables({ state, deviceVulnerabilities, cveById: catalogue.byId }, clock);
    },
    evolve(fromMs: number, toMs: number) {
      return evolveTenant(state, hooks, fromMs, toMs);
    },
  };
}
