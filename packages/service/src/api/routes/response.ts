import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import type { Permission } from '../../auth/permissions.js';
import type { DeviceGroups } from '../../hosts/device-scope.js';
import { findScopedDevice } from '../../hosts/host-detail.js';
import { type ResponseAction, ResponseActions } from '../../profiles/supported-actions.js';
import { approvalNeeded, createApproval } from '../../response/approvals.js';
import { getLockdown, lockHost, parseLockdownDuration, unlockHost } from '../../response/lockdown.js';
import { preflightAction, type ResponseDeps, requestResponseAction } from '../../response/request-action.js';
import { tenantResponseClients } from '../../response/response-clients.js';
import {
  ActionConflictError,
  ApprovalNotFoundError,
  ApprovalNotPendingError,
  DefenderRequestError,
  LockdownInputError,
  LockdownStateError,
  ResponseNotSupportedError,
  SelfApprovalError,
  UnknownDeviceError,
} from '../../response/response-errors.js';
import { getResponseRequest, listResponseRequests } from '../../response/response-request.js';
import type { Database } from '../../store/schema.js';
import { ApiError, badRequest, conflict, forbidden, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf } from './request-scope.js';
import { ApprovalRequiredSchema } from './schemas/approvals.js';
import { ItemParams, PageQuery, pageOf } from './schemas/hosts.js';

const closed = { additionalProperties: false } as const;
const NullableString = Type.Union([Type.String(), Type.Null()]);
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });
const Comment = Type.String({ minLength: 1, maxLength: 1000 });

const ActionBody = Type.Object(
  {
    type: oneOf(ResponseActions),
    comment: Comment,
    isolationType: Type.Optional(oneOf(['Full', 'Selective'] as const)),
    scanType: Type.Optional(oneOf(['Quick', 'Full'] as const)),
  },
  closed,
);
const LockBody = Type.Object(
  {
    duration: Type.String({ minLength: 1, maxLength: 16 }),
    comment: Comment,
    isolationType: Type.Optional(oneOf(['Full', 'Selective'] as const)),
  },
  closed,
);
const UnlockBody = Type.Object({ comment: Type.Optional(Comment) }, closed);

export const ResponseRequestSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    machineId: Type.String(),
    hostName: NullableString,
    type: oneOf(ResponseActions),
    state: oneOf(['sending', 'pending', 'succeeded', 'failed', 'cancelled'] as const),
    defenderActionId: NullableString,
    defenderStatus: NullableString,
    comment: Type.String(),
    isolationType: NullableString,
    scanType: NullableString,
    requestedBy: Type.String(),
    requestedAt: Type.String(),
    sentAt: NullableString,
    completedAt: NullableString,
    error: NullableString,
    deduplicated: Type.Optional(Type.Boolean()),
  },
  closed,
);
export const LockdownSchema = Type.Object(
  {
    id: Type.String(),
    tenantId: Type.String(),
    machineId: Type.String(),
    state: oneOf(['locking', 'active', 'releasing', 'released', 'failed'] as const),
    comment: Type.String(),
    lockedBy: Type.String(),
    lockedAt: Type.String(),
    endsAt: Type.String(),
    releasedAt: NullableString,
    releasedBy: NullableString,
    releasedLate: Type.Boolean(),
    secondsLeft: Type.Union([Type.Integer(), Type.Null()]),
    isolateRequestId: NullableString,
    releaseRequestId: NullableString,
  },
  closed,
);

/** Who may ask for each action (CONTRACT.md "Response actions and lockdown"). */
export const actionPermission: Record<ResponseAction, Permission> = {
  isolate: 'lockdown.edit',
  release: 'lockdown.edit',
  restrict: 'lockdown.edit',
  unrestrict: 'lockdown.edit',
  scan: 'actions.scan',
  collect: 'actions.scan',
};

/**
 * The device `:id` names — a Defender machine ID or the endpoint ID of a managed endpoint — within the
 * caller's device groups; anything else is the same 404.
 */
