import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { HuntingError } from '../../hunting/hunting-errors.js';
import { tenantHuntingRunner } from '../../hunting/hunting-runner.js';
import { checkKql, MAX_QUERY_CHARS } from '../../hunting/kql-check.js';
import { huntingCsv } from '../../hunting/result-csv.js';
import {
  createSavedQuery,
  DuplicateQueryNameError,
  deleteSavedQuery,
  listHuntingHistory,
  listSavedQueries,
  updateSavedQuery,
} from '../../hunting/saved-queries.js';
import { huntingTables } from '../../hunting/table-schemas.js';
import type { Database } from '../../store/schema.js';
import { ApiError, badRequest, conflict, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { tenantFilter } from './request-scope.js';
import { ItemParams, PageQuery, pageOf } from './schemas/hosts.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });
const TenantId = Type.String({ minLength: 1, maxLength: 128 });
const Query = Type.String({ minLength: 1, maxLength: MAX_QUERY_CHARS });

const Diagnostic = Type.Object(
  {
    message: Type.String(),
    severity: oneOf(['error', 'warning'] as const),
    line: Type.Integer(),
    column: Type.Integer(),
    length: Type.Integer(),
  },
  closed,
);
const Usage = Type.Object({ used: Type.Number(), limit: Type.Number() }, closed);
export const HuntingQuotaSchema = Type.Object(
  {
    tenantId: Type.String(),
    api: oneOf(['mde', 'graph'] as const),
    available: Type.Boolean(),
    reason: NullableString,
    calls: Type.Object({ minute: Usage, hour: Usage }, closed),
    cpuSeconds: Type.Object({ hour: Usage, day: Usage }, closed),
  },
  closed,
);
const HuntingResultSchema = Type.Object(
  {
    runId: Type.String(),
    tenantId: Type.String(),
    api: oneOf(['mde', 'graph'] as const),
    columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() }, closed)),
    rows: Type.Array(Type.Record(Type.String(), Type.Unknown())),
    rowCount: Type.Integer(),
    executionSeconds: NullableNumber,
    quota: HuntingQuotaSchema,
  },
  closed,
);
const HuntingRunSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    purpose: oneOf(['user', 'stitch', 'probe'] as const),
    query: Type.String(),
    api: Type.Union([oneOf(['mde', 'graph'] as const), Type.Null()]),
    state: oneOf(['succeeded', 'failed', 'refused'] as const),
    rowCount: Type.Union([Type.Integer(), Type.Null()]),
    executionSeconds: NullableNumber,
    error: NullableString,
    startedAt: Type.String(),
    durationMs: Type.Union([Type.Integer(), Type.Null()]),
  },
  closed,
);
const SavedQuerySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    query: Type.String(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  },
  closed,
);
const SavedQueryBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), query: Query },
  closed,
);
const RunBody = Type.Object(
  {
    tenantId: Type.Optional(TenantId),
    query: Query,
    timespan: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  closed,
);
const RunQuery = Type.Object({ format: Type.Optional(oneOf(['json', 'csv'] as const)) }, closed);
const EmptyQuery = Type.Object({}, closed);

/** The tenant a hunting request is for: the one named, or the only one configured. */
async function huntingTenant(
  db: Kysely<Database>,
  value: string | undefined,
  field: string,
): Promise<string> {
  if (value !== undefined) return (await tenantFilter(db, value, field)) as string;
  const rows = await db.selectFrom('tenants').select('id').where('enabled', '=', 1).limit(2).execute();
  if (rows.length === 1) return rows[0].id;
  throw badRequest(
    rows.length === 0
      ? 'no tenant is configured: add one first (mde-bridge tenant add)'
      : 'several tenants are configured: give tenantId (a tenant id or name)',
    field,
  );
}

/** users.id, or `token:<id>` for an API token: owner of saved queries and of history rows. */
function ownerOf(request: FastifyRequest): string {
  const p = request.principal;
  if (!p) return 'anonymous';
  return p.kind === 'token' ? `token:${p.id}` : p.id;
}

/** The runner's refusals and failures as API errors (CONTRACT.md issue 8). */
function toApiError(err: unknown): unknown {
  if (!(err instanceof HuntingError)) return err;
  switch (err.code) {
    case 'invalid_query':
      return new ApiError(400, 'invalid_query', err.message, {
        field: 'body.query',
        diagnostics: err.details.diagnostics ?? [],
      });
    case 'hunting_unavailable':
      return new ApiError(422, 'hunting_unavailable', err.message);
    case 'hunting_quota':
      return new ApiError(429, 'hunting_quota', err.message, {
        retryAfterSeconds: err.details.retryAfterSeconds ?? 60,
      });
    default:
      return new ApiError(502, 'defender_error', err.message, {
        defenderCode: err.details.defenderCode ?? null,
        defenderStatus: err.details.defenderStatus ?? null,
      });
  }
}

/** Advanced hunting (issue 8, C11): check, run, quota, history, table schemas, saved queries. */
export function huntingRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const runner = tenantHuntingRunner({ store: deps.store, env: deps.env, fetch: deps.fetch, now: deps.now });
  const tags = ['hunting'];
  const access = { access: 'hunting.run' } as const;
  const audit = (
    request: FastifyRequest,
    entry: {
      action: string;
      target: string;
      outcome: 'success' | 'failure';
      detail: Record<string, unknown>;
    },
  ) => appendAudit(db, { ...auditActor(request.principal, request.ip), ...entry }, now());

  api.post(
    '/hunting/check',
    {
      schema: {
        tags,
        body: Type.Object({ query: Query }, closed),
        response: { 200: Type.Object({ ok: Type.Boolean(), diagnostics: Type.Array(Diagnostic) }, closed) },
      },
      config: access,
    },
    async (request) => checkKql(request.body.query),
  );

  api.post(
    '/hunting/queries',
    {
      schema: { tags, querystring: RunQuery, body: RunBody, response: { 200: HuntingResultSchema } },
      config: access,
    },
    async (request, reply) => {
      const { query, timespan } = request.body;
      if (query.trim() === '') throw badRequest('body.query must not be blank', 'body.query');
      const tenant = await huntingTenant(db, request.body.tenantId, 'body.tenantId');
      let result: Awaited<ReturnType<typeof runner.run>>;
      try {
        result = await runner.run({ tenant, query, timespan, actor: ownerOf(request), purpose: 'user' });
      } catch (err) {
        if (err instanceof HuntingError && err.code !== 'invalid_query') {
          await audit(request, {
            action: 'hunting.run',
            target: tenant,
            outcome: 'failure',
            detail: { runId: err.details.runId ?? null, code: err.code },
          });
        }
        const mapped = toApiError(err);
        if (mapped instanceof ApiError && mapped.statusCode === 429)
          void reply.header('retry-after', String(mapped.extra.retryAfterSeconds));
        throw mapped;
      }
      await audit(request, {
        action: 'hunting.run',
        target: tenant,
        outcome: 'success',
        detail: { runId: result.runId, api: result.api, rowCount: result.rowCount },
      });
      if (request.query.format === 'csv') {
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="hunting-${result.runId}.csv"`)
          .send(huntingCsv(result.columns, result.rows) as never); // CSV, not the JSON HuntingResult
      }
      const { cached: _, ...body } = result;
      return { ...body, quota: await runner.quota(tenant) };
    },
  );

  api.get(
    '/hunting/quota',
    {
      schema: {
        tags,
        querystring: Type.Object({ tenantId: Type.Optional(TenantId) }, closed),
        response: { 200: HuntingQuotaSchema },
      },
      config: access,
    },
    async (request) => runner.quota(await huntingTenant(db, request.query.tenantId, 'query.tenantId')),
  );

  api.get(
    '/hunting/history',
    {
      schema: { tags, querystring: PageQuery, response: { 200: pageOf(HuntingRunSchema) } },
      config: access,
    },
    async (request) => listHuntingHistory(db, ownerOf(request), request.query),
  );

  api.get(
    '/hunting/schema',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: {
          200: Type.Object(
            {
              tables: Type.Array(
                Type.Object(
                  {
                    name: Type.String(),
                    columns: Type.Array(Type.Object({ name: Type.String(), type: Type.String() }, closed)),
                  },
                  closed,
                ),
              ),
            },
            closed,
          ),
        },
      },
      config: access,
    },
    async () => ({ tables: huntingTables.map((t) => ({ name: t.name, columns: [...t.columns] })) }),
  );

  api.get(
    '/hunting/saved-queries',
    {
      schema: {
        tags,
        querystring: EmptyQuery,
        response: { 200: Type.Object({ items: Type.Array(SavedQuerySchema) }, closed) },
      },
      config: access,
    },
    async (request) => ({ items: await listSavedQueries(db, ownerOf(request)) }),
  );

  const named = (body: { name: string; query: string }) => {
    const name = body.name.trim();
    if (name === '') throw badRequest('body.name must not be blank', 'body.name');
    if (body.query.trim() === '') throw badRequest('body.query must not be blank', 'body.query');
    return { name, query: body.query };
  };

  api.post(
    '/hunting/saved-queries',
    { schema: { tags, body: SavedQueryBody, response: { 201: SavedQuerySchema } }, config: access },
    async (request, reply) => {
      try {
        const saved = await createSavedQuery(db, ownerOf(request), named(request.body), now());
        await audit(request, {
          action: 'hunting.query.save',
          target: saved.id,
          outcome: 'success',
          detail: { name: saved.name },
        });
        return reply.status(201).send(saved);
      } catch (err) {
        if (err instanceof DuplicateQueryNameError) throw conflict(err.message);
        throw err;
      }
    },
  );

  api.put(
    '/hunting/saved-queries/:id',
    {
      schema: { tags, params: ItemParams, body: SavedQueryBody, response: { 200: SavedQuerySchema } },
      config: access,
    },
    async (request) => {
      let saved: Awaited<ReturnType<typeof updateSavedQuery>>;
      try {
        saved = await updateSavedQuery(db, ownerOf(request), request.params.id, named(request.body), now());
      } catch (err) {
        if (err instanceof DuplicateQueryNameError) throw conflict(err.message);
        throw err;
      }
      if (!saved) throw notFound(`saved query '${request.params.id}'`);
      await audit(request, {
        action: 'hunting.query.update',
        target: saved.id,
        outcome: 'success',
        detail: { name: saved.name },
      });
      return saved;
    },
  );

  api.delete(
    '/hunting/saved-queries/:id',
    { schema: { tags, params: ItemParams }, config: access },
    async (request, reply) => {
      if (!(await deleteSavedQuery(db, ownerOf(request), request.params.id)))
        throw notFound(`saved query '${request.params.id}'`);
      await audit(request, {
        action: 'hunting.query.delete',
        target: request.params.id,
        outcome: 'success',
        detail: {},
      });
      return reply.status(204).send();
    },
  );
}
