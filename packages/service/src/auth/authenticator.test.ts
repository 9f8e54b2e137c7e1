import { describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { createApiToken, findApiToken, revokeApiToken } from './api-tokens.js';
import { createAuthenticator } from './authenticator.js';
import { SESSION_COOKIE } from './principal.js';
import { createRole, ensureBuiltinRoles } from './roles.js';
import { createUser, updateUser } from './users.js';

const PASSWORD = 'a-long-password';
const MINUTE = 60_000;

function clock(start = '2026-03-01T10:00:00.000Z') {
  let ms = Date.parse(start);
  return { now: () => new Date(ms), advance: (by: number) => (ms += by) };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });
const cookie = (token: string) => ({ headers: {}, cookies: { [SESSION_COOKIE]: token } });

for (const engine of engines) {
  describe(`authenticator on ${engine.name}`, () => {
    it('signs in, resolves the session with its role, and ends it after the idle or absolute timeout', async () => {
      const store = await engine.open();
      try {
        const c = clock();
        await ensureBuiltinRoles(store.db, c.now());
        const role = await createRole(store.db, {
          name: 'Paris',
          permissions: ['hosts.view'],
          deviceGroups: ['Paris'],
        });
        await createUser(store.db, { username: 'alice', password: PASSWORD, roleId: role.id }, c.now());
        const auth = createAuthenticator(store.db, {
          now: c.now,
          idleTimeoutMs: 30 * MINUTE,
          absoluteTimeoutMs: 60 * MINUTE,
        });

        const login = await auth.login({ username: 'Alice', password: PASSWORD, ip: '192.0.2.7' });
        if (!login.ok) throw new Error('login failed');
        const [row] = await store.db.selectFrom('sessions').selectAll().execute();
        expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(row.token_hash).not.toBe(login.session.token);

        const resolved = await auth.authenticate(cookie(login.session.token));
        expect(resolved).toMatchObject({ via: 'session', csrfToken: login.session.csrfToken });
        expect(resolved?.principal).toMatchObject({
          kind: 'user',
          name: 'alice',
          roleName: 'Paris',
          deviceGroups: ['Paris'],
        });
        expect([...(resolved?.principal.permissions ?? [])]).toEqual(['hosts.view']);

        c.advance(25 * MINUTE);
        expect(await auth.authenticate(cookie(login.session.token))).not.toBeNull();
        c.advance(25 * MINUTE); // 25 min idle since the last request: still inside 30
        expect(await auth.authenticate(cookie(login.session.token))).not.toBeNull();
        c.advance(11 * MINUTE); // 61 min after sign-in: past the absolute timeout
        expect(await auth.authenticate(cookie(login.session.token))).toBeNull();
        expect(await store.db.selectFrom('sessions').selectAll().execute()).toEqual([]);

        const again = await auth.login({ username: 'alice', password: PASSWORD, ip: null });
        if (!again.ok) throw new Error('login failed');
        c.advance(31 * MINUTE);
        expect(await auth.authenticate(cookie(again.session.token))).toBeNull();
      } finally {
        await store.dispose();
      }
    });

    it('answers unknown user, wrong password and disabled user alike, audits each, then rate-limits', async () => {
      const store = await engine.open();
      try {
        const c = clock();
        await ensureBuiltinRoles(store.db);
        const bob = await createUser(store.db, { username: 'bob', password: PASSWORD, roleId: 'analyst' });
        await createUser(store.db, { username: 'boss', password: PASSWORD, roleId: 'admin' });
        await updateUser(store.db, bob.id, { disabled: true });
        const auth = createAuthenticator(store.db, { now: c.now });
        const results = [
          await auth.login({ username: 'nobody', password: PASSWORD, ip: '10.0.0.1' }),
          await auth.login({ username: 'boss', password: 'wrong-password', ip: '10.0.0.1' }),
          await auth.login({ username: 'bob', password: PASSWORD, ip: '10.0.0.1' }),
        ];
        expect(results).toEqual(Array(3).fill({ ok: false, reason: 'invalid_credentials' }));
        const audit = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
        expect(audit.map((a) => [a.action, a.actor, a.outcome, JSON.parse(a.detail).reason, a.ip])).toEqual([
          ['login.failed', 'nobody', 'failure', 'unknown_user', '10.0.0.1'],
          ['login.failed', 'boss', 'failure', 'wrong_password', '10.0.0.1'],
          ['login.failed', 'bob', 'failure', 'disabled', '10.0.0.1'],
        ]);
        expect(audit.map((a) => a.detail).join()).not.toContain('wrong-password');

        for (let i = 0; i < 4; i++)
          await auth.login({ username: 'boss', password: 'wrong-password', ip: `10.0.1.${i}` });
        expect(await auth.login({ username: 'boss', password: PASSWORD, ip: '10.0.2.1' })).toEqual({
          ok: false,
          reason: 'rate_limited',
          retryAfterSeconds: 15 * 60,
        });
        c.advance(15 * 60_000);
        expect(await auth.login({ username: 'boss', password: PASSWORD, ip: '10.0.2.1' })).toMatchObject({
          ok: true,
        });
      } finally {
        await store.dispose();
      }
    });

    it('authenticates API tokens until revoked or expired, writing last_used_at at most once a minute', async () => {
      const store = await engine.open();
      try {
        const c = clock();
        await ensureBuiltinRoles(store.db);
        const { token, apiToken } = await createApiToken(
          store.db,
          { name: 'siem', roleId: 'read-only', createdBy: 'cli', expiresInDays: 1 },
          c.now(),
        );
        expect(token).toMatch(/^mdeb_[A-Za-z0-9_-]{43}$/);
        expect(apiToken.prefix).toBe(token.slice(0, 12));
        const auth = createAuthenticator(store.db, { now: c.now });

        const first = await auth.authenticate(bearer(token));
        expect(first?.via).toBe('token');
        expect(first?.principal).toMatchObject({ kind: 'token', name: 'siem', roleId: 'read-only' });
        const used = (await findApiToken(store.db, 'siem'))?.lastUsedAt;
        expect(used).toBe(c.now().toISOString());
        c.advance(30_000);
        await auth.authenticate(bearer(token));
        expect((await findApiToken(store.db, 'siem'))?.lastUsedAt).toBe(used);
        c.advance(30_000);
        await auth.authenticate(bearer(token));
        expect((await findApiToken(store.db, 'siem'))?.lastUsedAt).toBe(c.now().toISOString());

        expect(await auth.authenticate(bearer(`${token}x`))).toBeNull();
        expect(await auth.authenticate({ headers: { authorization: 'Basic abc' } })).toBeNull();
        c.advance(24 * 60 * MINUTE);
        expect(await auth.authenticate(bearer(token))).toBeNull();

        const other = await createApiToken(store.db, { name: 'soar', roleId: 'analyst', createdBy: 'cli' });
        expect(await auth.authenticate(bearer(other.token))).not.toBeNull();
        const revoked = await revokeApiToken(store.db, other.apiToken.id, c.now());
        expect(revoked.revokedAt).toBe(c.now().toISOString());
        expect(await auth.authenticate(bearer(other.token))).toBeNull();
      } finally {
        await store.dispose();
      }
    });
  });
}
