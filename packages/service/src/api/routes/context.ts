import { Type } from 'typebox';
import { type EndpointListRequest, listEndpoints } from '../../context/endpoints.js';
import { HostContextService } from '../../context/host-context-service.js';
import { ObservedHostError, type ObservedHostInput, parseObservedHost } from '../../context/observed-host.js';
import { badRequest, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { EndpointSchema, HostContextSchema, HostLookupQuery, HostSessionBody } from './schemas/context.js';
import { pageOf } from './schemas/hosts.js';

const EndpointListQuery = Type.Object(
  {
    managed: Type.Optional(Type.Boolean()),
    q: Type.Optional(Type.String({ maxLength: 256 })),
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
  },
  { additionalProperties: false },
);

/** Host context (C5): host sessions, look-ups, and the endpoints seen on the network. */
export function contextRoutes(api: Api, deps: AppDeps): void {
  const now = deps.now ?? (() => new Date());
  const service = new HostContextService({ store: deps.store, now, env: deps.env, fetch: deps.fetch });
  const tags = ['hosts'];
  const access = { access: 'hosts.view' } as const;

  /** Bad input as a 400 naming the field. */
  const observed = (input: ObservedHostInput, where: 'body' | 'query', atKey: string) => {
    try {
      return parseObservedHost(input, now(), (key) => `${where}.${key === 'at' ? atKey : key}`);
    } catch (e) {
      if (e instanceof ObservedHostError) throw badRequest(`${e.field}: ${e.message}`, e.field);
      throw e;
    }
  };

  api.post(
    '/host-sessions',
    { schema: { tags, body: HostSessionBody, response: { 200: HostContextSchema } }, config: access },
    async (request) => {
      const { seenAt, source, ...rest } = request.body;
      const host = observed({ ...rest, at: seenAt }, 'body', 'seenAt');
      return service.session({ host, source, groups: deviceGroupsOf(request) });
    },
  );

  api.get(
    '/hosts/lookup',
    { schema: { tags, querystring: HostLookupQuery, response: { 200: HostContextSchema } }, config: access },
    async (request) => {
      const host = observed(request.query, 'query', 'at');
      const context = await service.lookup(host, deviceGroupsOf(request));
      if (!context) throw notFound('host');
      return context;
    },
  );

  api.get(
    '/endpoints',
    {
      schema: { tags, querystring: EndpointListQuery, response: { 200: pageOf(EndpointSchema) } },
      config: access,
    },
    async (request) =>
      listEndpoints(deps.store.db, request.query as EndpointListRequest, deviceGroupsOf(request)),
  );
}
