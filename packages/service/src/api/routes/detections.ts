import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import type { Detection } from '../../detections/detection.js';
import { DetectionInputError } from '../../detections/detection-input.js';
import { getDetection, listDetections, listPolicyDecisions } from '../../detections/detection-queries.js';
import { ingestDetection } from '../../detections/ingest.js';
import {
  createLockdownPolicy,
  deleteLockdownPolicy,
  getLockdownPolicy,
  type LockdownPolicyInput,
  listLockdownPolicies,
  PolicyInputError,
  PolicyNameTakenError,
  updateLockdownPolicy,
} from '../../detections/policies.js';
import type { DeviceGroups } from '../../hosts/device-scope.js';
import { findScopedDevice } from '../../hosts/host-detail.js';
import type { Database } from '../../store/schema.js';
import { badRequest, conflict, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import { responseDepsOf } from './response.js';
import {
  DecisionListQuery,
  DetectionBody,
  DetectionListQuery,
  DetectionSchema,
  LockdownPolicyBody,
  LockdownPolicySchema,
  PolicyDecisionSchema,
} from './schemas/detections.js';
import { ItemParams, PageQuery, pageOf } from './schemas/hosts.js';

/** The device `:id` names (machine ID or managed endpoint ID) within the caller's groups; else 404. */
async function scopedHost(db: Kysely<Database>, id: string, groups: DeviceGroups) {
  const direct = await findScopedDevice(db, id, groups);
  if (direct) return direct;
  const endpoint = await db
    .selectFrom('endpoints')
    .select(['tenant', 'device_id'])
    .where('id', '=', id)
    .where('device_id', 'is not', null)
    .executeTakeFirst();
  const viaEndpoint = endpoint?.device_id ? await findScopedDevice(db, endpoint.device_id, groups) : null;
  if (viaEndpoint && viaEndpoint.tenant === endpoint?.tenant) return viaEndpoint;
  throw notFound(`host '${id}'`);
}

/** Policy module errors as API errors. */
async function policyErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PolicyInputError) throw badRequest(err.message, `body.${err.field}`);
    if (err instanceof PolicyNameTakenError) throw conflict(err.message);
    throw err;
  }
}

/** Network detections and automatic lockdown policies (issue 7, C9). */
export function detectionsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const actor = (request: FastifyRequest) => auditActor(request.principal, request.ip);
  const tags = ['detections'];

  api.post(
    '/detections',
    {
      schema: { tags, body: DetectionBody, response: { 200: DetectionSchema, 201: DetectionSchema } },
      config: { access: 'detections.submit' },
    },
    async (request, reply) => {
      const by = actor(request);
      let result: Awaited<ReturnType<typeof ingestDetection>>;
      try {
        result = await ingestDetection(responseDepsOf(deps), request.body, by.actor);
      } catch (err) {
        if (err instanceof DetectionInputError) throw badRequest(err.message, `body.${err.field}`);
        throw err;
      }
      const { detection, created } = result;
      if (created) {
        await appendAudit(
          db,
          {
            ...by,
            action: 'detection.received',
            target: `detection:${detection.id}`,
            detail: {
              source: detection.source,
              externalId: detection.externalId,
              match: detection.match,
              machineId: detection.machineId,
              outcome: detection.lockdown.outcome,
            },
          },
          now(),
        );
      }
      // A caller limited to device groups learns nothing of a device outside them: it gets what it sent.
      const groups = deviceGroupsOf(request);
      const visible = groups === null ? detection : await getDetection(db, detection.id, groups);
      return reply
        .status(created ? 201 : 200)
        .send(visible ?? (detection.machineId === null ? detection : outOfScope(detection)));
    },
  );

  api.get(
    '/detections',
    {
      schema: { tags, querystring: DetectionListQuery, response: { 200: pageOf(DetectionSchema) } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const { since, until, tenantId } = request.query;
      for (const [key, value] of [
        ['since', since],
        ['until', until],
      ] as const) {
        if (value !== undefined && Number.isNaN(Date.parse(value)))
          throw badRequest(`query.${key} '${value}' is not an ISO-8601 time`, `query.${key}`);
      }
      return listDetections(
        db,
        {
          ...request.query,
          tenantId: await tenantFilter(db, tenantId, 'query.tenantId'),
          since: since === undefined ? undefined : new Date(since).toISOString(),
          until: until === undefined ? undefined : new Date(until).toISOString(),
        },
        deviceGroupsOf(request),
      );
    },
  );

  api.get(
    '/detections/:id',
    {
      schema: { tags, params: ItemParams, response: { 200: DetectionSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const detection = await getDetection(db, request.params.id, deviceGroupsOf(request));
      if (!detection) throw notFound(`detection '${request.params.id}'`);
      return detection;
    },
  );

  api.get(
    '/hosts/:id/detections',
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(DetectionSchema) },
      },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const groups = deviceGroupsOf(request);
      const host = await scopedHost(db, request.params.id, groups);
      return listDetections(db, { ...request.query, tenantId: host.tenant, machineId: host.id }, groups);
    },
  );

  api.get(
    '/lockdown-policies',
    {
      schema: {
        tags,
        response: {
          200: Type.Object({ items: Type.Array(LockdownPolicySchema) }, { additionalProperties: false }),
        },
      },
      config: { access: 'config.view' },
    },
    async () => ({ items: await listLockdownPolicies(db) }),
  );

  api.post(
    '/lockdown-policies',
    {
      schema: { tags, body: LockdownPolicyBody, response: { 201: LockdownPolicySchema } },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      const policy = await policyErrors(() =>
        createLockdownPolicy(db, request.body as LockdownPolicyInput, actor(request), now()),
      );
      return reply.status(201).send(policy);
    },
  );

  api.get(
    '/lockdown-policies/:id',
    {
      schema: { tags, params: ItemParams, response: { 200: LockdownPolicySchema } },
      config: { access: 'config.view' },
    },
    async (request) => {
      const policy = await getLockdownPolicy(db, request.params.id);
      if (!policy) throw notFound(`lockdown policy '${request.params.id}'`);
      return policy;
    },
  );

  api.put(
    '/lockdown-policies/:id',
    {
      schema: { tags, params: ItemParams, body: LockdownPolicyBody, response: { 200: LockdownPolicySchema } },
      config: { access: 'config.edit' },
    },
    async (request) => {
      const policy = await policyErrors(() =>
        updateLockdownPolicy(
          db,
          request.params.id,
          request.body as LockdownPolicyInput,
          actor(request),
          now(),
        ),
      );
      if (!policy) throw notFound(`lockdown policy '${request.params.id}'`);
      return policy;
    },
  );

  api.delete(
    '/lockdown-policies/:id',
    {
      schema: { tags, params: ItemParams },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      if (!(await deleteLockdownPolicy(db, request.params.id, actor(request), now())))
        throw notFound(`lockdown policy '${request.params.id}'`);
      return reply.status(204).send();
    },
  );

  api.get(
    '/policy-decisions',
    {
      schema: { tags, querystring: DecisionListQuery, response: { 200: pageOf(PolicyDecisionSchema) } },
      config: { access: 'config.view' },
    },
    async (request) => listPolicyDecisions(db, request.query, deviceGroupsOf(request)),
  );
}

/** A stored detection as a device-group-scoped sender may see it when it matched a device outside its groups. */
function outOfScope(detection: Detection): Detection {
  return {
    ...detection,
    tenantId: null,
    machineId: null,
    deviceName: null,
    match: 'out_of_scope',
    lockdown: { outcome: null, lockdownId: null, approvalId: null, decisions: [] },
    rootCause: null,
  };
}
