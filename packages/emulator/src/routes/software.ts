import type { MissingKb, Software, Vulnerability } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { DeviceRecord, DeviceSoftware, DeviceVulnerability } from '../generator/types.js';
import type { RouteDef } from '../http/router.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { collection, entity, plainCollection, refuseODataOptions } from './common.js';
import { findById, machineReferencesWhere, vulnerabilitiesIn } from './vulnerabilities.js';

/**
 * TVM software inventory (spec 4.7) and its sub-resources. Answers that span devices scan them, deriving
 * each device's rows on the fly. No rate limit is published for these APIs (spec 9.1 NOT FOUND).
 */
const ROLES = ['Software.Read.All'];

/** Filterable properties of `/api/Software` (spec 3.4); `$top` max 10,000 (spec 3.3). */
export const softwareSpec: EntitySetSpec<Software> = {
  entitySet: 'Software',
  maxTop: 10_000,
  filterable: {
    id: { type: 'string', get: (s) => s.id },
    name: { type: 'string', get: (s) => s.name },
    vendor: { type: 'string', get: (s) => s.vendor },
  },
};

/** `GET /api/Software/{id}/distributions` item. Doc example only (get-software-ver-distribution). */
export interface VersionDistribution {
  version: string;
  installations: number;
  /** Distinct CVEs open on devices running this version. */
  vulnerabilities: number;
}

/** Software ids are `<vendor>-_-<name>` (spec 4.7); a vulnerability row names its product the same way. */
export function productSoftwareId(row: Pick<DeviceVulnerability, 'productVendor' | 'productName'>): string {
  return `${row.productVendor}-_-${row.productName}`.toLowerCase();
}

/** Distinct CVE ids among the rows of one product, over all devices. */
export function productCves(
  devices: Iterable<DeviceRecord>,
  rowsOf: (device: DeviceRecord) => DeviceVulnerability[],
  softwareId: string,
): Set<string> {
  const cves = new Set<string>();
  for (const { row } of productRows(devices, rowsOf, softwareId)) cves.add(row.cveId);
  return cves;
}

