/** The generator's mutable, process-internal tenant state shared by the data modules. */
import type { Alert } from '@mde-bridge/client/models';
import type { Activity } from './activity.js';
import type { Ctx } from './context.js';
import { type Traits, traits } from './devices.js';
import type { IpAllocator } from './ip.js';
import { OS_PROFILES, type OsProfile } from './os.js';
import type { DeviceRecord } from './types.js';

export interface TenantState {
  ctx: Ctx;
  devices: DeviceRecord[];
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

export function profileOf(state: TenantState, index: number): OsProfile {
  return OS_PROFILES[state.profileIdx[index]];
}

/** Traits of a device (recomputed; cheap). */
export function traitsOf(state: TenantState, index: number): Traits {
  return traits(state.ctx.base, index);
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
