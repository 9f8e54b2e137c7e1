import { Readable } from 'node:stream';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { startValidation } from '../../validation/validation-create.js';
import { MAX_ALTERNATES, MAX_TECHNIQUES, ValidationInputError } from '../../validation/validation-input.js';
import {
  alertsCsv,
  exportValidations,
  getValidation,
  listValidations,
} from '../../validation/validations.js';
import { badRequest, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { ItemParams, pageOf } from './schemas/hosts.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const NullableInteger = Type.Union([Type.Integer(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

const ValidationBody = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    alternateHostnames: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: MAX_ALTERNATES }),
    ),
    start: Type.String({ minLength: 1, maxLength: 64 }),
    end: Type.String({ minLength: 1, maxLength: 64 }),
    expectedTechniques: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 16 }), { maxItems: MAX_TECHNIQUES }),
    ),
    grace: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    tenantId: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  closed,
);

const ValidationAlertSchema = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    severity: Type.String(),
    techniques: Type.Array(Type.String()),
    detectionSource: Type.String(),
    category: Type.String(),
    firstActivity: NullableString,
    createdAt: Type.String(),
    latencySeconds: Type.Integer(),
  },
  closed,
);

export const ValidationSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    host: Type.String(),
    machineId: NullableString,
    hostNames: Type.Array(Type.String()),
    start: Type.String(),
    end: Type.String(),
    graceSeconds: Type.Integer(),
    expectedTechniques: Type.Array(Type.String()),
    state: oneOf(['polling', 'detected', 'missed', 'failed'] as const),
    detected: Type.Union([Type.Boolean(), Type.Null()]),
    alerts: Type.Array(ValidationAlertSchema),
    latencySeconds: NullableInteger,
    techniques: Type.Object({ seen: Type.Array(Type.String()), missing: Type.Array(Type.String()) }, closed),
    polls: Type.Integer(),
    pollUntil: Type.String(),
    requestedBy: Type.String(),
    createdAt: Type.String(),
    finishedAt: NullableString,
    error: NullableString,
  },
  closed,
);

const ListQuery = Type.Object(
  {
    page: Type.Integer({ minimum: 1, default: 1 }),
    pageSize: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
    format: Type.Optional(oneOf(['csv', 'json'] as const)),
  },
  closed,
);
const OneQuery = Type.Object({ format: Type.Optional(oneOf(['csv', 'json'] as const)) }, closed);

/** Detection validation (issue 8, C13): did Defender alert on an actor host in a time window? */
export function validationsRoutes(api: Api, deps: AppDeps): void {
  const { store } = deps;
  const now = () => deps.now?.() ?? new Date();
  const tags = ['validation'];
  const access = { access: 'validation.run' } as const;

  api.post(
    '/validations',
    { schema: { tags, body: ValidationBody, response: { 201: ValidationSchema } }, config: access },
    async (request, reply) => {
      try {
        const validation = await startValidation(store, request.body, {
          now: now(),
          groups: deviceGroupsOf(request),
          field: (key) => `body.${key}`,
          by: auditActor(request.principal, request.ip),
        });
        return reply.status(201).send(validation);
      } catch (e) {
        if (e instanceof ValidationInputError) throw badRequest(`${e.field}: ${e.message}`, e.field);
        throw e;
      }
    },
  );

  api.get(
    '/validations',
    { schema: { tags, querystring: ListQuery, response: { 200: pageOf(ValidationSchema) } }, config: access },
    async (request, reply) => {
      const { format, ...page } = request.query;
      if (format === undefined) return listValidations(store.db, page, deviceGroupsOf(request));
      const stamp = now().toISOString().replace(/[:.]/g, '-');
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="mde-bridge-validations-${stamp}.${format}"`)
        .send(Readable.from(exportValidations(store.db, format, deviceGroupsOf(request))) as never); // a download, not the JSON page
    },
  );

  api.get(
    '/validations/:id',
    {
      schema: { tags, params: ItemParams, querystring: OneQuery, response: { 200: ValidationSchema } },
      config: access,
    },
    async (request, reply) => {
      const validation = await getValidation(store.db, request.params.id, deviceGroupsOf(request));
      if (!validation) throw notFound(`validation '${request.params.id}'`);
      if (request.query.format !== 'csv') return validation;
      return reply
        .type('text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="mde-bridge-validation-${validation.id}-alerts.csv"`,
        )
        .send(alertsCsv(validation) as never); // CSV, not the JSON Validation
    },
  );
}
