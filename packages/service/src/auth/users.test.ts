import { describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { AccessConflictError, AccessInputError } from './access-errors.js';
import { verifyPassword } from './passwords.js';
import { ensureBuiltinRoles } from './roles.js';
import { createSession } from './sessions.js';
import { bootstrapAdmin, createUser, findUser, listUsers, passwordHashOf, updateUser } from './users.js';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const PASSWORD = 'a-long-password';

for (const engine of engines) {
  describe(`users on ${engine.name}`, () => {
    it('bootstraps one Super Admin with a generated password, once', async () => {
      const store = await engine.open();
      try {
        const first = await bootstrapAdmin(store.db, { now: NOW });
        expect(first).toMatchObject({ created: true, username: 'admin' });
        expect(first.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
        const stored = await passwordHashOf(store.db, 'admin');
        expect(await verifyPassword(first.password!, stored!.passwordHash)).toBe(true);
        expect(await bootstrapAdmin(store.db, { password: 'another-password' })).toEqual({
          created: false,
          username: 'admin',
        });
        const users = await listUsers(store.db);
        expect(users).toHaveLength(1);
        expect(users[0]).toMatchObject({ username: 'admin', roleId: 'super-admin', roleName: 'Super Admin' });
        expect(JSON.stringify(users)).not.toContain('scrypt');
      } finally {
        await store.dispose();
      }
    });

    it('uses the given bootstrap password and returns none', async () => {
      const store = await engine.open();
      try {
        expect(await bootstrapAdmin(store.db, { password: 'given-password' })).toEqual({
          created: true,
          username: 'admin',
        });
        const stored = await passwordHashOf(store.db, 'admin');
        expect(await verifyPassword('given-password', stored!.passwordHash)).toBe(true);
      } finally {
        await store.dispose();
      }
    });

    it('validates user names, passwords, roles and uniqueness, writing nothing on refusal', async () => {
      const store = await engine.open();
      try {
        await ensureBuiltinRoles(store.db, NOW);
        await createUser(store.db, { username: 'alice', password: PASSWORD, roleId: 'analyst' }, NOW);
        const bad = [
          { username: 'al ice', password: PASSWORD, roleId: 'analyst' },
          { username: 'x'.repeat(65), password: PASSWORD, roleId: 'analyst' },
          { username: 'bob', password: 'short', roleId: 'analyst' },
          { username: 'bob', password: PASSWORD, roleId: 'nope' },
        ];
        for (const input of bad) await expect(createUser(store.db, input)).rejects.toThrow(AccessInputError);
        await expect(
          createUser(store.db, { username: 'ALICE', password: PASSWORD, roleId: 'analyst' }),
        ).rejects.toThrow(AccessConflictError);
        expect((await listUsers(store.db)).map((u) => u.username)).toEqual(['alice']);
      } finally {
        await store.dispose();
      }
    });

    it('disabling ends the sessions; the last user manager cannot be disabled or demoted', async () => {
      const store = await engine.open();
      try {
        await ensureBuiltinRoles(store.db, NOW);
        const boss = await createUser(
          store.db,
          { username: 'boss', password: PASSWORD, roleId: 'admin' },
          NOW,
        );
        const eve = await createUser(
          store.db,
          { username: 'eve', password: PASSWORD, roleId: 'analyst' },
          NOW,
        );
        await createSession(store.db, eve.id, NOW);
        const disabled = await updateUser(store.db, eve.id, { disabled: true, displayName: 'Eve' }, NOW);
        expect(disabled).toMatchObject({ disabled: true, displayName: 'Eve' });
        expect(await store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
        await expect(updateUser(store.db, boss.id, { disabled: true })).rejects.toThrow(
          /no enabled user who can manage/,
        );
        await expect(updateUser(store.db, boss.id, { roleId: 'analyst' })).rejects.toThrow(
          AccessConflictError,
        );
        expect(await findUser(store.db, 'BOSS')).toMatchObject({ disabled: false, roleId: 'admin' });
      } finally {
        await store.dispose();
      }
    });
  });
}
