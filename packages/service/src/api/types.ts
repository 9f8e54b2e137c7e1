import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Governor } from '@mde-bridge/client';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { Permission } from '../auth/permissions.js';
import type { Authenticator, Principal } from '../auth/principal.js';
import type { SyncController } from '../jobs/sync-controller.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** The fastify instance routes are registered on (TypeBox schemas give request types). */
export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Everything the API needs, built once at the composition root (`service/start-service.ts`) or by a test. */
export interface AppDeps {
  store: Store;
  authenticator: Authenticator;
  sync: SyncController;
  /** Environment for the master key (tenant secrets) and tenant clients. */
  env?: NodeJS.ProcessEnv;
  /** The scheduler's rate governor of a tenant (tenants.id): response calls draw from the sync's budget. */
  governorFor?: (tenantId: string) => Governor;
  /** The transport tenant clients use (tests pass one bound to the emulator); default global fetch. */
  fetch?: typeof fetch;
  now?: () => Date;
  /** The built web UI (`packages/web/dist`); without it only the API is served. */
  webRoot?: string | null;
  /** pino options, or false (tests). Ignored when `loggerInstance` is given. */
  logger?: boolean | Record<string, unknown>;
  /** One pino logger shared with the scheduler (`mde-bridge start`). */
  loggerInstance?: FastifyBaseLogger;
  /** Prometheus metrics served at /metrics; without them /metrics is 404. */
  metrics?: Metrics;
  /** fastify's `trustProxy`: the proxy addresses (comma-separated IPs / CIDRs) whose X-Forwarded-For is believed. */
  trustProxy?: string;
  /** Serve cookies with `Secure` (behind HTTPS). */
  secureCookies?: boolean;
}

/**
 * Who may call a route: a permission, any signed-in caller (`authenticated`), or anyone (`public`). Every route
 * under /api/v1 must declare one — `app.ts` refuses to start otherwise.
 */
export type RouteAccess = Permission | 'authenticated' | 'public';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** Set by the access guard for every non-public route. */
    principal: Principal | null;
  }
}
