import type { LogonUser, Machine } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { DeviceRecord } from '../generator/types.js';
import type { RequestContext, RouteDef } from '../http/router.js';
import { countMatching, parseQuery } from '../odata/index.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { alertSpec, withoutEvidence } from './alerts.js';
import {
  collection,
  entity,
  objectBody,
  plainCollection,
  refuseODataOptions,
  requireDevice,
  requiredString,
  STANDARD_LIMIT,
} from './common.js';
import { missingKbs } from './software.js';
import { vulnerabilitiesIn } from './vulnerabilities.js';

const READ = ['Machine.Read.All', 'Machine.ReadWrite.All'];
const WRITE = ['Machine.ReadWrite.All'];

/** Filterable properties of `/api/machines` (spec 3.4). */
export const machineSpec: EntitySetSpec<Machine> = {
  entitySet: 'Machines',
  maxTop: 10_000,
  filterable: {
    computerDnsName: { type: 'string', get: (m) => m.computerDnsName },
    id: { type: 'string', get: (m) => m.id },
    version: { type: 'string', get: (m) => m.version },
    deviceValue: { type: 'string', get: (m) => m.deviceValue },
    aadDeviceId: { type: 'string', get: (m) => m.aadDeviceId },
    machineTags: { type: 'stringCollection', get: (m) => m.machineTags },
    lastSeen: { type: 'datetime', get: (m) => m.lastSeen },
    exposureLevel: { type: 'string', get: (m) => m.exposureLevel },
    onboardingStatus: { type: 'string', get: (m) => m.onboardingStatus },
    lastIpAddress: { type: 'string', get: (m) => m.lastIpAddress },
    healthStatus: { type: 'string', get: (m) => m.healthStatus },
    osPlatform: { type: 'string', get: (m) => m.osPlatform },
    riskScore: { type: 'string', get: (m) => m.riskScore },
    rbacGroupId: { type: 'number', get: (m) => m.rbacGroupId },
  },
};

function* machines(state: EmulatorState): Iterable<Machine> {
  for (const d of state.data.devices) yield d.machine;
}

const FINDBYIP = /^findbyip\(ip='(?<ip>[^']*)',timestamp=(?<timestamp>[^)]*)\)$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

