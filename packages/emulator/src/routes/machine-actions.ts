import { randomUUID } from 'node:crypto';
import type { MachineAction } from '@mde-bridge/client/models';
import { errors } from '../errors.js';
import type { DeviceRecord } from '../generator/types.js';
import type { Feature, RequestContext, RouteDef } from '../http/router.js';
import type { EntitySetSpec } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { isFinal } from '../state/machine-actions.js';
import {
  collection,
  entity,
  GUID_RE,
  now,
  objectBody,
  optionalEnum,
  requestor,
  requireDevice,
  requiredString,
  STANDARD_LIMIT,
} from './common.js';

const READ = ['Machine.Read.All', 'Machine.ReadWrite.All'];
const ACTION_ROLES = [
  'Machine.Isolate',
  'Machine.Scan',
  'Machine.RestrictExecution',
  'Machine.CollectForensics',
  'Machine.Offboard',
  'Machine.StopAndQuarantine',
  'Machine.LiveResponse',
];

/** Filterable properties of `/api/machineactions` (spec 3.4); `lastUpdateDateTimeUtc` added for sweeps. */
export const machineActionSpec: EntitySetSpec<MachineAction> = {
  entitySet: 'MachineActions',
  maxTop: 10_000,
  filterable: {
    id: { type: 'string', get: (a) => a.id },
    status: { type: 'string', get: (a) => a.status },
    machineId: { type: 'string', get: (a) => a.machineId },
    type: { type: 'string', get: (a) => a.type },
    requestor: { type: 'string', get: (a) => a.requestor },
    creationDateTimeUtc: { type: 'datetime', get: (a) => a.creationDateTimeUtc },
    lastUpdateDateTimeUtc: { type: 'datetime', get: (a) => a.lastUpdateDateTimeUtc },
  },
};

interface ActionRoute {
  path: string;
  type: MachineAction['type'];
  roles: string[];
  feature?: Feature;
  /** Validates the body and the device; returns the action's scope and extras. */
  prepare(
    body: Record<string, unknown>,
    device: DeviceRecord,
  ): Partial<Pick<MachineAction, 'scope' | 'relatedFileInfo' | 'commands'>>;
}

const actions: ActionRoute[] = [
  {
    path: 'isolate',
    type: 'Isolate',
    roles: ['Machine.Isolate'],
    prepare: (body, d) => {
      const scope = optionalEnum(
        body,
        'IsolationType',
        ['Full', 'Selective', 'UnManagedDevice'] as const,
        'Full',
      );
      if (!d.supports.isolate || (scope === 'Selective' && !d.supports.selectiveIsolate)) {
        throw errors.osNotSupported(d.machine.osPlatform);
      }
      return { scope };
    },
  },
  {
    path: 'unisolate',
    type: 'Unisolate',
    roles: ['Machine.Isolate'],
    prepare: (_b, d) => {
      if (!d.supports.isolate) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope: null };
    },
  },
  {
    path: 'runAntiVirusScan',
    type: 'RunAntiVirusScan',
    roles: ['Machine.Scan'],
    prepare: (body, d) => {
      const scope = requiredString(body, 'ScanType');
      if (scope !== 'Quick' && scope !== 'Full')
        throw errors.invalidRequestBody('ScanType must be Quick or Full');
      if (!d.supports.avScan) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope };
    },
  },
  {
    path: 'restrictCodeExecution',
    type: 'RestrictCodeExecution',
    roles: ['Machine.RestrictExecution'],
    feature: 'restrictExecution',
    prepare: (_b, d) => {
      if (!d.supports.restrict) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope: null };
    },
  },
  {
    path: 'unrestrictCodeExecution',
    type: 'UnrestrictCodeExecution',
    roles: ['Machine.RestrictExecution'],
    feature: 'restrictExecution',
    prepare: (_b, d) => {
      if (!d.supports.restrict) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope: null };
    },
  },
  {
    path: 'collectInvestigationPackage',
    type: 'CollectInvestigationPackage',
    roles: ['Machine.CollectForensics'],
    feature: 'investigationPackage',
    prepare: () => ({ scope: null }),
  },
  {
    path: 'offboard',
    type: 'Offboard',
    roles: ['Machine.Offboard'],
    prepare: (_b, d) => {
      if (!d.supports.offboard) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope: null };
    },
  },
  {
    path: 'StopAndQuarantineFile',
    type: 'StopAndQuarantineFile',
    roles: ['Machine.StopAndQuarantine'],
    prepare: (body) => {
      const sha1 = requiredString(body, 'Sha1');
      if (!/^[0-9a-f]{40}$/i.test(sha1)) throw errors.invalidHash(sha1);
      return { scope: null, relatedFileInfo: { fileIdentifier: sha1, fileIdentifierType: 'Sha1' } };
    },
  },
  {
    path: 'runliveresponse',
    type: 'LiveResponse',
    roles: ['Machine.LiveResponse'],
    feature: 'liveResponse',
    prepare: (body, d) => {
      if (!d.supports.liveResponse) throw errors.osNotSupported(d.machine.osPlatform);
      return { scope: null, commands: liveResponseCommands(body) };
    },
  },
];

