/** The generator's mutable, process-internal tenant state shared by the data modules. */
import type { Alert } from '@mde-bridge/client/models';
import type { Activity } from './activity.js';
import type { Ctx } from './context.js';
import { type GeneratedDevice, isMobile, type Traits, traits } from './devices.js';
import type { IpAllocator } from './ip.js';
import { OS_PROFILES, type OsProfile } from './os.js';
import type { DeviceRecord } from './types.js';

export interface TenantState {
  ctx: Ctx;
  devices: DeviceRecord[];
  /**
   * Number of devices made by `generateTenant`; devices from this index on were added by `evolve`
   * (onboarded or re-imaged) and their traits are kept in `addedTraits` (index − generated).
   */
  generated: number;
  addedTraits: Traits[];
  // The per-device typed arrays below may be longer than `devices` (capacity for devices `evolve` adds;
  // see `storeDevice`): entries past `devices.length` mean nothing.
  /** Current OS profile (index into OS_PROFILES) per device; evolve applies feature updates here. */
  profileIdx: Uint8Array;
  /** Current OS patch level (index into the profile's patch list) per device. */
  patchIdx: Uint8Array;
  alloc: IpAllocator;
  alerts: Alert[];
  /** Device index of each alert (parallel to `alerts`). */
  alertDevice: number[];
  /** alertCreationTime of each alert in epoch ms (parallel to `alerts`). */
  alertCreatedMs: number[];
  /** Alert positions per device index. */
  alertsByDevice: Map<number, number[]>;
  alertById: Map<string, number>;
  /** Extra telemetry (alert and scenario activity) per device index. */
  injected: Map<number, Activity[]>;
  /** Built on first use (see `deviceById`). */
  deviceByIdCache: Map<string, DeviceRecord> | null;
  /** Lower-case computerDnsName → records (several for re-imaged machines); built on first use. */
  devicesByNameCache: Map<string, DeviceRecord[]> | null;
  nextIncidentId: number;
  nextInvestigationId: number;
  /** Per device index: incident id of the device's newest open incident and its time. */
  lastIncident: Map<number, { id: number; atMs: number }>;
  /** Per device: FLAG_* bits (static facts evolve needs without recomputing traits). */
  flags: Uint8Array;
  /** Per device: UTC hour of its daily full report. */
  phase: Uint8Array;
  /** Per device: machine.lastSeen in epoch ms (kept in sync by evolve). */
  lastSeenMs: Float64Array;
}

export const FLAG_OLD = 1;
export const FLAG_MOBILE = 2;
export const FLAG_STATIC_IP = 4;
export const FLAG_NOT_ONBOARDED = 8;
/** Record of a machine re-imaged during evolution: never reports again, goes Inactive when stale. */
export const FLAG_RETIRED = 16;

/** The static FLAG_* bits of a device with traits `t`. */
export function flagsFor(t: Traits): number {
  return (
    (t.old ? FLAG_OLD : 0) |
    (isMobile(t.family) ? FLAG_MOBILE : 0) |
    (t.family === 'windowsServer' || t.family === 'linux' ? FLAG_STATIC_IP : 0) |
    (t.nonOnboarded ? FLAG_NOT_ONBOARDED : 0)
  );
}

/** Stores device `g` at index `g.record.index` (= devices.length) and fills its per-device slots. */
export function storeDevice(state: TenantState, g: GeneratedDevice): void {
  const i = g.record.index;
  if (i !== state.devices.length) throw new Error(`device ${i} stored at position ${state.devices.length}`);
  if (i >= state.flags.length) grow(state, i + 1);
  const t = g.traits;
  state.devices.push(g.record);
  state.profileIdx[i] = t.profileIdx;
  state.patchIdx[i] = g.patchIdx;
  state.flags[i] = flagsFor(t);
  state.phase[i] = t.phase;
  state.lastSeenMs[i] = g.lastSeenMs;
}

/**
 * Appends a device made after generation (evolve: onboarding, re-image). Its traits are remembered (they
 * are not a function of the index alone) and the lazy lookup indexes follow.
 */
export function appendDevice(state: TenantState, g: GeneratedDevice): void {
  const i = g.record.index;
  if (i < state.generated) throw new Error(`device ${i} is a generated device`);
  storeDevice(state, g);
  state.addedTraits[i - state.generated] = g.traits;
  const d = g.record;
  state.deviceByIdCache?.set(d.machine.id, d);
  const byName = state.devicesByNameCache;
  if (byName) {
    const k = d.machine.computerDnsName.toLowerCase();
    const list = byName.get(k);
    if (list) list.push(d);
    else byName.set(k, [d]);
  }
}

/** Grows the per-device typed arrays to hold at least `size` devices (amortised: +25 %). */
function grow(state: TenantState, size: number): void {
  const cap = Math.max(size, Math.ceil(state.flags.length * 1.25) + 16);
  const u8 = (a: Uint8Array): Uint8Array => {
    const b = new Uint8Array(cap);
    b.set(a);
    return b;
  };
  state.profileIdx = u8(state.profileIdx);
  state.patchIdx = u8(state.patchIdx);
  state.flags = u8(state.flags);
  state.phase = u8(state.phase);
  const seen = new Float64Array(cap);
  seen.set(state.lastSeenMs);
  state.lastSeenMs = seen;
}

export function profileOf(state: TenantState, index: number): OsProfile {
  return OS_PROFILES[state.profileIdx[index]];
}

/** Traits of a device (recomputed for generated devices; cheap). */
export function traitsOf(state: TenantState, index: number): Traits {
  if (index < state.generated) return traits(state.ctx.base, index);
  const t = state.addedTraits[index - state.generated];
  if (!t) throw new Error(`no device ${index}`);
  return { ...t };
}

/** Device by machine id (index built lazily: generation does not pay for it). */
export function deviceById(state: TenantState, id: string): DeviceRecord | undefined {
  let map = state.deviceByIdCache;
  if (!map || map.size !== state.devices.length) {
    map = new Map();
    for (const d of state.devices) map.set(d.machine.id, d);
    state.deviceByIdCache = map;
  }
  return map.get(id);
}

export function addInjected(state: TenantState, index: number, a: Activity): void {
  let list = state.injected.get(index);
  if (!list) {
    list = [];
    state.injected.set(index, list);
  }
  list.push(a);
}

/** Devices whose computerDnsName equals `name` (case-insensitive); index built lazily. */
export function devicesByName(state: TenantState, name: string): DeviceRecord[] {
  let map = state.devicesByNameCache;
  if (!map) {
    // appendDevice keeps a built index up to date
    map = new Map();
    for (const d of state.devices) {
      const k = d.machine.computerDnsName.toLowerCase();
      const list = map.get(k);
      if (list) list.push(d);
      else map.set(k, [d]);
    }
    state.devicesByNameCache = map;
  }
  return map.get(name.toLowerCase()) ?? [];
}
