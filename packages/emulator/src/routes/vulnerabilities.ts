import type { MachineReference, MachineVulnerability, Vulnerability } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { DeviceRecord, DeviceVulnerability } from '../generator/types.js';
import type { RouteDef } from '../http/router.js';
import type { EntitySetSpec, ODataSeek } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { collection, entity, plainCollection, refuseODataOptions } from './common.js';

/**
 * TVM vulnerabilities (spec 4.4–4.6). Per-device rows are derived on demand by the generator, so every
 * cross-device answer here is a scan over the devices; `machinesVulnerabilities` streams that scan lazily
 * (100,000 devices × ~10 rows must never sit in one array) and seeks to a page's first device through
 * `MachineVulnerabilityListing` instead of deriving every device before `$skip`.
 *
 * Rate limit: none is published for the TVM APIs (spec 9.1 NOT FOUND), so the routes set no `limit`.
 */
const ROLES = ['Vulnerability.Read.All'];

/** Filterable properties of `/api/vulnerabilities` (spec 3.4); `$top` max 8,000 (spec 3.3). */
export const vulnerabilitySpec: EntitySetSpec<Vulnerability> = {
  entitySet: 'Vulnerabilities',
  maxTop: 8_000,
  filterable: {
    id: { type: 'string', get: (v) => v.id },
    name: { type: 'string', get: (v) => v.name },
    description: { type: 'string', get: (v) => v.description },
    cvssV3: { type: 'number', get: (v) => v.cvssV3 },
    publishedOn: { type: 'datetime', get: (v) => v.publishedOn },
    severity: { type: 'string', get: (v) => v.severity },
    updatedOn: { type: 'datetime', get: (v) => v.updatedOn },
  },
};

/** Filterable properties of `/api/vulnerabilities/machinesVulnerabilities` (spec 3.4); `$top` max 10,000. */
export const machineVulnerabilitySpec: EntitySetSpec<MachineVulnerability> = {
  entitySet: 'MachinesVulnerabilities',
  maxTop: 10_000,
  filterable: {
    id: { type: 'string', get: (r) => r.id },
    cveId: { type: 'string', get: (r) => r.cveId },
    machineId: { type: 'string', get: (r) => r.machineId },
    fixingKbId: { type: 'string', get: (r) => r.fixingKbId },
    productName: { type: 'string', get: (r) => r.productName },
    productVersion: { type: 'string', get: (r) => r.productVersion },
    severity: { type: 'string', get: (r) => r.severity },
    productVendor: { type: 'string', get: (r) => r.productVendor },
  },
};

/** `@odata.context` of machinesVulnerabilities (spec 3.2). */
const ASSET_VULNERABILITY_CONTEXT =
  'Collection(microsoft.windowsDefenderATP.api.PublicAssetVulnerabilityDto)';
/** Real context of the CVE machineReferences answer (recorded; the docs write `#MachineReferences`). */
const PUBLIC_ASSET_CONTEXT = 'Collection(microsoft.windowsDefenderATP.api.PublicAssetDto)';

/** `<machineId>-_-<cveId>-_-<vendor>-_-<product>-_-<version>-_-<fixingKbId or empty>` (spec 4.5). */
export function machineVulnerabilityId(machineId: string, row: DeviceVulnerability): string {
  return [
    machineId,
    row.cveId,
    row.productVendor,
    row.productName,
    row.productVersion,
    row.fixingKbId ?? '',
  ].join('-_-');
}

export function machineVulnerability(machineId: string, row: DeviceVulnerability): MachineVulnerability {
  return {
    id: machineVulnerabilityId(machineId, row),
    cveId: row.cveId,
    machineId,
    fixingKbId: row.fixingKbId,
    productName: row.productName,
    productVendor: row.productVendor,
    productVersion: row.productVersion,
    severity: row.severity,
  };
}

/**
 * Every (device, vulnerability) row, derived one device at a time as the consumer pulls: taking the first
 * page touches only the first few devices.
 */
