/**
 * The emulated tenant's data, as the generator makes it and the routes serve it.
 *
 * Wire-shaped objects (`Machine`, `Alert`, ...) are exactly what the API serves (spec section 4); the
 * `*Record` wrappers add what the emulator needs to behave (OS family, online state, IP history) and never
 * leave the process. Per-device vulnerability and software rows are *derived* on demand from
 * (seed, device index) so that 100,000 devices with ~10 vulnerabilities each cost no memory.
 */
import type { Alert, Machine, Recommendation, Software, Vulnerability } from '@mde-bridge/client/models';
import type { TableSource } from '../hunting/types.js';

export type OsFamily = 'windows' | 'windowsServer' | 'macos' | 'linux' | 'ios' | 'android';

export interface DeviceRecord {
  /** Position in the generator's sequence (= position in `TenantData.devices`); stable for the device's life. */
  readonly index: number;
  /** The wire object served by `/api/machines`. Mutated in place by tags, device value, evolution. */
  machine: Machine;
  osFamily: OsFamily;
  /** Whether the sensor would pick up a machine action now (offline devices time out). */
  online: boolean;
  /** How this device's next machine actions end when online (set through the control surface). */
  actionOutcome?: 'Succeeded' | 'Failed';
  /** Every internal IP the device had, newest last; `toMs` null for the current one. */
  ipHistory: { ip: string; fromMs: number; toMs: number | null }[];
  loggedOnUsers: { accountName: string; domainName: string }[];
  /** Agent-level capability switches used by response actions (e.g. old Windows can't selectively isolate). */
  supports: {
    isolate: boolean;
    selectiveIsolate: boolean;
    avScan: boolean;
    restrict: boolean;
    offboard: boolean;
    liveResponse: boolean;
  };
}

/** One row of `GET /api/vulnerabilities/machinesVulnerabilities` before the `id` is composed. */
export interface DeviceVulnerability {
  cveId: string;
  productName: string;
  productVendor: string;
  productVersion: string;
  fixingKbId: string | null;
  severity: Vulnerability['severity'];
}

export interface DeviceSoftware {
  softwareId: string;
  version: string;
}

/** An attack story with its answer key: what really happened on the device and what Defender raised. */
export interface Scenario {
  id: string;
  deviceId: string;
  deviceName: string;
  /** ISO time of the network connection. */
  time: string;
  remoteIp: string;
  remotePort: number;
  remoteUrl: string | null;
  protocol: 'Tcp' | 'Udp';
  /** `[0]` made the connection; each next entry is the parent of the previous. */
  processChain: {
    fileName: string;
    folderPath: string;
    processId: number;
    commandLine: string;
    sha256: string;
    sha1: string;
    accountName: string;
    accountDomain: string;
    creationTime: string;
  }[];
  alertIds: string[];
  detected: boolean;
}

export interface GenerateOptions {
  seed: string | number;
  devices: number;
  /** The emulator clock's time when the tenant is generated (epoch ms); data lies before it. */
  nowMs: number;
  tenantId: string;
}

/** Everything the generator hands to the emulator. */
export interface TenantData {
  devices: DeviceRecord[];
  /** Alerts with their evidence filled (the routes drop evidence unless `$expand=evidence`). */
  alerts: Alert[];
  vulnerabilities: Vulnerability[];
  software: Software[];
  recommendations: Recommendation[];
  scenarios: Scenario[];
  /** Rows of machinesVulnerabilities for one device, derived deterministically. */
  deviceVulnerabilities(device: DeviceRecord): DeviceVulnerability[];
  deviceSoftware(device: DeviceRecord): DeviceSoftware[];
  /** Recommendations that apply to one device (ids into `recommendations`). */
  deviceRecommendations(device: DeviceRecord): string[];
  exposureScore(nowMs: number): number;
  configurationScore(nowMs: number): number;
  /** Hunting tables (DeviceInfo, DeviceNetworkInfo, DeviceProcessEvents, ...) over the current state. */
  tables(clock: () => number): TableSource[];
  /**
   * Moves the tenant from `fromMs` to `toMs` deterministically: devices report (lastSeen), go stale,
   * change IP or OS version, devices appear (onboarded, or a re-imaged machine's new record: same DNS
   * name, new id — appended to `devices`), alerts are raised and updated. Returns what changed, for stats
   * and tests.
   */
  evolve(
    fromMs: number,
    toMs: number,
  ): { devicesChanged: number; devicesAdded: number; alertsRaised: number; alertsUpdated: number };
}
