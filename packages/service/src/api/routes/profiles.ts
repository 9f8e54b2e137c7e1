import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { ProfileRuleInputError } from '../../profiles/hostname-pattern.js';
import { reprofileAll } from '../../profiles/profile-endpoints.js';
import { getProfile, listProfileMembers, listProfiles } from '../../profiles/profile-queries.js';
import {
  createProfileRule,
  deleteProfileRule,
  listProfileRules,
  ProfileRuleNotFoundError,
  updateProfileRule,
} from '../../profiles/profile-rules.js';
import { registerDomainError } from '../error-handler.js';
import { badRequest, notFound } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { deviceGroupsOf, tenantFilter } from './request-scope.js';
import { PageQuery, pageOf } from './schemas/hosts.js';
import {
  ApplyResultSchema,
  IdParams,
  ProfileListQuery,
  ProfileMemberSchema,
  ProfileRuleBody,
  ProfileRulePatchBody,
  ProfileRuleSchema,
  ProfileSchema,
} from './schemas/profiles.js';

registerDomainError(ProfileRuleNotFoundError, 404, 'not_found');

/**
 * OS profiles (C7): the profiles with their member counts, one profile's members (scoped to the caller's
 * device groups), the standard rules (changes audited) and re-profiling on demand.
 */
export function profilesRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const tags = ['profiles'];
  const view = { access: 'hosts.view' } as const;
  const edit = { access: 'config.edit' } as const;
  const audit = (request: FastifyRequest, action: string, target: string, detail: Record<string, unknown>) =>
    appendAudit(db, { ...auditActor(request.principal, request.ip), action, target, detail }, now());

  api.get(
    '/profiles',
    {
      schema: {
        tags,
        querystring: ProfileListQuery,
        response: { 200: Type.Object({ items: Type.Array(ProfileSchema) }) },
      },
      config: view,
    },
    async (request) => ({
      items: await listProfiles(db, deviceGroupsOf(request), {
        kind: request.query.kind,
        tenant: await tenantFilter(db, request.query.tenant),
      }),
    }),
  );

  api.get(
    '/profiles/:id',
    { schema: { tags, params: IdParams, response: { 200: ProfileSchema } }, config: view },
    async (request) => {
      const profile = await getProfile(db, request.params.id, deviceGroupsOf(request));
      if (!profile) throw notFound(`profile '${request.params.id}'`);
      return profile;
    },
  );

  api.get(
    '/profiles/:id/members',
    {
      schema: {
        tags,
        params: IdParams,
        querystring: PageQuery,
        response: { 200: pageOf(ProfileMemberSchema) },
      },
      config: view,
    },
    async (request) => {
      const exists = await db
        .selectFrom('profiles')
        .select('id')
        .where('id', '=', request.params.id)
        .executeTakeFirst();
      if (!exists) throw notFound(`profile '${request.params.id}'`);
      return listProfileMembers(db, request.params.id, request.query, deviceGroupsOf(request));
    },
  );

  api.get(
    '/profile-rules',
    {
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(ProfileRuleSchema) }) } },
      config: view,
    },
    async () => ({ items: await listProfileRules(db) }),
  );

  api.post(
    '/profile-rules',
    { schema: { tags, body: ProfileRuleBody, response: { 201: ProfileRuleSchema } }, config: edit },
    async (request, reply) => {
      const rule = await checked(() => createProfileRule(db, request.body, now()));
      await audit(request, 'profile_rule.created', rule.name, { ...rule });
      return reply.status(201).send(rule);
    },
  );

  api.patch(
    '/profile-rules/:id',
    {
      schema: { tags, params: IdParams, body: ProfileRulePatchBody, response: { 200: ProfileRuleSchema } },
      config: edit,
    },
    async (request) => {
      const { rule, changed } = await checked(() =>
        updateProfileRule(db, request.params.id, request.body, now()),
      );
      await audit(request, 'profile_rule.updated', rule.name, { id: rule.id, changed, rule });
      return rule;
    },
  );

  api.delete(
    '/profile-rules/:id',
    { schema: { tags, params: IdParams }, config: edit },
    async (request, reply) => {
      const rule = await deleteProfileRule(db, request.params.id);
      await audit(request, 'profile_rule.deleted', rule.name, { ...rule });
      return reply.status(204).send();
    },
  );

  api.post(
    '/profile-rules/apply',
    { schema: { tags, response: { 200: ApplyResultSchema } }, config: edit },
    async (request) => {
      const result = await reprofileAll(db, now());
      await audit(request, 'profiles.applied', 'profiles', { ...result });
      return result;
    },
  );
}

/** Runs `fn`; a rule that cannot be used becomes a 400 naming the body field. */
async function checked<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ProfileRuleInputError) throw badRequest(err.message, `body.${err.field}`);
    throw err;
  }
}
