import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { getDetection } from '../../detections/detection-queries.js';
import { tenantHuntingRunner } from '../../hunting/hunting-runner.js';
import { stitchDetections } from '../../stitching/stitch-detections.js';
import { notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { ItemParams } from './schemas/hosts.js';

/** No body fields: `{}` or nothing. */
const StitchBody = Type.Object({}, { additionalProperties: false });

/**
 * On-demand stitching (CONTRACT.md "Advanced hunting, stitching, validation"): `POST /detections/:id/stitch`
 * looks for the detection's process now — whatever its stitch state — through the tenant's hunting runner
 * (quota ledger, cache) and answers the Detection with its root cause or the reason there is none.
 */
export function stitchingRoutes(api: Api, deps: AppDeps): void {
  const { store } = deps;
  const now = () => deps.now?.() ?? new Date();
  const runner = tenantHuntingRunner({
    store,
    ...(deps.env ? { env: deps.env } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    now,
  });

  api.post(
    '/detections/:id/stitch',
    {
      schema: { tags: ['stitching'], params: ItemParams, body: Type.Optional(StitchBody) },
      config: { access: 'hunting.run' },
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request) => {
      const groups = deviceGroupsOf(request);
      const before = await getDetection(store.db, request.params.id, groups);
      if (!before) throw notFound('detection');
      const report = await stitchDetections({ store, runner, now }, [before.id]);
      const outcome = report.outcomes[0];
      await appendAudit(
        store.db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'detection.stitch',
          target: before.id,
          outcome: outcome?.state === 'failed' ? 'failure' : 'success',
          detail: {
            state: outcome?.state ?? null,
            error: outcome?.error ?? null,
            huntingCalls: report.huntingCalls,
            process: outcome?.rootCause
              ? `${outcome.rootCause.process.fileName} (${outcome.rootCause.process.processId})`
              : null,
          },
        },
        now(),
      );
      return getDetection(store.db, before.id, groups);
    },
  );
}