export function machineRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'machines', auth: 'defender' as const, limit: STANDARD_LIMIT };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/machines',
      operation: 'listMachines',
      roles: READ,
      handler: (ctx) => collection(ctx, machineSpec, machines(state)),
    },
    {
      ...base,
      method: 'GET',
      path: ['api', 'machines', FINDBYIP],
      operation: 'findMachinesByIp',
      roles: READ,
      handler: (ctx) => findByIp(state, ctx),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/findbytag',
      operation: 'findMachinesByTag',
      roles: READ,
      handler: (ctx) => {
        const tag = ctx.query.get('tag');
        if (!tag) throw errors.missingParameter('tag');
        const startsWith = ctx.query.get('useStartsWithFilter')?.toLowerCase() === 'true';
        const t = tag.toLowerCase();
        const found = state.data.devices
          .filter((d) =>
            d.machine.machineTags.some((x) =>
              startsWith ? x.toLowerCase().startsWith(t) : x.toLowerCase() === t,
            ),
          )
          .map((d) => d.machine);
        return plainCollection(ctx, 'Machines', found);
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/api/machines/AddOrRemoveTagForMultipleMachines',
      operation: 'tagMachines',
      roles: WRITE,
      handler: (ctx) => {
        const body = objectBody(ctx);
        const { value, add } = tagArgs(body);
        const ids = body.MachineIds;
        if (!Array.isArray(ids) || ids.length === 0 || ids.some((i) => typeof i !== 'string')) {
          throw errors.invalidRequestBody('MachineIds must be a non-empty array of machine ids');
        }
        if (ids.length > 500) throw errors.batchTooLarge(ids.length, 500);
        const devices = ids.map((id) => requireDevice(state, id as string));
        for (const d of devices) applyTag(d, value, add);
        return plainCollection(
          ctx,
          'Machines',
          devices.map((d) => d.machine),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id',
      operation: 'getMachine',
      roles: READ,
      handler: (ctx) => entity(ctx, 'Machines', requireDevice(state, ctx.params.id).machine),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/logonusers',
      operation: 'listLogonUsers',
      roles: READ,
      handler: (ctx) => {
        const d = requireDevice(state, ctx.params.id);
        return plainCollection(ctx, 'Users', logonUsers(d));
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/alerts',
      operation: 'listMachineAlerts',
      roles: ['Alert.Read.All', 'Alert.ReadWrite.All', ...READ],
      handler: (ctx) => {
        // check_msdefender found this sub-resource rejects every OData option with 400 (pitfalls.md).
        refuseODataOptions(ctx, 'machine alerts');
        const d = requireDevice(state, ctx.params.id);
        return plainCollection(ctx, 'Alerts', machineAlerts(state, d).map(withoutEvidence));
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/alerts/$count',
      operation: 'countMachineAlerts',
      roles: ['Alert.Read.All', 'Alert.ReadWrite.All', ...READ],
      handler: (ctx) => {
        const d = requireDevice(state, ctx.params.id);
        const q = parseQuery(ctx.query, alertSpec);
        return { status: 200, text: String(countMatching(machineAlerts(state, d), q)) };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/software',
      operation: 'listMachineSoftware',
      family: 'software',
      roles: ['Software.Read.All'],
      feature: 'tvm',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'machine software');
        const d = requireDevice(state, ctx.params.id);
        const ids = new Set(state.data.deviceSoftware(d).map((s) => s.softwareId));
        return plainCollection(
          ctx,
          'Software',
          state.data.software.filter((s) => ids.has(s.id)),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/vulnerabilities',
      operation: 'listMachineVulnerabilities',
      family: 'vulnerabilities',
      roles: ['Vulnerability.Read.All'],
      feature: 'tvm',
      // The one per-device TVM call with its own, lower limit (spec 5.1).
      limit: { perMinute: 50, perHour: 1500 },
      handler: (ctx) => {
        refuseODataOptions(ctx, 'machine vulnerabilities');
        const d = requireDevice(state, ctx.params.id);
        const cves = new Set(state.data.deviceVulnerabilities(d).map((v) => v.cveId));
        return plainCollection(
          ctx,
          'Collection(Analytics.Contracts.PublicAPI.PublicVulnerabilityDto)',
          vulnerabilitiesIn(state.data.vulnerabilities, cves),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/recommendations',
      operation: 'listMachineRecommendations',
      family: 'recommendations',
      roles: ['SecurityRecommendation.Read.All'],
      feature: 'tvm',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'machine recommendations');
        const d = requireDevice(state, ctx.params.id);
        const ids = new Set(state.data.deviceRecommendations(d));
        return plainCollection(
          ctx,
          'Recommendations',
          state.data.recommendations.filter((r) => ids.has(r.id)),
        );
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machines/:id/getmissingkbs',
      operation: 'listMachineMissingKbs',
      family: 'software',
      roles: ['Software.Read.All'],
      feature: 'tvm',
      handler: (ctx) => {
        refuseODataOptions(ctx, 'missing KBs');
        const d = requireDevice(state, ctx.params.id);
        const rows = state.data.deviceVulnerabilities(d).map((row) => ({ machineId: d.machine.id, row }));
        return plainCollection(
          ctx,
          'Collection(microsoft.windowsDefenderATP.api.PublicProductFixDto)',
          missingKbs(rows, state.data.vulnerabilities),
        );
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/api/machines/:id/tags',
      operation: 'tagMachine',
      roles: WRITE,
      handler: (ctx) => {
        const d = requireDevice(state, ctx.params.id);
        const { value, add } = tagArgs(objectBody(ctx));
        applyTag(d, value, add);
        return entity(ctx, 'Machines', d.machine);
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/api/machines/:id/setDeviceValue',
      operation: 'setDeviceValue',
      roles: WRITE,
      handler: (ctx) => {
        const d = requireDevice(state, ctx.params.id);
        const value = requiredString(objectBody(ctx), 'DeviceValue');
        if (!['Normal', 'Low', 'High'].includes(value)) {
          throw errors.invalidRequestBody('DeviceValue must be one of Normal, Low, High');
        }
        d.machine.deviceValue = value;
        return entity(ctx, 'Machines', d.machine);
      },
    },
  ];
}

function machineAlerts(state: EmulatorState, d: DeviceRecord) {
  return state.data.alerts.filter((a) => a.machineId === d.machine.id);
}

function findByIp(state: EmulatorState, ctx: RequestContext) {
  const { ip, timestamp } = ctx.params;
  if (!IPV4.test(ip) && !ip.includes(':')) throw errors.invalidIp(ip);
  const atMs = Date.parse(timestamp);
  if (Number.isNaN(atMs)) throw errors.invalidInput(`timestamp ${timestamp}`);
  const nowMs = state.clock.now();
  // Defender only answers for the last 30 days (spec 5.1).
  if (atMs < nowMs - 30 * 86_400_000 || atMs > nowMs + 86_400_000) {
    throw errors.badRequest('The timestamp must be within the last 30 days');
  }
  const windowMs = 15 * 60_000;
  const found = state.data.devices.filter((d) =>
    d.ipHistory.some(
      (h) => h.ip === ip && h.fromMs <= atMs + windowMs && (h.toMs === null || h.toMs >= atMs - windowMs),
    ),
  );
  return plainCollection(
    ctx,
    'Machines',
    found.map((d) => d.machine),
  );
}

function tagArgs(body: Record<string, unknown>): { value: string; add: boolean } {
  const value = requiredString(body, 'Value');
  if (value.length > 200) throw errors.invalidRequestBody('Value must be at most 200 characters');
  const action = requiredString(body, 'Action');
  if (action !== 'Add' && action !== 'Remove')
    throw errors.invalidRequestBody('Action must be Add or Remove');
  return { value, add: action === 'Add' };
}

function applyTag(d: DeviceRecord, value: string, add: boolean): void {
  const tags = d.machine.machineTags.filter((t) => t !== value);
  if (add) tags.push(value);
  d.machine.machineTags = tags;
}

/** Logon users in the recorded 2023 shape (a single `logonTypes` string; prevalence fields null). */
function logonUsers(d: DeviceRecord): LogonUser[] {
  return d.loggedOnUsers.map((u, i) => ({
    id: `${u.domainName}\\${u.accountName}`.toLowerCase(),
    accountName: u.accountName,
    accountDomain: u.domainName,
    accountSid: null,
    firstSeen: d.machine.firstSeen,
    lastSeen: d.machine.lastSeen,
    mostPrevalentMachineId: null,
    leastPrevalentMachineId: null,
    logonTypes: i === 0 ? 'Interactive' : 'Network',
    logOnMachinesCount: null,
    isDomainAdmin: false,
    isOnlyNetworkUser: i !== 0,
  }));
}