export function* machineVulnerabilityRows(
  devices: Iterable<DeviceRecord>,
  rowsOf: (device: DeviceRecord) => DeviceVulnerability[],
): Generator<MachineVulnerability> {
  for (const device of devices) {
    for (const row of rowsOf(device)) yield machineVulnerability(device.machine.id, row);
  }
}

/** What the listing walks: the devices of one data version and their rows, derived on demand. */
export interface VulnerabilitySource {
  /** Changes whenever the devices or their rows may have changed (`EmulatorState.dataVersion`). */
  version: number;
  devices: readonly DeviceRecord[];
  rowsOf(device: DeviceRecord): DeviceVulnerability[];
}

/** Matching rows before each device: `before[i]` counts devices `[0, i)`, known for `i <= known`. */
interface PrefixIndex {
  before: Int32Array;
  known: number;
}

/** Filters indexed at once (each index is 4 bytes a device: 400 kB at 100,000 devices). */
const MAX_INDEXES = 16;

/**
 * Seeking into `machinesVulnerabilities` (spec 3.3 paging). Rows are derived per device on demand, so a page
 * at `$skip=290000` would otherwise derive every device before it, and walking the export page by page would
 * be quadratic. Per data version and per `$filter` text this keeps how many matching rows precede each device,
 * filled as far as any request has walked (or counted its way to a `$skip`), so a page finds its first device
 * by binary search and derives little more than its own rows. Rows themselves are never kept.
 *
 * Correct with `$filter` because a filter is a pure function of the row (the OData layer refuses `now()`), so
 * the counts for one filter text hold until the data version changes. `$orderby` and `$count` never seek.
 */
export class MachineVulnerabilityListing {
  private version = Number.NaN;
  private devices: readonly DeviceRecord[] = [];
  private deviceCount = 0;
  /** By filter text (`''` for none), least recently used first. */
  private readonly indexes = new Map<string, PrefixIndex>();

  constructor(private readonly source: () => VulnerabilitySource) {}

  /** The `seek` for `applyQuery`: matching rows from the first device that can hold match number `skip`. */
  readonly seek: ODataSeek<MachineVulnerability> = (skip, filter) => {
    const { version, devices, rowsOf } = this.source();
    if (version !== this.version || devices !== this.devices || devices.length !== this.deviceCount) {
      this.version = version;
      this.devices = devices;
      this.deviceCount = devices.length;
      this.indexes.clear();
    }
    const index = this.indexFor(filter?.text ?? '', devices.length);
    const matches = (device: DeviceRecord): MachineVulnerability[] => {
      const out: MachineVulnerability[] = [];
      for (const row of rowsOf(device)) {
        const r = machineVulnerability(device.machine.id, row);
        if (!filter || filter.predicate(r)) out.push(r);
      }
      return out;
    };
    const { before } = index;
    // Count forward (once per version and filter) until the device holding match `skip` is known.
    while (index.known < devices.length && before[index.known] < skip) {
      const device = devices[index.known];
      const n = filter ? matches(device).length : rowsOf(device).length;
      before[index.known + 1] = before[index.known] + n;
      index.known++;
    }
    // The last known device with at most `skip` matches before it.
    let lo = 0;
    let hi = index.known;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (before[mid] <= skip) lo = mid;
      else hi = mid - 1;
    }
    return { start: before[lo], items: walk(index, devices, lo, matches) };
  };

  private indexFor(key: string, deviceCount: number): PrefixIndex {
    let index = this.indexes.get(key);
    if (index) {
      this.indexes.delete(key);
    } else {
      index = { before: new Int32Array(deviceCount + 1), known: 0 };
      if (this.indexes.size >= MAX_INDEXES) {
        const oldest = this.indexes.keys().next().value as string;
        this.indexes.delete(oldest);
      }
    }
    this.indexes.set(key, index);
    return index;
  }
}

/** The matching rows of devices `from`… in order, recording counts as the walk passes the known edge. */
function* walk(
  index: PrefixIndex,
  devices: readonly DeviceRecord[],
  from: number,
  matches: (device: DeviceRecord) => MachineVulnerability[],
): Generator<MachineVulnerability> {
  for (let i = from; i < devices.length; i++) {
    const rows = matches(devices[i]);
    if (i === index.known) {
      index.before[i + 1] = index.before[i] + rows.length;
      index.known++;
    }
    yield* rows;
  }
}