const COMMAND_PARAMS: Record<string, string[]> = {
  PutFile: ['FileName'],
  RunScript: ['ScriptName', 'Args'],
  GetFile: ['Path'],
};

function liveResponseCommands(body: Record<string, unknown>): MachineAction['commands'] {
  const commands = body.Commands;
  if (!Array.isArray(commands) || commands.length === 0) {
    throw errors.invalidRequestBody('Commands must be a non-empty array');
  }
  return commands.map((c, index) => {
    const cmd = c as { type?: unknown; params?: unknown };
    if (
      typeof cmd !== 'object' ||
      cmd === null ||
      typeof cmd.type !== 'string' ||
      !(cmd.type in COMMAND_PARAMS)
    ) {
      throw errors.invalidRequestBody(`Commands[${index}].type must be one of PutFile, RunScript, GetFile`);
    }
    const params = Array.isArray(cmd.params) ? cmd.params : [];
    for (const p of params as { key?: unknown; value?: unknown }[]) {
      if (
        typeof p?.key !== 'string' ||
        typeof p.value !== 'string' ||
        !COMMAND_PARAMS[cmd.type].includes(p.key)
      ) {
        throw errors.invalidRequestBody(
          `Commands[${index}].params must be {key, value} pairs with keys ${COMMAND_PARAMS[cmd.type].join(', ')}`,
        );
      }
    }
    const required = cmd.type === 'RunScript' ? 'ScriptName' : COMMAND_PARAMS[cmd.type][0];
    if (!(params as { key: string }[]).some((p) => p.key === required))
      throw errors.missingParameter(required);
    return {
      index,
      startTime: null,
      endTime: null,
      commandStatus: 'Created',
      errors: [],
      command: { type: cmd.type, params: params as { key: string; value: string }[] },
    };
  });
}

