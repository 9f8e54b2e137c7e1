import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { createApiToken, listApiTokens, revokeApiToken } from '../../auth/api-tokens.js';
import type { Api, AppDeps } from '../types.js';
import { checkedInput } from './access-errors.js';
import { ApiTokenSchema, IdParams, listOf, NewTokenBody, NewTokenReply } from './schemas/access.js';

/** API tokens for integrations (CONTRACT.md "tokens"): the secret is in the 201 body and nowhere else. */
export function tokensRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();

  api.get(
    '/tokens',
    {
      schema: { tags: ['tokens'], response: { 200: listOf(ApiTokenSchema) } },
      config: { access: 'users.manage' },
    },
    async () => ({ items: await listApiTokens(db) }),
  );

  api.post(
    '/tokens',
    {
      schema: { tags: ['tokens'], body: NewTokenBody, response: { 201: NewTokenReply } },
      config: { access: 'users.manage' },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const createdBy = principal.kind === 'user' ? principal.name : `token:${principal.name}`;
      const created = await checkedInput(() => createApiToken(db, { ...request.body, createdBy }, now()));
      const { apiToken } = created;
      await appendAudit(
        db,
        {
          ...auditActor(principal, request.ip),
          action: 'token.created',
          target: apiToken.name,
          detail: {
            id: apiToken.id,
            prefix: apiToken.prefix,
            roleId: apiToken.roleId,
            expiresAt: apiToken.expiresAt,
          },
        },
        now(),
      );
      return reply.status(201).send(created);
    },
  );

  api.delete(
    '/tokens/:id',
    { schema: { tags: ['tokens'], params: IdParams }, config: { access: 'users.manage' } },
    async (request, reply) => {
      const apiToken = await revokeApiToken(db, request.params.id, now());
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'token.revoked',
          target: apiToken.name,
          detail: { id: apiToken.id, prefix: apiToken.prefix },
        },
        now(),
      );
      return reply.status(204).send();
    },
  );
}