async function scopedHost(
  db: Kysely<Database>,
  id: string,
  groups: DeviceGroups,
): Promise<{ tenant: string; id: string }> {
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

/** The response module's errors as API errors (approvals.ts answers an approved action's failure the same way). */
export function toApiError(err: unknown): unknown {
  if (err instanceof ApprovalNotFoundError) return new ApiError(404, 'not_found', err.message);
  if (err instanceof SelfApprovalError) return new ApiError(403, 'self_approval', err.message);
  if (err instanceof ApprovalNotPendingError)
    return new ApiError(409, 'not_pending', err.message, { state: err.state });
  if (err instanceof UnknownDeviceError) return new ApiError(404, 'not_found', err.message);
  if (err instanceof ResponseNotSupportedError) return new ApiError(422, 'not_supported', err.message);
  if (err instanceof ActionConflictError)
    return new ApiError(409, 'action_conflict', err.message, { blockingRequestId: err.blockingRequestId });
  if (err instanceof DefenderRequestError)
    return new ApiError(502, 'defender_error', err.message, {
      defenderCode: err.defenderCode,
      requestId: err.requestId,
    });
  if (err instanceof LockdownInputError) return badRequest(err.message, `body.${err.field}`);
  if (err instanceof LockdownStateError)
    return err.reason === 'never_locked'
      ? notFound('lockdown of this host (it has never been locked)')
      : conflict(err.message, { reason: err.reason });
  return err;
}

export async function mapped<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toApiError(err);
  }
}

const responseDepsCache = new WeakMap<AppDeps, ResponseDeps>();

/** One ResponseDeps per app (its tenant clients cached once, on the scheduler's governors when given). */
export function responseDepsOf(deps: AppDeps): ResponseDeps {
  let response = responseDepsCache.get(deps);
  if (!response) {
    response = {
      store: deps.store,
      clientFor: tenantResponseClients({
        store: deps.store,
        env: deps.env,
        fetch: deps.fetch,
        governorFor: deps.governorFor,
      }),
      sync: deps.sync,
      now: deps.now,
    };
    responseDepsCache.set(deps, response);
  }
  return response;
}

