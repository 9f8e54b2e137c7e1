import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { accessGuard } from './access-guard.js';
import { errorBody, handleError } from './error-handler.js';
import { apiRouteModules } from './routes/index.js';
import type { Api, AppDeps, RouteAccess } from './types.js';

function frameworkErrorMessage(error: { code?: string; message: string }): string {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return 'a path parameter is longer than any valid id';
  return 'the request URL is malformed';
}

/**
 * A route that declares no body or no query string takes none: anything sent anyway is refused (400) rather
 * than silently ignored, as unknown fields are everywhere else.
 */
async function refuseUndeclaredInput(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.url.startsWith('/api/')) return;
  const schema = request.routeOptions.schema;
  if (!schema?.body && request.body !== undefined && request.body !== null) {
    const empty = typeof request.body === 'object' && Object.keys(request.body).length === 0;
    if (!empty) {
      await reply
        .status(400)
        .send(errorBody('invalid_request', 'this request takes no body', { field: 'body' }));
      return;
    }
  }
  if (!schema?.querystring) {
    const names = Object.keys((request.query ?? {}) as Record<string, unknown>);
    if (names.length > 0) {
      const field = `query.${names[0]}`;
      await reply
        .status(400)
        .send(errorBody('invalid_request', `${field} is not a known parameter`, { field }));
    }
  }
}

export interface ApiRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

const routeTables = new WeakMap<Api, ApiRoute[]>();

/** Every /api route of an app with the access it declared (the route-by-role test walks them all). */
export function listApiRoutes(app: Api): ApiRoute[] {
  return routeTables.get(app) ?? [];
}

/** Bodies larger than this are refused before parsing (tenant settings with a certificate chain fit easily). */
export const BODY_LIMIT_BYTES = 256 * 1024;

/**
 * The bridge's HTTP app as a plugin-free factory: API under /api/v1 (every route declares who may call it),
 * OpenAPI at /api/v1/openapi.json with a reference at /docs, health at /healthz and /readyz, and the web UI.
 * Tests call `buildApp(deps)` and `app.inject()`; `service/start-service.ts` listens.
 */
export async function buildApp(deps: AppDeps): Promise<Api> {
  const app = Fastify({
    ...(deps.loggerInstance ? { loggerInstance: deps.loggerInstance } : { logger: deps.logger ?? false }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Unknown fields are an error (400), not silently dropped; query strings are coerced to their types.
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false },
    },
    // Off unless configured: a forged X-Forwarded-For would otherwise dodge the per-address login limit.
    trustProxy: deps.trustProxy ?? false,
    // Errors raised before routing (an over-long path parameter, a bad URL) get the same 400 envelope.
    frameworkErrors: (error, _request, reply) => {
      void (reply as FastifyReply)
        .status(400)
        .send(errorBody('invalid_request', frameworkErrorMessage(error)));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.decorateRequest('principal', null);
  app.setErrorHandler(handleError);
  const routes: ApiRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (!route.url.startsWith('/api/')) return;
    const access = route.config?.access;
    if (!access) throw new Error(`route ${route.method} ${route.url} declares no access (config.access)`);
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, access });
    }
  });
  await app.register(fastifyCookie);
  app.addHook('onRequest', accessGuard(deps.authenticator));
  app.addHook('preValidation', refuseUndeclaredInput);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'mde-bridge API',
        version: '1',
        description:
          'The mde-bridge REST API. Authenticate with a session cookie (POST /api/v1/auth/login; state-changing ' +
          'requests then need the x-csrf-token header) or an API token as `Authorization: Bearer mdeb_…`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'mdeb_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    try {
      await deps.store.db.selectFrom('tenants').select('id').limit(1).execute();
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'not ready', reason: 'the store does not answer' });
    }
  });

  const metrics = deps.metrics;
  if (metrics) {
    app.addHook('onResponse', async (request, reply) => {
      // The route pattern (never the raw URL) keeps label cardinality bounded.
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.recordHttp(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    });
    app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
      reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
    );
  }

  await app.register(
    async (api) => {
      api.get('/openapi.json', { schema: { hide: true }, config: { access: 'public' } }, async () =>
        app.swagger(),
      );
      for (const register of apiRouteModules) await register(api as Api, deps);
    },
    { prefix: '/api/v1' },
  );

  const webRoot = deps.webRoot && existsSync(join(deps.webRoot, 'index.html')) ? deps.webRoot : null;
  if (webRoot) await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'] });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    // The UI routes on the client: any other GET for a page gets index.html; API paths get a JSON 404.
    if (webRoot && request.method === 'GET' && !path.startsWith('/api/') && !path.includes('.')) {
      return reply.type('text/html').sendFile('index.html');
    }
    return reply.status(404).send(errorBody('not_found', `no route ${request.method} ${path}`));
  });

  await app.ready();
  routeTables.set(app as Api, routes);
  return app as Api;
}
