/**
 * A ready API for route tests: a migrated SQLite store (or the caller's), the built-in roles, one user and one
 * API token per built-in role, and the real authenticator, so tests exercise the same access checks as
 * production. Every call goes through `app.inject()` — no port.
 */
import { createApiToken } from '../auth/api-tokens.js';
import { type AuthenticatorOptions, createAuthenticator } from '../auth/authenticator.js';
import { SESSION_COOKIE } from '../auth/principal.js';
import { ensureBuiltinRoles } from '../auth/roles.js';
import { createUser } from '../auth/users.js';
import type { SyncController } from '../jobs/sync-controller.js';
import { migrate, openStore, type Store } from '../store/store.js';
import { buildApp } from './app.js';
import type { Api, AppDeps } from './types.js';

/** The password of every seeded user. */
export const TEST_PASSWORD = 'correct-horse-battery-staple';

/** Seeded users by name, with their built-in role ids. */
export const TEST_USERS = {
  super: 'super-admin',
  admin: 'admin',
  analyst: 'analyst',
  reader: 'read-only',
} as const;
export type TestUsername = keyof typeof TEST_USERS;
export type TestRoleId = (typeof TEST_USERS)[TestUsername];

export interface TestApiOptions {
  /** A migrated store to use (closed by the caller); default a fresh in-memory SQLite store, closed by close(). */
  store?: Store;
  sync?: SyncController;
  now?: () => Date;
  authenticator?: AuthenticatorOptions;
  /** Anything else buildApp takes (env, fetch, metrics…). */
  deps?: Partial<AppDeps>;
}

export interface TestApi {
  app: Api;
  store: Store;
  /** users.id of each seeded user. */
  userIds: Record<TestUsername, string>;
  /** The plain API token of each built-in role. */
  tokens: Record<TestRoleId, string>;
  /** Headers that authenticate as a built-in role (by role id or seeded user name) with its API token. */
  as(who: TestRoleId | TestUsername): { headers: { authorization: string } };
  /** Signs in through POST /auth/login; the cookie header and CSRF token to send with later requests. */
  login(username: string, password?: string): Promise<{ cookie: string; csrfToken: string }>;
  close(): Promise<void>;
}

/** A SyncController that accepts nothing and reports no schedules. */
export const noopSync: SyncController = {
  status: async () => [],
  trigger: () => ({ accepted: [], done: Promise.resolve() }),
};

export async function createTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const ownStore = !options.store;
  const store = options.store ?? (await openMigratedMemoryStore());
  const now = options.now;
  const at = now?.() ?? new Date();
  await ensureBuiltinRoles(store.db, at);
  const userIds = {} as Record<TestUsername, string>;
  const tokens = {} as Record<TestRoleId, string>;
  for (const [username, roleId] of Object.entries(TEST_USERS) as [TestUsername, TestRoleId][]) {
    userIds[username] = (await createUser(store.db, { username, password: TEST_PASSWORD, roleId }, at)).id;
    tokens[roleId] = (
      await createApiToken(store.db, { name: `test-${roleId}`, roleId, createdBy: 'test' }, at)
    ).token;
  }
  const app = await buildApp({
    store,
    authenticator: createAuthenticator(store.db, { now, ...options.authenticator }),
    sync: options.sync ?? noopSync,
    logger: false,
    now,
    ...options.deps,
  });
  return {
    app,
    store,
    userIds,
    tokens,
    as(who) {
      const roleId = who in TEST_USERS ? TEST_USERS[who as TestUsername] : (who as TestRoleId);
      return { headers: { authorization: `Bearer ${tokens[roleId]}` } };
    },
    async login(username, password = TEST_PASSWORD) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
      });
      if (response.statusCode !== 200) {
        throw new Error(`login as ${username} failed: ${response.statusCode} ${response.body}`);
      }
      const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
      if (!cookie) throw new Error('login set no session cookie');
      return { cookie: `${SESSION_COOKIE}=${cookie.value}`, csrfToken: response.json().csrfToken as string };
    },
    async close() {
      await app.close();
      if (ownStore) await store.close();
    },
  };
}

async function openMigratedMemoryStore(): Promise<Store> {
  const store = openStore('sqlite::memory:');
  const result = await migrate(store);
  if (result.error) throw result.error;
  return store;
}
