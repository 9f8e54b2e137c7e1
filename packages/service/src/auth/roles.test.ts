import { describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { AccessConflictError, AccessInputError } from './access-errors.js';
import { Permissions } from './permissions.js';
import { createRole, deleteRole, ensureBuiltinRoles, findRole, listRoles, updateRole } from './roles.js';
import { createUser } from './users.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');

for (const engine of engines) {
  describe(`roles on ${engine.name}`, () => {
    it('seeds the built-in roles idempotently and resets their permissions to the code', async () => {
      const store = await engine.open();
      try {
        await ensureBuiltinRoles(store.db, NOW);
        await store.db
          .updateTable('roles')
          .set({ permissions: '["hosts.view"]' })
          .where('id', '=', 'admin')
          .execute();
        await ensureBuiltinRoles(store.db, NOW);
        const roles = await listRoles(store.db);
        expect(roles.map((r) => r.id)).toEqual(['super-admin', 'admin', 'analyst', 'read-only']);
        expect(roles[1]).toEqual({
          id: 'admin',
          name: 'Admin',
          description: 'Every permission',
          builtin: true,
          permissions: [...Permissions],
          deviceGroups: null,
        });
        expect(roles[3].permissions).toEqual(['config.view', 'hosts.view']);
      } finally {
        await store.dispose();
      }
    });

    it('creates, updates and deletes a custom role, validating permissions, groups and unique names', async () => {
      const store = await engine.open();
      try {
        await ensureBuiltinRoles(store.db, NOW);
        const role = await createRole(
          store.db,
          {
            name: 'EU desk',
            permissions: ['hosts.view', 'lockdown.edit'],
            deviceGroups: ['Paris', ' Berlin '],
          },
          NOW,
        );
        expect(role).toMatchObject({ name: 'EU desk', builtin: false, deviceGroups: ['Berlin', 'Paris'] });
        await expect(createRole(store.db, { name: 'eu DESK', permissions: [] })).rejects.toThrow(
          AccessConflictError,
        );
        await expect(createRole(store.db, { name: 'x', permissions: ['root'] })).rejects.toThrow(
          /unknown permission 'root'/,
        );
        await expect(
          createRole(store.db, { name: 'y', permissions: [], deviceGroups: [''] }),
        ).rejects.toThrow(AccessInputError);
        const updated = await updateRole(store.db, role.id, {
          deviceGroups: null,
          permissions: ['hosts.view'],
        });
        expect(updated).toMatchObject({ deviceGroups: null, permissions: ['hosts.view'] });
        expect((await findRole(store.db, 'eu desk'))?.id).toBe(role.id);
        await deleteRole(store.db, role.id);
        expect(await findRole(store.db, role.id)).toBeNull();
        expect(await listRoles(store.db)).toHaveLength(4);
      } finally {
        await store.dispose();
      }
    });

    it('refuses to change or delete built-in roles and to delete a role in use', async () => {
      const store = await engine.open();
      try {
        await ensureBuiltinRoles(store.db, NOW);
        await expect(updateRole(store.db, 'analyst', { name: 'Hacked' })).rejects.toThrow(
          AccessConflictError,
        );
        await expect(deleteRole(store.db, 'read-only')).rejects.toThrow(/built-in/);
        const role = await createRole(store.db, { name: 'Custom', permissions: ['hosts.view'] }, NOW);
        await createUser(store.db, { username: 'eve', password: 'a-long-password', roleId: role.id }, NOW);
        await expect(deleteRole(store.db, role.id)).rejects.toThrow(/still used by 1 user/);
        expect((await findRole(store.db, 'analyst'))?.name).toBe('Analyst');
        expect((await findRole(store.db, role.id))?.name).toBe('Custom');
      } finally {
        await store.dispose();
      }
    });
  });
}
