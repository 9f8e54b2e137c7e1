import { DEFAULT_TOKEN_LIFETIME_SECONDS } from '../auth/index.js';
import { DefenderError } from '../errors.js';
import { parseFaultSpec } from '../faults/fault-injector.js';
import type { RouteDef } from '../http/router.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * The control surface under `/_emulator/` (loopback only), in the spirit of MSW's `use()` /
 * `resetHandlers()`: read the tenant, register applications, inject faults, move the clock, read call
 * statistics, list the ground-truth scenarios, regenerate the tenant.
 */
export function controlRoutes(state: EmulatorState, info: () => Record<string, unknown>): RouteDef[] {
  const base = { family: 'control', auth: 'control' as const };
  const bad = (message: string) => new DefenderError(400, 'BadRequest', message);
  const obj = (body: unknown): Record<string, unknown> => {
    if (body === undefined) return {};
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw bad('The body must be a JSON object');
    return body as Record<string, unknown>;
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/_emulator/info',
      operation: 'info',
      handler: () => {
        state.catchUp();
        return { status: 200, body: info() };
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/_emulator/apps',
      operation: 'registerApp',
      handler: (ctx) => {
        const b = obj(ctx.body);
        const roles = b.roles ?? [];
        const graphRoles = b.graphRoles ?? [];
        if (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string'))
          throw bad('roles must be an array of strings');
        if (!Array.isArray(graphRoles) || graphRoles.some((r) => typeof r !== 'string')) {
          throw bad('graphRoles must be an array of strings');
        }
        if (b.displayName !== undefined && typeof b.displayName !== 'string')
          throw bad('displayName must be a string');
        if (b.certificatePem !== undefined && typeof b.certificatePem !== 'string')
          throw bad('certificatePem must be a PEM string');
        try {
          const app = state.directory.register({
            displayName: (b.displayName as string | undefined) ?? 'emulator-app',
            roles: roles as string[],
            graphRoles: graphRoles as string[],
            certificatePem: b.certificatePem as string | undefined,
          });
          return { status: 201, body: { ...app, tenantId: state.tenantId } };
        } catch (err) {
          throw bad(`Cannot register the application: ${(err as Error).message}`);
        }
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/_emulator/faults',
      operation: 'listFaults',
      handler: () => ({ status: 200, body: { faults: state.faults.list() } }),
    },
    {
      ...base,
      method: 'POST',
      path: '/_emulator/faults',
      operation: 'addFault',
      handler: (ctx) => {
        const b = obj(ctx.body);
        if (b.kind === 'shortTokens') {
          const seconds = b.tokenLifetimeSeconds;
          if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1 || seconds > 86_400) {
            throw bad('tokenLifetimeSeconds must be an integer from 1 to 86400');
          }
          state.directory.tokenLifetimeSeconds = seconds;
          return { status: 201, body: { kind: 'shortTokens', tokenLifetimeSeconds: seconds } };
        }
        try {
          return { status: 201, body: state.faults.add(parseFaultSpec(b)) };
        } catch (err) {
          throw bad((err as Error).message);
        }
      },
    },
    {
      ...base,
      method: 'DELETE',
      path: '/_emulator/faults',
      operation: 'clearFaults',
      handler: () => {
        state.faults.clear();
        state.directory.tokenLifetimeSeconds = DEFAULT_TOKEN_LIFETIME_SECONDS;
        return { status: 204 };
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/_emulator/clock/advance',
      operation: 'advanceClock',
      handler: (ctx) => {
        const minutes = obj(ctx.body).minutes;
        if (
          typeof minutes !== 'number' ||
          !Number.isFinite(minutes) ||
          minutes <= 0 ||
          minutes > 60 * 24 * 30
        ) {
          throw bad('minutes must be a positive number of at most 43200 (30 days)');
        }
        state.clock.advance(minutes);
        state.catchUp();
        return { status: 200, body: { now: new Date(state.clock.now()).toISOString() } };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/_emulator/stats',
      operation: 'stats',
      handler: () => ({ status: 200, body: state.stats.snapshot() }),
    },
    {
      ...base,
      method: 'DELETE',
      path: '/_emulator/stats',
      operation: 'clearStats',
      handler: () => {
        state.stats.reset();
        return { status: 204 };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/_emulator/scenarios',
      operation: 'scenarios',
      handler: () => ({ status: 200, body: state.data.scenarios }),
    },
    {
      ...base,
      method: 'POST',
      path: '/_emulator/devices/:id',
      operation: 'setDevice',
      handler: (ctx) => {
        const device = state.device(ctx.params.id);
        if (!device) throw new DefenderError(404, 'NotFound', `Machine ${ctx.params.id} was not found`);
        const b = obj(ctx.body);
        if (b.online !== undefined) {
          if (typeof b.online !== 'boolean') throw bad('online must be true or false');
          device.online = b.online;
        }
        if (b.actionOutcome !== undefined) {
          if (b.actionOutcome !== 'Succeeded' && b.actionOutcome !== 'Failed')
            throw bad('actionOutcome must be Succeeded or Failed');
          device.actionOutcome = b.actionOutcome;
        }
        return {
          status: 200,
          body: {
            id: device.machine.id,
            online: device.online,
            actionOutcome: device.actionOutcome ?? 'Succeeded',
          },
        };
      },
    },
    {
      ...base,
      method: 'POST',
      path: '/_emulator/reset',
      operation: 'reset',
      handler: (ctx) => {
        const b = obj(ctx.body);
        const seed = b.seed ?? state.settings.seed;
        const size = b.devices ?? b.size ?? state.settings.devices;
        if (typeof seed !== 'string' && typeof seed !== 'number')
          throw bad('seed must be a string or a number');
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > 1_000_000) {
          throw bad('devices must be an integer from 0 to 1000000');
        }
        state.reset(seed, size);
        state.stats.reset();
        state.limiter.reset();
        return { status: 200, body: info() };
      },
    },
  ];
}
