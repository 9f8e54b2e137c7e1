import { handleTokenRequest, instanceDiscovery, jwksResponse, openidConfiguration } from '../auth/index.js';
import type { RequestContext, RouteDef } from '../http/router.js';
import type { EmulatorState } from '../state/emulator-state.js';

/**
 * Microsoft Entra ID on the emulator's origin (`loginUrl`): token endpoints, OpenID discovery, keys and
 * the instance-discovery answer MSAL may ask for. Errors are Entra's own JSON, not Defender's envelope.
 */
export function entraRoutes(state: EmulatorState): RouteDef[] {
  const dir = state.directory;
  const base = { family: 'token', auth: 'none' as const };
  const token = (version: 'v1' | 'v2') => async (ctx: RequestContext) =>
    handleTokenRequest(dir, {
      version,
      tenantSegment: ctx.params.tenant,
      form: new URLSearchParams(ctx.rawBody),
      loginOrigin: ctx.origin,
      nowMs: Date.now(),
      authorizationHeader: ctx.req.headers.authorization,
      correlationId: headerOrQuery(ctx, 'client-request-id'),
    });
  return [
    {
      ...base,
      method: 'POST',
      path: '/:tenant/oauth2/v2.0/token',
      operation: 'tokenV2',
      handler: token('v2'),
    },
    { ...base, method: 'POST', path: '/:tenant/oauth2/token', operation: 'tokenV1', handler: token('v1') },
    {
      ...base,
      method: 'GET',
      path: '/common/discovery/instance',
      operation: 'instanceDiscovery',
      handler: (ctx) => instanceDiscovery(dir, ctx.query, ctx.origin),
    },
    {
      ...base,
      method: 'GET',
      path: '/:tenant/v2.0/.well-known/openid-configuration',
      operation: 'openidConfigurationV2',
      handler: (ctx) => openidConfiguration(dir, ctx.params.tenant, ctx.origin, 'v2'),
    },
    {
      ...base,
      method: 'GET',
      path: '/:tenant/.well-known/openid-configuration',
      operation: 'openidConfigurationV1',
      handler: (ctx) => openidConfiguration(dir, ctx.params.tenant, ctx.origin, 'v1'),
    },
    {
      ...base,
      method: 'GET',
      path: '/:tenant/discovery/v2.0/keys',
      operation: 'keysV2',
      handler: (ctx) => jwksResponse(dir, ctx.params.tenant, ctx.origin),
    },
    {
      ...base,
      method: 'GET',
      path: '/:tenant/discovery/keys',
      operation: 'keysV1',
      handler: (ctx) => jwksResponse(dir, ctx.params.tenant, ctx.origin),
    },
  ];
}

function headerOrQuery(ctx: RequestContext, name: string): string | undefined {
  const header = ctx.req.headers[name];
  return (typeof header === 'string' ? header : undefined) ?? ctx.query.get(name) ?? undefined;
}
