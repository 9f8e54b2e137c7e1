import { type SqlBool, sql } from 'kysely';
import { appendAudit } from '../../audit/audit-log.js';
import { allOf } from '../../hosts/device-scope.js';
import { pageWindow, toCount } from '../../hosts/list-page.js';
import { findTenantRow } from '../../tenants/tenant-update.js';
import { conflict } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { tenantFilter } from './request-scope.js';
import { pageOf } from './schemas/hosts.js';
import {
  SyncAcceptedSchema,
  SyncRunSchema,
  SyncRunsQuery,
  SyncStatusQuery,
  SyncStatusSchema,
  SyncTriggerInput,
  TenantParams,
} from './schemas/tenants.js';

/** Sync: each tenant's schedule and running work, the history of runs, and "sync now". */
export function syncRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const tags = ['sync'];

  api.get(
    '/sync/status',
    {
      schema: { tags, querystring: SyncStatusQuery, response: { 200: SyncStatusSchema } },
      config: { access: 'config.view' },
    },
    async (request) => ({ items: await deps.sync.status(await tenantFilter(db, request.query.tenant)) }),
  );

  api.get(
    '/sync/runs',
    {
      schema: { tags, querystring: SyncRunsQuery, response: { 200: pageOf(SyncRunSchema) } },
      config: { access: 'config.view' },
    },
    async (request) => {
      const { resource, status } = request.query;
      const tenant = await tenantFilter(db, request.query.tenant);
      const { page, pageSize, limit, offset } = pageWindow(request.query);
      const where = allOf([
        ...(tenant === undefined ? [] : [sql<SqlBool>`r.tenant = ${tenant}`]),
        ...(resource === undefined ? [] : [sql<SqlBool>`r.resource = ${resource}`]),
        ...(status === undefined ? [] : [sql<SqlBool>`r.status = ${status}`]),
      ]);
      const rows = await db
        .selectFrom('sync_runs as r')
        .innerJoin('tenants as t', 't.id', 'r.tenant')
        .selectAll('r')
        .select('t.name as tenant_name')
        .where(where)
        .orderBy('r.started_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(limit)
        .offset(offset)
        .execute();
      const { n } = await db
        .selectFrom('sync_runs as r')
        .select((eb) => eb.fn.countAll().as('n'))
        .where(where)
        .executeTakeFirstOrThrow();
      return {
        items: rows.map((r) => ({
          id: String(r.id),
          tenantId: r.tenant,
          tenantName: r.tenant_name,
          resource: r.resource,
          mode: r.mode,
          status: r.status,
          startedAt: r.started_at,
          finishedAt: r.finished_at,
          fetched: Number(r.fetched),
          upserted: Number(r.upserted),
          removed: Number(r.removed),
          apiCalls: Number(r.api_calls),
          throttledMs: Number(r.throttled_ms),
          error: r.error,
        })),
        total: toCount(n),
        page,
        pageSize,
      };
    },
  );

  api.post(
    '/tenants/:id/sync',
    {
      schema: {
        tags,
        params: TenantParams,
        body: SyncTriggerInput,
        response: { 202: SyncAcceptedSchema },
      },
      config: { access: 'config.edit' },
      // "Sync now" with no body at all (curl -X POST) means every resource, in auto mode.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const row = await findTenantRow(db, request.params.id);
      if (Number(row.enabled) !== 1) {
        throw conflict(`tenant '${row.name}' is disabled; enable it before syncing`);
      }
      const principal = request.principal;
      // A SyncBusyError thrown here is the error handler's 409 sync_running.
      const { accepted, done } = deps.sync.trigger(row.id, {
        only: request.body.only,
        mode: request.body.mode,
        reason: principal?.name ?? 'api',
      });
      // The run's outcome lands in sync_runs (GET /sync/runs); nobody awaits it here.
      done.catch(() => {});
      await appendAudit(
        db,
        {
          actorKind: principal?.kind ?? 'system',
          actor: principal?.name ?? 'system',
          action: 'sync.triggered',
          target: row.name,
          detail: { id: row.id, accepted, mode: request.body.mode ?? 'auto' },
          ip: request.ip,
        },
        deps.now?.() ?? new Date(),
      );
      return reply.status(202).send({ accepted });
    },
  );
}
