import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRoles } from '../auth/permissions.js';
import type { Principal } from '../auth/principal.js';
import { migrate, openStore, type Store } from '../store/store.js';
import { type ApiRoute, BODY_LIMIT_BYTES, buildApp, listApiRoutes } from './app.js';
import type { Api } from './types.js';

/**
 * Bad input on every route, walked from the app's own route table: unknown body fields, bodies over the limit,
 * non-JSON bodies, malformed ids and unknown query parameters answer 400 with a reason — never 2xx, never 5xx —
 * and the store is left as it was.
 */
const superAdmin = builtinRoles.find((r) => r.id === 'super-admin');
const principal: Principal = {
  kind: 'token',
  id: 'bad-input',
  name: 'bad-input',
  roleId: 'super-admin',
  roleName: 'Super Admin',
  permissions: new Set(superAdmin?.permissions),
  deviceGroups: null,
};

let store: Store;
let app: Api;
let routes: ApiRoute[];

beforeAll(async () => {
  store = openStore('sqlite::memory:');
  const result = await migrate(store);
  if (result.error) throw result.error;
  app = await buildApp({
    store,
    logger: false,
    authenticator: { authenticate: async () => ({ principal, via: 'token' }) },
    sync: { status: async () => [], trigger: () => ({ accepted: [], done: Promise.resolve() }) },
  });
  routes = listApiRoutes(app).filter((r) => r.url !== '/api/v1/auth/login');
});

afterAll(async () => {
  await app.close();
  await store.close();
});

const withBody = (r: ApiRoute) => ['POST', 'PATCH', 'PUT'].includes(r.method);
const fill = (url: string, value: string) => url.replace(/:([A-Za-z]+)/g, value);

async function snapshot(): Promise<string> {
  const tables = ['tenants', 'users', 'roles', 'api_tokens', 'audit_log'] as const;
  const parts: unknown[] = [];
  for (const table of tables) parts.push(await store.db.selectFrom(table).selectAll().execute());
  return JSON.stringify(parts);
}

function expect400(route: ApiRoute, what: string, response: { statusCode: number; body: string }) {
  expect(response.statusCode, `${route.method} ${route.url} with ${what}: ${response.body}`).toBe(400);
  const body = JSON.parse(response.body) as { error?: { code?: string; message?: string } };
  expect(body.error?.message, `${route.method} ${route.url} with ${what}`).toBeTruthy();
}

describe('bad input on every route', () => {
  it('refuses unknown body fields', async () => {
    const before = await snapshot();
    for (const route of routes.filter(withBody)) {
      const response = await app.inject({
        method: route.method as 'POST',
        url: fill(route.url, 'x'),
        payload: { definitelyNotAField: 1 },
      });
      expect400(route, 'an unknown field', response);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses bodies over the limit and bodies that are not JSON', async () => {
    const before = await snapshot();
    const huge = JSON.stringify({ name: 'x'.repeat(BODY_LIMIT_BYTES + 1) });
    for (const route of routes.filter(withBody)) {
      const url = fill(route.url, 'x');
      expect400(
        route,
        'an oversized body',
        await app.inject({
          method: route.method as 'POST',
          url,
          payload: huge,
          headers: { 'content-type': 'application/json' },
        }),
      );
      expect400(
        route,
        'broken JSON',
        await app.inject({
          method: route.method as 'POST',
          url,
          payload: '{"name":',
          headers: { 'content-type': 'application/json' },
        }),
      );
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses malformed ids', async () => {
    const before = await snapshot();
    const bad = encodeURIComponent(`${'z'.repeat(300)}<script>`);
    for (const route of routes.filter((r) => r.url.includes(':'))) {
      const response = await app.inject({
        method: route.method as 'GET',
        url: fill(route.url, bad),
        ...(withBody(route) ? { payload: {} } : {}),
      });
      expect400(route, 'a malformed id', response);
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses unknown query parameters and wrong query types on list routes', async () => {
    for (const route of routes.filter(
      (r) => r.method === 'GET' && !r.url.includes(':') && r.access !== 'public',
    )) {
      if (
        route.url.endsWith('/auth/me') ||
        route.url.endsWith('/sync/status') ||
        route.url.endsWith('/dashboard')
      )
        continue;
      const response = await app.inject({ method: 'GET', url: `${route.url}?page=minus-one` });
      expect400(route, 'page=minus-one', response);
    }
  });
});
