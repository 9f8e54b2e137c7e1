import type { Alert, Indicator, Investigation } from '@mde-bridge/client/models';
import { Directory } from '../auth/index.js';
import { type ClockMode, EmulatorClock } from '../clock.js';
import { FaultInjector } from '../faults/fault-injector.js';
import { generateTenant } from '../generator/index.js';
import { HOUR } from '../generator/time.js';
import type { DeviceRecord, TenantData } from '../generator/types.js';
import type { TableSource } from '../hunting/types.js';
import { RateLimiter, type RateLimitMode } from '../limits/rate-limiter.js';
import { CallStats } from '../stats.js';
import { type ActionTiming, defaultActionTiming, MachineActionStore } from './machine-actions.js';

export const Licenses = ['p2', 'p1', 'business', 'mixed'] as const;
export type License = (typeof Licenses)[number];

export interface TenantSettings {
  seed: string | number;
  devices: number;
  license: License;
  /** `error` answers a duplicate action with 400 ActiveRequestAlreadyExists; `returnExisting` with the pending one. */
  duplicateActions: 'error' | 'returnExisting';
  /** `retired`: the MDE/XDR advanced hunting APIs answer 410 (retirement, spec 7.1); Graph still answers. */
  mdeHunting?: 'available' | 'retired';
}

/**
 * Everything one emulated tenant holds: the generated data and the indexes over it, the machine actions,
 * indicators and investigations created through the API, the directory of applications, and the
 * switches the control surface turns (clock, limits, faults).
 */
export class EmulatorState {
  readonly clock: EmulatorClock;
  readonly limiter: RateLimiter;
  readonly faults = new FaultInjector();
  readonly stats = new CallStats();
  readonly directory: Directory;
  settings: TenantSettings;
  data!: TenantData;
  actions!: MachineActionStore;
  indicators: Indicator[] = [];
  investigations: Investigation[] = [];
  nextIndicatorId = 1;
  private devicesById = new Map<string, DeviceRecord>();
  private devicesByName = new Map<string, DeviceRecord[]>();
  private alertsById = new Map<string, Alert>();
  private indexedDevices = 0;
  private indexedAlerts = 0;
  private evolvedToMs = 0;
  /** Bumped whenever the generated data changes (evolution, reset): a key for derived caches. */
  dataVersion = 0;
  private huntingTables: TableSource[] | undefined;
  /** Emulated hunting CPU use, ms per clock hour (spec 7.1: 10 CPU-minutes an hour). */
  huntingCpu = { hour: 0, usedMs: 0 };

  constructor(
    settings: TenantSettings,
    opts: {
      tenantId: string;
      clockMode: ClockMode;
      startMs: number;
      rateLimits: RateLimitMode;
      windowScale: number;
      actionTiming?: Partial<ActionTiming>;
    },
  ) {
    this.settings = settings;
    this.clock = new EmulatorClock(opts.clockMode, opts.startMs);
    this.limiter = new RateLimiter(opts.rateLimits, opts.windowScale);
    this.directory = new Directory({ tenantId: opts.tenantId });
    this.generate({ ...defaultActionTiming, ...opts.actionTiming });
  }

  get tenantId(): string {
    return this.directory.tenantId;
  }

  /** Regenerates the tenant (control surface `reset`); applications and clock stay. */
  reset(seed: string | number, devices: number): void {
    this.settings = { ...this.settings, seed, devices };
    this.generate(this.actions.timing);
  }

  private generate(timing: ActionTiming): void {
    const nowMs = this.clock.now();
    this.data = generateTenant({
      seed: this.settings.seed,
      devices: this.settings.devices,
      nowMs,
      tenantId: this.tenantId,
    });
    this.actions = new MachineActionStore(timing, () => this.clock.now());
    this.indicators = [];
    this.investigations = [];
    this.devicesById.clear();
    this.devicesByName.clear();
    this.alertsById.clear();
    this.indexedDevices = 0;
    this.indexedAlerts = 0;
    this.evolvedToMs = nowMs;
    this.dataVersion++;
    this.huntingTables = undefined;
    this.index();
  }

  /** Brings the tenant up to the clock: evolution in whole buckets, then action lifecycles. */
  catchUp(): void {
    const now = this.clock.now();
    if (now > this.evolvedToMs) {
      // Evolution works in whole clock hours: within one, nothing changes and derived caches stay valid.
      const crossed = Math.floor(now / HOUR) > Math.floor(this.evolvedToMs / HOUR);
      this.data.evolve(this.evolvedToMs, now);
      this.evolvedToMs = now;
      if (crossed) this.dataVersion++;
      this.index();
    }
    this.actions.progress();
  }

  private index(): void {
    const devices = this.data.devices;
    for (; this.indexedDevices < devices.length; this.indexedDevices++) {
      const d = devices[this.indexedDevices];
      this.devicesById.set(d.machine.id, d);
      const name = d.machine.computerDnsName.toLowerCase();
      const list = this.devicesByName.get(name);
      if (list) list.push(d);
      else this.devicesByName.set(name, [d]);
    }
    const alerts = this.data.alerts;
    for (; this.indexedAlerts < alerts.length; this.indexedAlerts++) {
      this.alertsById.set(alerts[this.indexedAlerts].id, alerts[this.indexedAlerts]);
    }
  }

  /** By id, or by computer DNS name (spec 5.1: get by id accepts the name); the newest record wins. */
  device(idOrName: string): DeviceRecord | undefined {
    const byId = this.devicesById.get(idOrName.toLowerCase());
    if (byId) return byId;
    const named = this.devicesByName.get(idOrName.toLowerCase());
    if (!named) return undefined;
    return named.reduce((a, b) => (a.machine.lastSeen >= b.machine.lastSeen ? a : b));
  }

  alert(id: string): Alert | undefined {
    return this.alertsById.get(id);
  }

  tables(): TableSource[] {
    this.huntingTables ??= this.data.tables(() => this.clock.now());
    return this.huntingTables;
  }

  /** Whether a device is covered by Plan 2 (only `mixed` tenants have Plan 1 devices: every third one). */
  deviceHasPlan2(device: DeviceRecord): boolean {
    if (this.settings.license === 'mixed') return device.index % 3 !== 0;
    return this.settings.license === 'p2';
  }
}