/** Installations per version and the distinct CVEs seen at that version, versions in ascending order. */
export function versionDistribution(
  devices: Iterable<DeviceRecord>,
  softwareOf: (device: DeviceRecord) => DeviceSoftware[],
  rowsOf: (device: DeviceRecord) => DeviceVulnerability[],
  softwareId: string,
): VersionDistribution[] {
  const key = softwareId.toLowerCase();
  const installs = new Map<string, number>();
  const cves = new Map<string, Set<string>>();
  for (const device of devices) {
    const installed = softwareOf(device).filter((s) => s.softwareId.toLowerCase() === key);
    if (installed.length === 0) continue;
    for (const s of installed) installs.set(s.version, (installs.get(s.version) ?? 0) + 1);
    for (const row of rowsOf(device)) {
      if (productSoftwareId(row) !== key) continue;
      let set = cves.get(row.productVersion);
      if (!set) {
        set = new Set();
        cves.set(row.productVersion, set);
      }
      set.add(row.cveId);
    }
  }
  return [...installs.entries()]
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
    .map(([version, installations]) => ({
      version,
      installations,
      vulnerabilities: cves.get(version)?.size ?? 0,
    }));
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/**
 * Missing KBs (`PublicProductFixDto`, spec 5.1) from vulnerability rows that carry a fixing KB. The name
 * follows Microsoft's "<Month> <Year> Security Updates" from the newest CVE the KB addresses (the real
 * naming rule is not published: DEVIATIONS.md). Ordered by devices missing it, then KB id.
 */
export function missingKbs(
  rows: Iterable<{ machineId: string; row: DeviceVulnerability }>,
  catalogue: readonly Vulnerability[],
): MissingKb[] {
  const kbs = new Map<string, { machines: Set<string>; cves: Set<string>; products: Set<string> }>();
  for (const { machineId, row } of rows) {
    if (!row.fixingKbId) continue;
    let kb = kbs.get(row.fixingKbId);
    if (!kb) {
      kb = { machines: new Set(), cves: new Set(), products: new Set() };
      kbs.set(row.fixingKbId, kb);
    }
    kb.machines.add(machineId);
    kb.cves.add(row.cveId);
    kb.products.add(row.productName);
  }
  const published = new Map(catalogue.map((v) => [v.id, v.publishedOn]));
  const result = [...kbs.entries()].map(([id, kb]): MissingKb => {
    const newest = Math.max(
      ...[...kb.cves].map((c) => Date.parse(published.get(c) ?? '')).filter((t) => !Number.isNaN(t)),
    );
    const when = new Date(newest);
    const name = Number.isFinite(newest)
      ? `${MONTHS[when.getUTCMonth()]} ${when.getUTCFullYear()} Security Updates`
      : 'Security Updates';
    return {
      id,
      name,
      productsNames: [...kb.products].sort(),
      url: `https://catalog.update.microsoft.com/v7/site/Search.aspx?q=KB${id}`,
      machineMissedOn: kb.machines.size,
      cveAddressed: kb.cves.size,
    };
  });
  return result.sort((a, b) => b.machineMissedOn - a.machineMissedOn || a.id.localeCompare(b.id));
}

/** Vulnerability rows of one product over all devices, with the device id, pulled lazily. */
export function* productRows(
  devices: Iterable<DeviceRecord>,
  rowsOf: (device: DeviceRecord) => DeviceVulnerability[],
  softwareId: string,
): Generator<{ machineId: string; row: DeviceVulnerability }> {
  const key = softwareId.toLowerCase();
  for (const device of devices) {
    for (const row of rowsOf(device))
      if (productSoftwareId(row) === key) yield { machineId: device.machine.id, row };
  }
}

export function softwareRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'software', auth: 'defender' as const, roles: ROLES, feature: 'tvm' as const };
  const requireSoftware = (id: string): Software => {
    const s = findById(state.data.software, id);
    if (!s) throw errors.resourceNotFound(`Software ${id} was not found`);
    return s;
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/Software',
      operation: 'listSoftware',
      handler: (ctx) => collection(ctx, softwareSpec, state.data.software),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/Software/:id',
      operation: 'getSoftware',
      handler: (ctx) => entity(ctx, 'Software', requireSoftware(ctx.params.id)),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/Software/:id/machineReferences',
      operation: 'listSoftwareMachineReferences',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'machineReferences');
        const key = requireSoftware(ctx.params.id).id.toLowerCase();
        const data = state.data;
        const refs = machineReferencesWhere(data.devices, (d) =>
          data.deviceSoftware(d).some((s) => s.softwareId.toLowerCase() === key),
        );
        return plainCollection(ctx, 'MachineReferences', refs);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/Software/:id/vulnerabilities',
      operation: 'listSoftwareVulnerabilities',
      // The page names Vulnerability.Read.All for this sub-resource (get-vuln-by-software).
      roles: ['Vulnerability.Read.All'],
      handler: (ctx) => {
        refuseODataOptions(ctx, 'vulnerabilities');
        const software = requireSoftware(ctx.params.id);
        const data = state.data;
        const cves = productCves(data.devices, (d) => data.deviceVulnerabilities(d), software.id);
        return plainCollection(
          ctx,
          'Collection(Analytics.Contracts.PublicAPI.PublicVulnerabilityDto)',
          vulnerabilitiesIn(data.vulnerabilities, cves),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/Software/:id/distributions',
      operation: 'listSoftwareVersionDistribution',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'distributions');
        const software = requireSoftware(ctx.params.id);
        const data = state.data;
        const rows = versionDistribution(
          data.devices,
          (d) => data.deviceSoftware(d),
          (d) => data.deviceVulnerabilities(d),
          software.id,
        );
        return plainCollection(ctx, 'Distributions', rows);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/Software/:id/getmissingkbs',
      operation: 'listSoftwareMissingKbs',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'getmissingkbs');
        const software = requireSoftware(ctx.params.id);
        const data = state.data;
        const kbs = missingKbs(
          productRows(data.devices, (d) => data.deviceVulnerabilities(d), software.id),
          data.vulnerabilities,
        );
        return plainCollection(ctx, 'Collection(microsoft.windowsDefenderATP.api.PublicProductFixDto)', kbs);
      },
    },
  ];
}
