/**
 * For the data-route tests: the app over a given store with a fake caller (any permissions and device groups)
 * and a fake sync controller that records what it was asked.
 */
import { randomBytes } from 'node:crypto';
import { type Permission, Permissions } from '../../auth/permissions.js';
import type { Authenticator, Principal } from '../../auth/principal.js';
import type { SyncController, SyncRequest, TenantSchedule } from '../../jobs/sync-controller.js';
import type { Store } from '../../store/store.js';
import { buildApp } from '../app.js';
import type { Api } from '../types.js';

export interface FakeCaller {
  permissions?: readonly Permission[];
  deviceGroups?: readonly string[] | null;
  name?: string;
}

/** Authenticates every request as one bearer-token caller (no CSRF check applies to tokens). */
export function fakeAuthenticator(caller: FakeCaller = {}): Authenticator {
  const principal: Principal = {
    kind: 'token',
    id: 'tok-1',
    name: caller.name ?? 'test-token',
    roleId: 'test-role',
    roleName: 'Test role',
    permissions: new Set(caller.permissions ?? Permissions),
    deviceGroups: caller.deviceGroups ?? null,
  };
  return { authenticate: async () => ({ principal, via: 'token' }) };
}

export interface FakeSync extends SyncController {
  triggered: { tenantId: string; request?: SyncRequest }[];
  refreshes: number;
  statusAsked: (string | undefined)[];
  /** Make the next `trigger` throw this (e.g. a SyncBusyError). */
  failNext?: Error;
  schedules: TenantSchedule[];
}

export function fakeSync(): FakeSync {
  const sync: FakeSync = {
    triggered: [],
    refreshes: 0,
    statusAsked: [],
    schedules: [],
    async status(tenantId) {
      sync.statusAsked.push(tenantId);
      return sync.schedules.filter((s) => tenantId === undefined || s.tenantId === tenantId);
    },
    async refresh() {
      sync.refreshes++;
    },
    trigger(tenantId, request) {
      if (sync.failNext) {
        const error = sync.failNext;
        sync.failNext = undefined;
        throw error;
      }
      sync.triggered.push({ tenantId, request });
      return { accepted: request?.only ?? ['machines', 'alerts'], done: Promise.resolve() };
    },
  };
  return sync;
}

/** A master key for tenant secrets that never touches the disk. */
export const testEnv = (): NodeJS.ProcessEnv => ({
  MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64'),
  MDE_BRIDGE_DATA_DIR: '/nonexistent',
});

export async function routesApp(
  store: Store,
  options: { caller?: FakeCaller; sync?: FakeSync; env?: NodeJS.ProcessEnv } = {},
): Promise<{ app: Api; sync: FakeSync; env: NodeJS.ProcessEnv }> {
  const sync = options.sync ?? fakeSync();
  const env = options.env ?? testEnv();
  const app = await buildApp({
    store,
    authenticator: fakeAuthenticator(options.caller),
    sync,
    env,
    now: () => new Date('2026-11-22T12:00:00.000Z'),
    logger: false,
  });
  return { app, sync, env };
}
