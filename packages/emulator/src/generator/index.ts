/** Deterministic tenant data for the emulator: devices, alerts, TVM, scenarios, hunting tables. */

export { ipAt } from './devices.js';
export { ALERTS_PER_HOUR_PER_1000, type EvolveResult } from './evolve.js';
export { ALERT_CAP, generateTenant } from './generate-tenant.js';
export { devicesWithIpAt, machineVulnerabilityRow } from './lookup.js';
export * as schema from './schema.js';
export { TELEMETRY_DAYS } from './telemetry.js';
export { iso7, isoSec, isoTrim, ticks } from './time.js';
export type {
  DeviceRecord,
  DeviceSoftware,
  DeviceVulnerability,
  GenerateOptions,
  OsFamily,
  Scenario,
  TenantData,
} from './types.js';