/** Response actions and manual lockdown (issue 7, C8/C9). */
export function responseRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const response = responseDepsOf(deps);
  const tags = ['response'];
  const requester = (request: FastifyRequest) => auditActor(request.principal, request.ip);

  /** The caller must hold `permission` (beyond the route's `hosts.view`); refusals are audited. */
  async function require(request: FastifyRequest, permission: Permission, what: string, target: string) {
    if (request.principal?.permissions.has(permission)) return;
    await appendAudit(
      db,
      {
        ...requester(request),
        action: 'response.refused',
        target,
        outcome: 'denied',
        detail: { what, permission },
      },
      now(),
    );
    throw forbidden(`${what} needs the permission '${permission}'`, { permission });
  }

  api.post(
    '/hosts/:id/actions',
    {
      schema: {
        tags,
        params: ItemParams,
        body: ActionBody,
        response: {
          200: ResponseRequestSchema,
          202: Type.Union([ResponseRequestSchema, ApprovalRequiredSchema]),
        },
      },
      config: { access: 'hosts.view' },
    },
    async (request, reply) => {
      const host = await scopedHost(db, request.params.id, deviceGroupsOf(request));
      const body = request.body;
      await require(request, actionPermission[body.type], body.type, `${host.tenant}/${host.id}`);
      if (body.comment.trim() === '') throw badRequest('body.comment must not be blank', 'body.comment');
      const wait = { tenant: host.tenant, deviceId: host.id, kind: 'action' as const, actionType: body.type };
      const reason = await approvalNeeded(response, wait);
      if (reason) {
        // What could never be carried out is refused now, not after someone approved it.
        await mapped(() =>
          preflightAction(response, {
            ...wait,
            type: body.type,
            isolationType: body.isolationType,
            comment: body.comment.trim(),
            requestedBy: requester(request),
          }),
        );
        const approval = await createApproval(response, {
          ...wait,
          payload: {
            comment: body.comment.trim(),
            ...(body.type === 'isolate' ? { isolationType: body.isolationType ?? 'Full' } : {}),
          },
          reason,
          requestedBy: requester(request),
        });
        return reply.status(202).send({ approvalRequired: true as const, approval });
      }
      const result = await mapped(() =>
        requestResponseAction(response, {
          tenant: host.tenant,
          deviceId: host.id,
          type: body.type,
          comment: body.comment.trim(),
          isolationType: body.isolationType,
          scanType: body.scanType,
          requestedBy: requester(request),
        }),
      );
      return reply
        .status(result.deduplicated ? 200 : 202)
        .send(result.deduplicated ? { ...result.request, deduplicated: true } : result.request);
    },
  );

  api.get(
    '/hosts/:id/response-requests',
    {
      schema: {
        tags,
        params: ItemParams,
        querystring: PageQuery,
        response: { 200: pageOf(ResponseRequestSchema) },
      },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const host = await scopedHost(db, request.params.id, deviceGroupsOf(request));
      return listResponseRequests(db, host.tenant, host.id, request.query);
    },
  );

  api.get(
    '/response-requests/:id',
    {
      schema: { tags, params: ItemParams, response: { 200: ResponseRequestSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const found = await getResponseRequest(db, request.params.id);
      // Outside the caller's device groups is the same 404 as an unknown request.
      if (!found || !(await findScopedDevice(db, found.machineId, deviceGroupsOf(request))))
        throw notFound(`response request '${request.params.id}'`);
      return found;
    },
  );

  api.get(
    '/hosts/:id/lockdown',
    {
      schema: { tags, params: ItemParams, response: { 200: LockdownSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const host = await scopedHost(db, request.params.id, deviceGroupsOf(request));
      const lockdown = await getLockdown(db, host.tenant, host.id, now());
      if (!lockdown) throw notFound('lockdown of this host (it has never been locked)');
      return lockdown;
    },
  );

  api.post(
    '/hosts/:id/lockdown',
    {
      schema: {
        tags,
        params: ItemParams,
        body: LockBody,
        response: { 201: LockdownSchema, 202: ApprovalRequiredSchema },
      },
      config: { access: 'lockdown.edit' },
    },
    async (request, reply) => {
      const host = await scopedHost(db, request.params.id, deviceGroupsOf(request));
      const wait = {
        tenant: host.tenant,
        deviceId: host.id,
        kind: 'lockdown' as const,
        actionType: 'isolate' as const,
      };
      const reason = await approvalNeeded(response, wait);
      if (reason) {
        const comment = request.body.comment.trim();
        await mapped(async () => parseLockdownDuration(request.body.duration));
        if (comment === '') throw badRequest('a comment is required', 'body.comment');
        const current = await getLockdown(db, host.tenant, host.id, now());
        if (current && (current.state === 'locking' || current.state === 'active'))
          throw conflict(
            `host is already locked until ${current.endsAt} (by ${current.lockedBy}); unlock it first`,
            {
              reason: 'already_locked',
            },
          );
        await mapped(() =>
          preflightAction(response, {
            ...wait,
            type: 'isolate',
            isolationType: request.body.isolationType,
            comment,
            requestedBy: requester(request),
          }),
        );
        const approval = await createApproval(response, {
          ...wait,
          payload: {
            comment,
            duration: request.body.duration.trim(),
            isolationType: request.body.isolationType ?? 'Full',
          },
          reason,
          requestedBy: requester(request),
        });
        return reply.status(202).send({ approvalRequired: true as const, approval });
      }
      const lockdown = await mapped(() =>
        lockHost(response, {
          tenant: host.tenant,
          deviceId: host.id,
          duration: request.body.duration,
          comment: request.body.comment,
          isolationType: request.body.isolationType,
          lockedBy: requester(request),
        }),
      );
      return reply.status(201).send(lockdown);
    },
  );

  api.delete(
    '/hosts/:id/lockdown',
    {
      schema: {
        tags,
        params: ItemParams,
        body: Type.Optional(UnlockBody),
        response: { 200: LockdownSchema },
      },
      config: { access: 'lockdown.edit' },
      // The body is optional: a DELETE without one is validated as an empty object, not refused.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request) => {
      const host = await scopedHost(db, request.params.id, deviceGroupsOf(request));
      return mapped(() =>
        unlockHost(response, {
          tenant: host.tenant,
          deviceId: host.id,
          comment: request.body?.comment,
          unlockedBy: requester(request),
        }),
      );
    },
  );
}
