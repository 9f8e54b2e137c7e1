import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { createUser, getUser, listUsers, updateUser } from '../../auth/users.js';
import type { Api, AppDeps } from '../types.js';
import { checkedInput } from './access-errors.js';
import { IdParams, listOf, NewUserBody, UserPatchBody, UserSchema } from './schemas/access.js';

/** Users of the bridge's own sign-in (CONTRACT.md "users"). */
export function usersRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();

  api.get(
    '/users',
    {
      schema: { tags: ['users'], response: { 200: listOf(UserSchema) } },
      config: { access: 'users.manage' },
    },
    async () => ({ items: await listUsers(db) }),
  );

  api.post(
    '/users',
    {
      schema: { tags: ['users'], body: NewUserBody, response: { 201: UserSchema } },
      config: { access: 'users.manage' },
    },
    async (request, reply) => {
      const user = await checkedInput(() => createUser(db, request.body, now()));
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'user.created',
          target: user.username,
          detail: { id: user.id, roleId: user.roleId, displayName: user.displayName },
        },
        now(),
      );
      return reply.status(201).send(user);
    },
  );

  api.patch(
    '/users/:id',
    {
      schema: { tags: ['users'], params: IdParams, body: UserPatchBody, response: { 200: UserSchema } },
      config: { access: 'users.manage' },
    },
    async (request) => {
      const before = await getUser(db, request.params.id);
      const patch = request.body;
      const user = await checkedInput(() => updateUser(db, before.id, patch, now()));
      const actor = auditActor(request.principal, request.ip);
      const record = (action: string, detail: Record<string, unknown> = {}) =>
        appendAudit(
          db,
          { ...actor, action, target: user.username, detail: { id: user.id, ...detail } },
          now(),
        );
      const changed: Record<string, unknown> = {};
      if (user.roleId !== before.roleId) changed.roleId = { from: before.roleId, to: user.roleId };
      if (user.displayName !== before.displayName) changed.displayName = user.displayName;
      if (Object.keys(changed).length > 0) await record('user.updated', changed);
      if (user.disabled !== before.disabled) await record(user.disabled ? 'user.disabled' : 'user.enabled');
      if (patch.password !== undefined) await record('password.changed');
      return user;
    },
  );
}
