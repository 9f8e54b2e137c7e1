import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../api.test-support.js';

let api: TestApi;
afterEach(async () => api?.close());

describe('tokens routes', () => {
  it('shows a new token once, lists it without secret or hash, and it stops working when revoked', async () => {
    api = await createTestApi();
    const created = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      ...api.as('admin'),
      payload: { name: 'siem', roleId: 'read-only', expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { token, apiToken } = created.json();
    expect(token).toMatch(/^mdeb_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({
      name: 'siem',
      roleId: 'read-only',
      roleName: 'Read-only',
      revokedAt: null,
    });
    expect(apiToken.prefix).toBe(token.slice(0, 12));
    expect(apiToken.createdBy).toBe('token:test-admin');

    const list = await api.app.inject({ method: 'GET', url: '/api/v1/tokens', ...api.as('admin') });
    expect(list.json().items.map((t: { name: string }) => t.name)).toContain('siem');
    expect(list.body).not.toContain(token);
    expect(list.body).not.toMatch(/token_hash|tokenHash|[0-9a-f]{64}/);

    const headers = { authorization: `Bearer ${token}` };
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
    const revoke = await api.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${apiToken.id}`,
      ...api.as('admin'),
    });
    expect(revoke.statusCode).toBe(204);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(401);
    const audit = await api.store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', 'like', 'token.%')
      .execute();
    expect(audit.map((a) => [a.action, a.target])).toEqual([
      ['token.created', 'siem'],
      ['token.revoked', 'siem'],
    ]);
    expect(audit.map((a) => a.detail).join()).not.toContain(token);
  });

  it('refuses bad token input with 400 and callers without users.manage with 403', async () => {
    api = await createTestApi();
    for (const payload of [
      { name: 'x', roleId: 'nope' },
      { name: 'x', roleId: 'analyst', expiresInDays: 0 },
      { name: 'x', roleId: 'analyst', token: 'mdeb_chosen' },
    ]) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/tokens',
        ...api.as('super'),
        payload,
      });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const denied = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      ...api.as('analyst'),
      payload: { name: 'x', roleId: 'analyst' },
    });
    expect(denied.statusCode).toBe(403);
    expect(
      await api.store.db.selectFrom('api_tokens').select('name').where('name', '=', 'x').execute(),
    ).toEqual([]);
    expect(
      (await api.app.inject({ method: 'DELETE', url: '/api/v1/tokens/nope', ...api.as('super') })).statusCode,
    ).toBe(404);
  });
});
