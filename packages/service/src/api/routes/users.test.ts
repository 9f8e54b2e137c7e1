import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../api.test-support.js';

let api: TestApi;
afterEach(async () => api?.close());

describe('users and roles routes', () => {
  it('lists users to users.manage only; read-only gets 403 naming the permission', async () => {
    api = await createTestApi();
    const denied = await api.app.inject({ method: 'GET', url: '/api/v1/users', ...api.as('reader') });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().error).toMatchObject({ code: 'forbidden', permission: 'users.manage' });
    const list = await api.app.inject({ method: 'GET', url: '/api/v1/users', ...api.as('admin') });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((u: { username: string }) => u.username)).toEqual([
      'admin',
      'analyst',
      'reader',
      'super',
    ]);
    expect(Object.keys(list.json().items[0]).sort()).toEqual(
      ['createdAt', 'disabled', 'displayName', 'id', 'lastLoginAt', 'roleId', 'roleName', 'username'].sort(),
    );
    expect(list.body).not.toMatch(/scrypt|password_hash|passwordHash/);
  });

  it('creates a user (201, audited without the password) who can then sign in; bad input is 400 and writes nothing', async () => {
    api = await createTestApi();
    const create = (payload: Record<string, unknown>) =>
      api.app.inject({ method: 'POST', url: '/api/v1/users', ...api.as('super'), payload });
    for (const [payload, field] of [
      [{ username: 'dana', password: 'short', roleId: 'analyst' }, 'body.password'],
      [{ username: 'da na', password: 'long-enough-pass', roleId: 'analyst' }, 'body.username'],
      [{ username: 'dana', password: 'long-enough-pass', roleId: 'nope' }, 'body.roleId'],
      [{ username: 'dana', password: 'long-enough-pass', roleId: 'analyst', admin: true }, 'body.admin'],
    ] as const) {
      const response = await create(payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', field });
    }
    expect(
      (await create({ username: 'analyst', password: 'long-enough-pass', roleId: 'analyst' })).statusCode,
    ).toBe(409);
    expect(
      await api.store.db.selectFrom('users').select('username').where('username', '=', 'dana').execute(),
    ).toEqual([]);

    const created = await create({
      username: 'dana',
      password: 'long-enough-pass',
      roleId: 'analyst',
      displayName: 'Dana',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({
      username: 'dana',
      displayName: 'Dana',
      roleName: 'Analyst',
      disabled: false,
    });
    expect(created.body).not.toContain('long-enough-pass');
    await api.login('dana', 'long-enough-pass');
    const audit = await api.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'user.created')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_kind: 'token', actor: 'test-super-admin', target: 'dana' });
    expect(audit[0].detail).not.toContain('long-enough-pass');
  });

  it('patches role, display name and password, auditing each change; the old password stops working', async () => {
    api = await createTestApi();
    const response = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.reader}`,
      ...api.as('admin'),
      payload: { roleId: 'analyst', displayName: 'Rita', password: 'rita-new-password' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ roleId: 'analyst', displayName: 'Rita' });
    await expect(api.login('reader', TEST_PASSWORD)).rejects.toThrow(/401/);
    await api.login('reader', 'rita-new-password');
    const actions = await api.store.db
      .selectFrom('audit_log')
      .select(['action', 'detail'])
      .where('target', '=', 'reader')
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'user.updated',
      'password.changed',
      'login.failed',
      'login.succeeded',
    ]);
    expect(actions.map((a) => a.detail).join()).not.toContain('rita-new-password');
    const missing = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/users/nobody',
      ...api.as('admin'),
      payload: { displayName: 'x' },
    });
    expect(missing.statusCode).toBe(404);
  });

  it('lists roles with the permission catalogue to any caller, and manages custom roles', async () => {
    api = await createTestApi();
    const roles = await api.app.inject({ method: 'GET', url: '/api/v1/roles', ...api.as('reader') });
    expect(roles.statusCode).toBe(200);
    expect(roles.json().items.map((r: { id: string }) => r.id)).toEqual([
      'super-admin',
      'admin',
      'analyst',
      'read-only',
    ]);
    expect(roles.json().permissions).toContainEqual({
      name: 'audit.view',
      description: 'Read and export the audit log',
    });

    const headers = api.as('super').headers;
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers,
      payload: { name: 'Paris desk', permissions: ['hosts.view'], deviceGroups: ['Paris'] },
    });
    expect(created.statusCode).toBe(201);
    const id = created.json().id;
    const bad = await api.app.inject({
      method: 'POST',
      url: '/api/v1/roles',
      headers,
      payload: { name: 'X', permissions: ['root'] },
    });
    expect(bad.statusCode).toBe(400);
    const builtin = await api.app.inject({
      method: 'PATCH',
      url: '/api/v1/roles/analyst',
      headers,
      payload: { permissions: ['users.manage'] },
    });
    expect(builtin.statusCode).toBe(409);
    expect(builtin.json().error.code).toBe('conflict');
    const patched = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/roles/${id}`,
      headers,
      payload: { deviceGroups: null },
    });
    expect(patched.json()).toMatchObject({ name: 'Paris desk', deviceGroups: null, builtin: false });
    await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.reader}`,
      headers,
      payload: { roleId: id },
    });
    expect((await api.app.inject({ method: 'DELETE', url: `/api/v1/roles/${id}`, headers })).statusCode).toBe(
      409,
    );
    await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.reader}`,
      headers,
      payload: { roleId: 'read-only' },
    });
    expect((await api.app.inject({ method: 'DELETE', url: `/api/v1/roles/${id}`, headers })).statusCode).toBe(
      204,
    );
    expect((await api.app.inject({ method: 'DELETE', url: '/api/v1/roles/admin', headers })).statusCode).toBe(
      409,
    );
    const audit = await api.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'like', 'role.%')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['role.created', 'role.updated', 'role.deleted']);
  });
});

describe('secrets in responses', () => {
  it('no auth, users, roles, tokens or audit response carries a password, a token or a stored hash', async () => {
    api = await createTestApi();
    const { cookie, csrfToken } = await api.login('super');
    const session = { cookie, 'x-csrf-token': csrfToken };
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: session,
      payload: { name: 'probe', roleId: 'analyst' },
    });
    const bodies = [created.json().apiToken ? JSON.stringify(created.json().apiToken) : ''];
    for (const url of ['/auth/me', '/users', '/roles', '/tokens', '/audit', '/audit/export?format=json']) {
      const response = await api.app.inject({ method: 'GET', url: `/api/v1${url}`, headers: { cookie } });
      expect(response.statusCode, url).toBe(200);
      bodies.push(response.body);
    }
    const hashes = [
      ...(await api.store.db.selectFrom('users').select('password_hash as h').execute()),
      ...(await api.store.db.selectFrom('api_tokens').select('token_hash as h').execute()),
      ...(await api.store.db.selectFrom('sessions').select('token_hash as h').execute()),
    ].map((r) => r.h);
    const secrets = [
      ...hashes,
      ...Object.values(api.tokens),
      created.json().token,
      cookie.split('=')[1],
      TEST_PASSWORD,
    ];
    expect(secrets.length).toBeGreaterThan(10);
    for (const body of bodies) {
      for (const secret of secrets) expect(body).not.toContain(secret);
    }
  });
});
