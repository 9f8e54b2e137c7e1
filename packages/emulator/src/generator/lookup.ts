/** Small helpers the routes need on top of `TenantData`. */
import type { MachineVulnerability } from '@mde-bridge/client/models';
import type { DeviceRecord, DeviceVulnerability } from './types.js';

/** The `machinesVulnerabilities` wire row (spec 4.5) for one device vulnerability. */
export function machineVulnerabilityRow(device: DeviceRecord, v: DeviceVulnerability): MachineVulnerability {
  const machineId = device.machine.id;
  return {
    id: [machineId, v.cveId, v.productVendor, v.productName, v.productVersion, v.fixingKbId ?? ''].join(
      '-_-',
    ),
    cveId: v.cveId,
    machineId,
    fixingKbId: v.fixingKbId,
    productName: v.productName,
    productVendor: v.productVendor,
    productVersion: v.productVersion,
    severity: v.severity,
  };
}

/**
 * Devices that had internal IP `ip` within `slackMs` of `atMs` (spec 5.1 findbyip: ±15 minutes), using
 * each device's IP history. A current lease (`toMs: null`) is taken to last until the device's lastSeen
 * when it is offline, or indefinitely when online.
 */
export function devicesWithIpAt(
  devices: readonly DeviceRecord[],
  ip: string,
  atMs: number,
  slackMs = 15 * 60_000,
): DeviceRecord[] {
  const out: DeviceRecord[] = [];
  for (const d of devices) {
    for (const h of d.ipHistory) {
      if (h.ip !== ip) continue;
      const end = h.toMs ?? (d.online ? Number.POSITIVE_INFINITY : Date.parse(d.machine.lastSeen));
      if (h.fromMs <= atMs + slackMs && end >= atMs - slackMs) {
        out.push(d);
        break;
      }
    }
  }
  return out;
}
