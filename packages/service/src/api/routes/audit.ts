import { Readable } from 'node:stream';
import { exportAudit } from '../../audit/audit-export.js';
import { queryAudit } from '../../audit/audit-query.js';
import type { Api, AppDeps } from '../types.js';
import { AuditEntrySchema, AuditExportQuery, AuditQuery, pageOf } from './schemas/access.js';

/** The audit log's read side: a page at a time for the UI, or the whole (filtered) log as a download. */
export function auditRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;

  api.get(
    '/audit',
    {
      schema: { tags: ['audit'], querystring: AuditQuery, response: { 200: pageOf(AuditEntrySchema) } },
      config: { access: 'audit.view' },
    },
    async (request) => {
      const { page, pageSize, ...filter } = request.query;
      const { items, total } = await queryAudit(db, filter, { page, pageSize });
      return { items, total, page, pageSize };
    },
  );

  api.get(
    '/audit/export',
    { schema: { tags: ['audit'], querystring: AuditExportQuery }, config: { access: 'audit.view' } },
    async (request, reply) => {
      const { format, ...filter } = request.query;
      const stamp = (deps.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="mde-bridge-audit-${stamp}.${format}"`)
        .send(Readable.from(exportAudit(db, filter, format)));
    },
  );
}
