import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { Permissions, permissionDescriptions } from '../../auth/permissions.js';
import { createRole, deleteRole, getRole, listRoles, updateRole } from '../../auth/roles.js';
import type { Api, AppDeps } from '../types.js';
import { checkedInput } from './access-errors.js';
import { IdParams, NewRoleBody, RolePatchBody, RoleSchema, RolesReply } from './schemas/access.js';

/** Roles: what each grants and which device groups it is limited to (CONTRACT.md "roles"). */
export function rolesRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();

  api.get(
    '/roles',
    { schema: { tags: ['roles'], response: { 200: RolesReply } }, config: { access: 'authenticated' } },
    async () => ({
      items: await listRoles(db),
      permissions: Permissions.map((name) => ({ name, description: permissionDescriptions[name] })),
    }),
  );

  api.post(
    '/roles',
    {
      schema: { tags: ['roles'], body: NewRoleBody, response: { 201: RoleSchema } },
      config: { access: 'users.manage' },
    },
    async (request, reply) => {
      const role = await checkedInput(() => createRole(db, request.body, now()));
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'role.created',
          target: role.name,
          detail: { ...role },
        },
        now(),
      );
      return reply.status(201).send(role);
    },
  );

  api.patch(
    '/roles/:id',
    {
      schema: { tags: ['roles'], params: IdParams, body: RolePatchBody, response: { 200: RoleSchema } },
      config: { access: 'users.manage' },
    },
    async (request) => {
      const before = await getRole(db, request.params.id);
      const role = await checkedInput(() => updateRole(db, before.id, request.body, now()));
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'role.updated',
          target: role.name,
          detail: { id: role.id, before: { ...before }, after: { ...role } },
        },
        now(),
      );
      return role;
    },
  );

  api.delete(
    '/roles/:id',
    { schema: { tags: ['roles'], params: IdParams }, config: { access: 'users.manage' } },
    async (request, reply) => {
      const role = await deleteRole(db, request.params.id);
      await appendAudit(
        db,
        {
          ...auditActor(request.principal, request.ip),
          action: 'role.deleted',
          target: role.name,
          detail: { ...role },
        },
        now(),
      );
      return reply.status(204).send();
    },
  );
}
