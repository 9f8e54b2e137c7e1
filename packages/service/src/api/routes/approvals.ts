/**
 * Approvals and approval rules (issue 7): a disruptive action on a device of a ruled device group, or asked
 * by a policy with `requireApproval`, waits here for a second person (CONTRACT.md "Detections, automatic
 * lockdown policies, approvals").
 */
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import {
  type Approval,
  approve,
  createApprovalRule,
  deleteApprovalRule,
  getApproval,
  listApprovalRules,
  listApprovals,
  reject,
} from '../../response/approvals.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import { actionPermission, mapped, responseDepsOf } from './response.js';
import { ApprovalRuleSchema, ApprovalSchema, ApprovalStates } from './schemas/approvals.js';
import { ItemParams, PageQuery, pageOf } from './schemas/hosts.js';

const closed = { additionalProperties: false } as const;
const oneOf = <T extends string>(values: readonly T[]) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values] });

const ListQuery = Type.Object(
  { ...PageQuery.properties, state: Type.Optional(oneOf(ApprovalStates)) },
  closed,
);
const ApproveBody = Type.Object(
  { comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })) },
  closed,
);
const RejectBody = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 1000 }) }, closed);
const RuleBody = Type.Object(
  {
    tenantId: Type.String({ minLength: 1, maxLength: 100 }),
    deviceGroup: Type.String({ minLength: 1, maxLength: 256 }),
  },
  closed,
);

export function approvalsRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const response = responseDepsOf(deps);
  const tags = ['approvals'];
  const requester = (request: FastifyRequest) => auditActor(request.principal, request.ip);

  /** The approval in the caller's groups, and the caller holds the permission its action needs. */
  async function decidable(request: FastifyRequest, id: string): Promise<Approval> {
    const approval = await getApproval(db, id, deviceGroupsOf(request));
    if (!approval) throw notFound(`approval '${id}'`);
    const permission = approval.kind === 'lockdown' ? 'lockdown.edit' : actionPermission[approval.actionType];
    if (!request.principal?.permissions.has(permission)) {
      await appendAudit(
        db,
        {
          ...requester(request),
          action: 'approval.refused',
          target: `${approval.tenantId}/${approval.machineId}`,
          outcome: 'denied',
          detail: { approvalId: id, permission },
        },
        now(),
      );
      throw forbidden(`deciding this approval needs the permission '${permission}'`, { permission });
    }
    return approval;
  }

  api.get(
    '/approvals',
    {
      schema: { tags, querystring: ListQuery, response: { 200: pageOf(ApprovalSchema) } },
      config: { access: 'hosts.view' },
    },
    async (request) => listApprovals(db, { ...request.query, groups: deviceGroupsOf(request) }),
  );

  api.get(
    '/approvals/:id',
    {
      schema: { tags, params: ItemParams, response: { 200: ApprovalSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      const approval = await getApproval(db, request.params.id, deviceGroupsOf(request));
      if (!approval) throw notFound(`approval '${request.params.id}'`);
      return approval;
    },
  );

  // The permission checked is the action's (lockdown.edit; collect: actions.scan), once the approval is known.
  api.post(
    '/approvals/:id/approve',
    {
      schema: { tags, params: ItemParams, body: ApproveBody, response: { 200: ApprovalSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      await decidable(request, request.params.id);
      return mapped(() =>
        approve(response, request.params.id, {
          by: requester(request),
          groups: deviceGroupsOf(request),
          comment: request.body.comment?.trim() || undefined,
        }),
      );
    },
  );

  api.post(
    '/approvals/:id/reject',
    {
      schema: { tags, params: ItemParams, body: RejectBody, response: { 200: ApprovalSchema } },
      config: { access: 'hosts.view' },
    },
    async (request) => {
      await decidable(request, request.params.id);
      return mapped(() =>
        reject(response, request.params.id, {
          by: requester(request),
          groups: deviceGroupsOf(request),
          comment: request.body.comment.trim(),
        }),
      );
    },
  );

  api.get(
    '/approval-rules',
    {
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(ApprovalRuleSchema) }, closed) } },
      config: { access: 'config.view' },
    },
    async () => ({ items: await listApprovalRules(db) }),
  );

  api.post(
    '/approval-rules',
    {
      schema: { tags, body: RuleBody, response: { 201: ApprovalRuleSchema } },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      const tenant = (await tenantFilter(db, request.body.tenantId, 'body.tenantId')) as string;
      const deviceGroup = request.body.deviceGroup.trim();
      const rule = await createApprovalRule(db, { tenant, deviceGroup, by: requester(request) }, now());
      if (!rule) throw conflict(`the tenant already has an approval rule for device group '${deviceGroup}'`);
      return reply.status(201).send(rule);
    },
  );

  api.delete(
    '/approval-rules/:id',
    {
      schema: { tags, params: ItemParams },
      config: { access: 'config.edit' },
    },
    async (request, reply) => {
      if (!(await deleteApprovalRule(db, request.params.id, requester(request), now())))
        throw notFound(`approval rule '${request.params.id}'`);
      return reply.status(204).send();
    },
  );
}
