import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRoles } from '../auth/permissions.js';
import type { Authentication, Principal } from '../auth/principal.js';
import { migrate, openStore, type Store } from '../store/store.js';
import { type ApiRoute, buildApp, listApiRoutes } from './app.js';
import type { Api } from './types.js';

/**
 * The route-by-role matrix: every /api route is called without credentials and as every built-in role. A
 * route must answer 401 to the anonymous caller (unless it is public), 403 to a role without its permission,
 * and neither to a role with it. Walking the app's own route table means a new route is covered the moment
 * it is registered.
 */
const principals = new Map<string, Principal>(
  builtinRoles.map((role) => [
    `token-${role.id}`,
    {
      kind: 'token',
      id: role.id,
      name: `${role.id} token`,
      roleId: role.id,
      roleName: role.name,
      permissions: new Set(role.permissions),
      deviceGroups: null,
    },
  ]),
);

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
    authenticator: {
      async authenticate(request): Promise<Authentication | null> {
        const header = request.headers.authorization;
        const principal =
          typeof header === 'string' ? principals.get(header.replace(/^Bearer /, '')) : undefined;
        return principal ? { principal, via: 'token' } : null;
      },
    },
    sync: { status: async () => [], trigger: () => ({ accepted: [], done: Promise.resolve() }) },
  });
  routes = listApiRoutes(app);
});

afterAll(async () => {
  await app.close();
  await store.close();
});

function urlOf(route: ApiRoute): string {
  return route.url.replace(/:([A-Za-z]+)/g, 'matrix-$1');
}

async function call(route: ApiRoute, token?: string) {
  const hasBody = !['GET', 'DELETE'].includes(route.method);
  return app.inject({
    method: route.method as 'GET',
    url: urlOf(route),
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(hasBody ? { payload: {} } : {}),
  });
}

describe('route-by-role matrix', () => {
  it('finds the routes of every area', () => {
    const urls = routes.map((r) => r.url);
    expect(urls).toContain('/api/v1/openapi.json');
    expect(routes.length).toBeGreaterThan(1);
  });

  it('answers 401 to a caller without credentials on every non-public route', async () => {
    const failures: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const response = await call(route);
      if (response.statusCode !== 401) failures.push(`${route.method} ${route.url} → ${response.statusCode}`);
    }
    expect(failures).toEqual([]);
  });

  for (const role of builtinRoles) {
    it(`enforces every route's permission for the ${role.name} role`, async () => {
      const failures: string[] = [];
      for (const route of routes.filter((r) => r.access !== 'public')) {
        const response = await call(route, `token-${role.id}`);
        const allowed =
          route.access === 'authenticated' || (role.permissions as readonly string[]).includes(route.access);
        const denied = response.statusCode === 401 || response.statusCode === 403;
        if (allowed && denied) failures.push(`${route.method} ${route.url} refused (${response.statusCode})`);
        if (!allowed && response.statusCode !== 403) {
          failures.push(
            `${route.method} ${route.url} answered ${response.statusCode} without ${route.access}`,
          );
        }
        if (response.statusCode >= 500)
          failures.push(`${route.method} ${route.url} → ${response.statusCode}`);
      }
      expect(failures).toEqual([]);
    });
  }
});
