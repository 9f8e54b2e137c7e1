import { afterEach, describe, expect, it } from 'vitest';
import { createTestApi, TEST_PASSWORD, type TestApi } from '../api.test-support.js';

let api: TestApi;
afterEach(async () => api?.close());

function clock(start = '2026-03-01T10:00:00.000Z') {
  let ms = Date.parse(start);
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
}

const auditRows = (t: TestApi) => t.store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();

describe('POST /auth/login and the session', () => {
  it('signs in with an httpOnly SameSite=Strict cookie, then /auth/me answers with the user and CSRF token', async () => {
    api = await createTestApi();
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'analyst', password: TEST_PASSWORD },
    });
    expect(response.statusCode).toBe(200);
    const cookie = response.cookies.find((c) => c.name === 'mdeb_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = response.json();
    expect(body.user).toMatchObject({
      username: 'analyst',
      roleId: 'analyst',
      roleName: 'Analyst',
      disabled: false,
    });
    expect(body.user.lastLoginAt).not.toBeNull();
    expect(response.body).not.toMatch(/scrypt|password/i);

    const me = await api.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `mdeb_session=${cookie!.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({
      user: { username: 'analyst' },
      token: null,
      role: { id: 'analyst', builtin: true },
      csrfToken: body.csrfToken,
    });
    expect(me.json().permissions).toContain('lockdown.edit');
    expect(me.body).not.toContain(cookie!.value);
    const [audit] = await auditRows(api);
    expect(audit).toMatchObject({
      action: 'login.succeeded',
      actor: 'analyst',
      outcome: 'success',
      ip: '127.0.0.1',
    });
  });

  it('refuses a cookie-borne state change without the CSRF token (403) and accepts it with the token', async () => {
    api = await createTestApi();
    const { cookie, csrfToken } = await api.login('super');
    const payload = { name: 'siem', roleId: 'read-only' };
    const without = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie },
      payload,
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().error.code).toBe('csrf');
    expect(
      await api.store.db.selectFrom('api_tokens').select('name').where('name', '=', 'siem').execute(),
    ).toEqual([]);
    const withToken = await api.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: { cookie, 'x-csrf-token': csrfToken },
      payload,
    });
    expect(withToken.statusCode).toBe(201);
  });

  it('answers 401 invalid_credentials alike for a wrong password, an unknown user and a disabled user, audited', async () => {
    api = await createTestApi();
    await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.reader}`,
      ...api.as('super'),
      payload: { disabled: true },
    });
    const bodies: string[] = [];
    for (const [username, password] of [
      ['analyst', 'not-the-password'],
      ['ghost', TEST_PASSWORD],
      ['reader', TEST_PASSWORD],
    ]) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { username, password },
      });
      expect(response.statusCode).toBe(401);
      expect(response.cookies).toEqual([]);
      bodies.push(response.body);
    }
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0])).toEqual({
      error: { code: 'invalid_credentials', message: 'wrong user name or password' },
    });
    const failed = (await auditRows(api)).filter((a) => a.action === 'login.failed');
    expect(failed.map((a) => [a.actor, a.outcome])).toEqual([
      ['analyst', 'failure'],
      ['ghost', 'failure'],
      ['reader', 'failure'],
    ]);
    expect(failed.map((a) => a.detail).join()).not.toContain('not-the-password');
  });

  it('answers 429 rate_limited with retryAfterSeconds after 5 failures for one user name', async () => {
    const c = clock();
    api = await createTestApi({ now: c.now });
    const attempt = (password: string) =>
      api.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password } });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password')).statusCode).toBe(401);
    const limited = await attempt(TEST_PASSWORD);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({ code: 'rate_limited', retryAfterSeconds: 900 });
    expect(limited.headers['retry-after']).toBe('900');
    c.advance(15 * 60_000);
    expect((await attempt(TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('logs out: the session is deleted and the cookie no longer works', async () => {
    api = await createTestApi();
    const { cookie, csrfToken } = await api.login('reader');
    const out = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie, 'x-csrf-token': csrfToken },
    });
    expect(out.statusCode).toBe(204);
    expect(out.cookies[0]).toMatchObject({ name: 'mdeb_session', value: '' });
    expect(await api.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    expect((await auditRows(api)).at(-1)).toMatchObject({
      action: 'logout',
      actor: 'reader',
      actor_kind: 'user',
    });
  });

  it('disabling a user ends their session at once', async () => {
    api = await createTestApi();
    const { cookie } = await api.login('analyst');
    const patch = await api.app.inject({
      method: 'PATCH',
      url: `/api/v1/users/${api.userIds.analyst}`,
      ...api.as('admin'),
      payload: { disabled: true },
    });
    expect(patch.statusCode).toBe(200);
    const me = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
  });

  it('changes one’s own password: wrong current → 400, short new → 400, then only the new one signs in', async () => {
    api = await createTestApi();
    const { cookie, csrfToken } = await api.login('reader');
    const headers = { cookie, 'x-csrf-token': csrfToken };
    const change = (currentPassword: string, newPassword: string) =>
      api.app.inject({
        method: 'POST',
        url: '/api/v1/auth/password',
        headers,
        payload: { currentPassword, newPassword },
      });
    const wrong = await change('wrong-password', 'a-brand-new-password');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.field).toBe('body.currentPassword');
    const short = await change(TEST_PASSWORD, 'short');
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({ field: 'body.newPassword' });
    expect(short.json().error.message).toContain('at least 12 characters');
    expect((await change(TEST_PASSWORD, 'a-brand-new-password')).statusCode).toBe(204);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie } })).statusCode,
    ).toBe(200);
    await expect(api.login('reader')).rejects.toThrow(/401/);
    await api.login('reader', 'a-brand-new-password');
    const tokenChange = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password',
      ...api.as('reader'),
      payload: { currentPassword: TEST_PASSWORD, newPassword: 'whatever-long-pass' },
    });
    expect(tokenChange.statusCode).toBe(403);
  });

  it('rejects unknown login fields with 400 and /auth/me without credentials with 401', async () => {
    api = await createTestApi();
    const extra = await api.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'super', password: TEST_PASSWORD, remember: true },
    });
    expect(extra.statusCode).toBe(400);
    expect(extra.json().error).toMatchObject({ code: 'invalid_request', field: 'body.remember' });
    expect(await api.store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect((await api.app.inject({ method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    const token = await api.app.inject({ method: 'GET', url: '/api/v1/auth/me', ...api.as('reader') });
    expect(token.json()).toMatchObject({ user: null, token: { name: 'test-read-only' }, csrfToken: null });
  });
});