/** The `PublicAssetDto` of a device (spec 4.6). */
export function machineReference(device: DeviceRecord): MachineReference {
  const m = device.machine;
  return {
    id: m.id,
    computerDnsName: m.computerDnsName,
    osPlatform: m.osPlatform,
    rbacGroupName: m.rbacGroupName,
  };
}

/** References of the devices for which `has` holds, in device order. */
export function machineReferencesWhere(
  devices: Iterable<DeviceRecord>,
  has: (device: DeviceRecord) => boolean,
): MachineReference[] {
  const refs: MachineReference[] = [];
  for (const device of devices) if (has(device)) refs.push(machineReference(device));
  return refs;
}

const indexes = new WeakMap<readonly object[], { length: number; byKey: Map<string, object> }>();

/**
 * Catalogue lookup by id, case-insensitive (CVE ids arrive as `cve-2024-1234` from some tools; software and
 * recommendation ids are lower case). The index is rebuilt when the catalogue is replaced or grows.
 */
export function findById<T extends { id: string }>(items: readonly T[], id: string): T | undefined {
  let index = indexes.get(items);
  if (!index || index.length !== items.length) {
    index = { length: items.length, byKey: new Map(items.map((i) => [i.id.toLowerCase(), i])) };
    indexes.set(items, index);
  }
  return index.byKey.get(id.toLowerCase()) as T | undefined;
}

export function requireVulnerability(state: EmulatorState, id: string): Vulnerability {
  const v = findById(state.data.vulnerabilities, id);
  if (!v) throw errors.resourceNotFound(`Vulnerability ${id} was not found`);
  return v;
}

/** Catalogue entries for a set of CVE ids, in catalogue order (unknown ids are dropped). */
export function vulnerabilitiesIn(
  catalogue: readonly Vulnerability[],
  cveIds: ReadonlySet<string>,
): Vulnerability[] {
  return catalogue.filter((v) => cveIds.has(v.id));
}

export function vulnerabilityRoutes(state: EmulatorState): RouteDef[] {
  const listing = new MachineVulnerabilityListing(() => ({
    version: state.dataVersion,
    devices: state.data.devices,
    rowsOf: (d) => state.data.deviceVulnerabilities(d),
  }));
  const base = {
    family: 'vulnerabilities',
    auth: 'defender' as const,
    roles: ROLES,
    feature: 'tvm' as const,
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/vulnerabilities',
      operation: 'listVulnerabilities',
      handler: (ctx) => collection(ctx, vulnerabilitySpec, state.data.vulnerabilities),
    },
    // Registered before `/:id`: the router answers with the first match.
    {
      ...base,
      method: 'GET',
      path: '/api/vulnerabilities/machinesVulnerabilities',
      operation: 'listMachinesVulnerabilities',
      handler: (ctx) => {
        const data = state.data;
        const rows = machineVulnerabilityRows(data.devices, (d) => data.deviceVulnerabilities(d));
        return collection(ctx, machineVulnerabilitySpec, rows, {
          context: ASSET_VULNERABILITY_CONTEXT,
          seek: listing.seek,
        });
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/vulnerabilities/:id',
      operation: 'getVulnerability',
      handler: (ctx) => entity(ctx, 'Vulnerabilities', requireVulnerability(state, ctx.params.id)),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/vulnerabilities/:id/machineReferences',
      operation: 'listVulnerabilityMachineReferences',
      handler: (ctx) => {
        // No OData options are documented on this sub-resource (DEVIATIONS.md: refused rather than ignored).
        refuseODataOptions(ctx, 'machineReferences');
        const cveId = requireVulnerability(state, ctx.params.id).id;
        const data = state.data;
        const refs = machineReferencesWhere(data.devices, (d) =>
          data.deviceVulnerabilities(d).some((r) => r.cveId === cveId),
        );
        return plainCollection(ctx, PUBLIC_ASSET_CONTEXT, refs);
      },
    },
  ];
}
