import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../auth/authenticator.js';
import { openMigratedStore } from '../../config/settings.js';
import { capture, runCli } from '../cli.test-support.js';
import { UsageError } from '../errors.js';
import { roles } from './roles.js';
import { tokens } from './tokens.js';
import { users } from './users.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function sandbox(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-access-'));
  dirs.push(dir);
  return { MDE_BRIDGE_DATA_DIR: dir, MDE_BRIDGE_DB: '', NEW_PASSWORD: 'a-password-from-env' };
}

async function withStore<T>(
  env: Record<string, string>,
  fn: (s: Awaited<ReturnType<typeof openMigratedStore>>) => Promise<T>,
) {
  const store = await openMigratedStore(`sqlite:${env.MDE_BRIDGE_DATA_DIR}/mde-bridge.db`);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

describe('mde-bridge tokens', () => {
  it('creates a token printed once as JSON that then authenticates, lists it without the secret, and revokes it', async () => {
    const env = sandbox();
    const created = await runCli(
      ['tokens', 'create', '--name', 'siem', '--role', 'read-only', '--json'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const { token, apiToken } = JSON.parse(created.stdout);
    expect(token).toMatch(/^mdeb_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({ name: 'siem', roleId: 'read-only', createdBy: 'cli', expiresAt: null });

    await withStore(env, async (store) => {
      const auth = await createAuthenticator(store.db).authenticate({
        headers: { authorization: `Bearer ${token}` },
      });
      expect(auth?.principal).toMatchObject({ kind: 'token', name: 'siem', roleName: 'Read-only' });
      const [audit] = await store.db.selectFrom('audit_log').selectAll().execute();
      expect(audit).toMatchObject({ actor_kind: 'cli', action: 'token.created', target: 'siem' });
      expect(audit.detail).not.toContain(token);
    });

    const list = capture();
    expect(await tokens(['list'], list.stream, env)).toBe(0);
    expect(list.text()).toMatch(/^NAME\s+PREFIX\s+ROLE/);
    expect(list.text()).toContain(`${apiToken.prefix}…`);
    expect(list.text()).not.toContain(token);

    expect(await tokens(['revoke', 'siem'], capture().stream, env)).toBe(0);
    await withStore(env, async (store) => {
      expect(
        await createAuthenticator(store.db).authenticate({ headers: { authorization: `Bearer ${token}` } }),
      ).toBeNull();
    });
    await expect(tokens(['revoke', 'siem'], capture().stream, env)).rejects.toThrow(
      /no active API token 'siem'/,
    );
  });

  it('accepts a role name in any case and an expiry; refuses a bad expiry as a usage error', async () => {
    const env = sandbox();
    const out = capture();
    expect(
      await tokens(
        ['create', '--name', 'soar', '--role', 'ANALYST', '--expires-in-days', '7'],
        out.stream,
        env,
      ),
    ).toBe(0);
    expect(out.text()).toMatch(
      /Created API token 'soar' \(Analyst, expires .*\)\.\nIt is shown once; store it now:\nmdeb_/,
    );
    await expect(
      tokens(['create', '--name', 'x', '--role', 'analyst', '--expires-in-days', '0'], capture().stream, env),
    ).rejects.toThrow(UsageError);
  });
});

describe('mde-bridge users', () => {
  it('adds a user with --password-env who can then sign in, audited as the CLI', async () => {
    const env = sandbox();
    const added = await runCli(
      [
        'users',
        'add',
        '--username',
        'dana',
        '--role',
        'Analyst',
        '--display-name',
        'Dana',
        '--password-env',
        'NEW_PASSWORD',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toBe("Added user 'dana' (Analyst).\n");
    await withStore(env, async (store) => {
      const result = await createAuthenticator(store.db).login({
        username: 'dana',
        password: 'a-password-from-env',
        ip: null,
      });
      expect(result).toMatchObject({ ok: true, user: { displayName: 'Dana', roleId: 'analyst' } });
      const audit = await store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.created')
        .execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ actor_kind: 'cli', target: 'dana' });
      expect(audit[0].actor).not.toBe('');
    });
  });

  it('refuses an unknown role with exit code 2 and a clear message, writing no user', async () => {
    const env = sandbox();
    const result = await runCli(
      ['users', 'add', '--username', 'eve', '--role', 'wizard', '--password-env', 'NEW_PASSWORD'],
      env,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "mde-bridge users: no role 'wizard' (--role); see 'mde-bridge roles list'",
    );
    expect(result.stderr).not.toMatch(/at .*\.ts:\d+/);
    expect(result.stdout).toBe('');
    await withStore(env, async (store) => {
      expect(await store.db.selectFrom('users').selectAll().execute()).toEqual([]);
    });
  });

  it('never takes a password as a flag value, and refuses a short one', async () => {
    const env = sandbox();
    await expect(
      users(
        ['add', '--username', 'eve', '--role', 'analyst', '--password', 'hunter2hunter2'],
        capture().stream,
        env,
      ),
    ).rejects.toThrow(/--password is not accepted/);
    const file = join(env.MDE_BRIDGE_DATA_DIR, 'pw.txt');
    writeFileSync(file, 'short\n');
    await expect(
      users(
        ['add', '--username', 'eve', '--role', 'analyst', '--password-file', file],
        capture().stream,
        env,
      ),
    ).rejects.toThrow(/at least 12 characters/);
    await withStore(env, async (store) => {
      expect(await store.db.selectFrom('users').selectAll().execute()).toEqual([]);
    });
  });

  it('prints a generated password once, sets a new one with passwd, and disables and enables', async () => {
    const env = sandbox();
    const added = capture();
    expect(
      await users(['add', '--username', 'fred', '--role', 'read-only', '--json'], added.stream, env),
    ).toBe(0);
    const { user, password } = JSON.parse(added.text());
    expect(user).toMatchObject({ username: 'fred', roleName: 'Read-only', disabled: false });
    expect(password).toMatch(/^[A-Za-z0-9_-]{20}$/);

    const file = join(env.MDE_BRIDGE_DATA_DIR, 'pw.txt');
    writeFileSync(file, 'fred-new-password\n');
    expect(await users(['passwd', 'fred', '--password-file', file], capture().stream, env)).toBe(0);
    expect(await users(['disable', 'fred'], capture().stream, env)).toBe(0);
    await withStore(env, async (store) => {
      const auth = createAuthenticator(store.db);
      expect(await auth.login({ username: 'fred', password: 'fred-new-password', ip: null })).toMatchObject({
        ok: false,
      });
    });
    expect(await users(['enable', 'fred'], capture().stream, env)).toBe(0);
    await withStore(env, async (store) => {
      const auth = createAuthenticator(store.db);
      expect(await auth.login({ username: 'fred', password: password, ip: null })).toMatchObject({
        ok: false,
      });
      expect(await auth.login({ username: 'fred', password: 'fred-new-password', ip: null })).toMatchObject({
        ok: true,
      });
      const actions = await store.db
        .selectFrom('audit_log')
        .select('action')
        .where('actor_kind', '=', 'cli')
        .orderBy('id')
        .execute();
      expect(actions.map((a) => a.action)).toEqual([
        'user.created',
        'password.changed',
        'user.disabled',
        'user.enabled',
      ]);
    });
    const list = capture();
    expect(await users(['list', '--json'], list.stream, env)).toBe(0);
    expect(JSON.parse(list.text())).toHaveLength(1);
    expect(list.text()).not.toMatch(/scrypt|fred-new-password/);
    await expect(users(['disable', 'nobody'], capture().stream, env)).rejects.toThrow("no user 'nobody'");
  });
});

describe('mde-bridge roles', () => {
  it('lists the built-in roles as a table and as JSON', async () => {
    const env = sandbox();
    const text = capture();
    expect(await roles(['list'], text.stream, env)).toBe(0);
    expect(text.text().split('\n')[0]).toMatch(/^ID\s+NAME\s+BUILT-IN\s+DEVICE GROUPS\s+PERMISSIONS$/);
    expect(text.text()).toMatch(/read-only\s+Read-only\s+yes\s+all\s+config\.view, hosts\.view/);
    const json = capture();
    expect(await roles(['list', '--json'], json.stream, env)).toBe(0);
    expect(JSON.parse(json.text()).map((r: { id: string }) => r.id)).toEqual([
      'super-admin',
      'admin',
      'analyst',
      'read-only',
    ]);
  });
});