export function machineActionRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'machineActions', auth: 'defender' as const, limit: STANDARD_LIMIT };
  const requireAction = (id: string) => {
    if (!GUID_RE.test(id)) throw errors.notGuid(id);
    const a = state.actions.get(id);
    if (!a) throw errors.resourceNotFound(`Machine action ${id} was not found`);
    return a;
  };
  const writes: RouteDef[] = actions.map((spec) => ({
    ...base,
    method: 'POST',
    path: `/api/machines/:id/${spec.path}`,
    operation: spec.type,
    roles: spec.roles,
    feature: spec.feature,
    limit: spec.type === 'LiveResponse' ? { perMinute: 10 } : STANDARD_LIMIT,
    handler: (ctx: RequestContext) => {
      const device = requireDevice(state, ctx.params.id);
      const body = objectBody(ctx);
      const comment = requiredString(body, 'Comment');
      if (spec.feature && !state.deviceHasPlan2(device)) throw errors.disabledFeature();
      const extras = spec.prepare(body, device);
      const existing = state.actions.pending(device.machine.id, spec.type);
      if (existing) {
        if (state.settings.duplicateActions === 'returnExisting')
          return entity(ctx, 'MachineActions', existing, 201);
        throw errors.activeRequestExists();
      }
      const action = state.actions.create({
        type: spec.type,
        device,
        requestor: requestor(ctx),
        comment,
        scope: extras.scope ?? null,
        externalId: typeof body.ExternalID === 'string' ? body.ExternalID : null,
        relatedFileInfo: extras.relatedFileInfo,
        commands: extras.commands,
        outcome: device.actionOutcome,
      });
      return entity(ctx, 'MachineActions', action, 201);
    },
  }));
  return [
    ...writes,
    {
      ...base,
      method: 'POST',
      path: '/api/machines/:id/startInvestigation',
      family: 'investigations',
      operation: 'startInvestigation',
      roles: ['Alert.ReadWrite.All'],
      handler: (ctx) => {
        const device = requireDevice(state, ctx.params.id);
        requiredString(objectBody(ctx), 'Comment');
        const investigation = {
          id: String(state.investigations.length + 1),
          startTime: now(state),
          endTime: null,
          state: 'Running',
          cancelledBy: null,
          statusDetails: null,
          machineId: device.machine.id,
          computerDnsName: device.machine.computerDnsName,
          triggeringAlertId: null,
        };
        state.investigations.push(investigation);
        return entity(ctx, 'Investigations', investigation, 201);
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machineactions',
      operation: 'listMachineActions',
      roles: READ,
      handler: (ctx) => collection(ctx, machineActionSpec, state.actions.list()),
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machineactions/:id',
      operation: 'getMachineAction',
      roles: READ,
      handler: (ctx) => entity(ctx, 'MachineActions', requireAction(ctx.params.id)),
    },
    {
      ...base,
      method: 'POST',
      path: '/api/machineactions/:id/cancel',
      operation: 'cancelMachineAction',
      roles: ACTION_ROLES,
      handler: (ctx) => {
        requireAction(ctx.params.id);
        const comment = requiredString(objectBody(ctx), 'Comment');
        return entity(ctx, 'MachineActions', state.actions.cancel(ctx.params.id, requestor(ctx), comment));
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/machineactions/:id/getPackageUri',
      operation: 'getPackageUri',
      roles: READ,
      limit: { perMinute: 2, perHour: 120 },
      handler: (ctx) => {
        const a = requireAction(ctx.params.id);
        if (a.type !== 'CollectInvestigationPackage' || a.status !== 'Succeeded') {
          throw errors.resourceNotFound(`The investigation package of action ${a.id} is not available`);
        }
        return downloadLink(ctx, a.id, 'package');
      },
    },
    {
      ...base,
      method: 'GET',
      path: ['api', 'machineactions', ':id', /^GetLiveResponseResultDownloadLink\(index=(?<index>\d+)\)$/i],
      operation: 'getLiveResponseResultDownloadLink',
      roles: READ,
      handler: (ctx) => {
        const a = requireAction(ctx.params.id);
        const index = Number(ctx.params.index);
        const cmd = (a.commands ?? [])[index];
        if (a.type !== 'LiveResponse' || !cmd)
          throw errors.resourceNotFound(`Command ${index} of action ${a.id} was not found`);
        if ((cmd as { commandStatus: string }).commandStatus !== 'Completed') {
          throw errors.badRequest(`Command ${index} of action ${a.id} has not completed`);
        }
        return downloadLink(ctx, a.id, String(index));
      },
    },
    {
      method: 'GET',
      path: '/safedownload/:token',
      family: 'downloads',
      operation: 'download',
      auth: 'none',
      handler: (ctx) => serveDownload(state, ctx.params.token),
    },
  ];
}

const downloads = new Map<string, { actionId: string; part: string; expiresMs: number }>();

/** A SAS-style link back to the emulator, valid 30 minutes (spec 5.1). */
function downloadLink(ctx: RequestContext, actionId: string, part: string) {
  const token = randomUUID().replaceAll('-', '');
  downloads.set(token, { actionId, part, expiresMs: Date.now() + 30 * 60_000 });
  return {
    status: 200,
    odata: true,
    body: {
      '@odata.context': `${ctx.origin}/api/$metadata#Edm.String`,
      value: `${ctx.origin}/safedownload/${token}`,
    },
  };
}

function serveDownload(state: EmulatorState, token: string) {
  const entry = downloads.get(token);
  if (!entry || entry.expiresMs < Date.now()) {
    return { status: 403, text: 'AuthenticationFailed: the download link has expired' };
  }
  const action = state.actions.get(entry.actionId);
  if (!action || !isFinal(action.status)) return { status: 404, text: 'Not found' };
  if (entry.part === 'package') {
    return {
      status: 200,
      headers: { 'Content-Type': 'application/zip' },
      text: 'PK emulated investigation package',
    };
  }
  const cmd = (action.commands ?? [])[Number(entry.part)] as {
    command: { type: string; params: { key: string; value: string }[] };
  };
  const script = cmd.command.params.find((p) => p.key === 'ScriptName')?.value ?? cmd.command.type;
  return {
    status: 200,
    body: {
      script_name: script,
      exit_code: 0,
      script_output: `emulated output of ${script}`,
      script_errors: '',
    },
  };
}
