import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreUrlError } from '../store/store.js';
import { engines } from '../store/store.test-support.js';
import { dataDir, migrateStore, openMigratedStore, StoreMigrationError, storeUrl } from './settings.js';

const FUTURE = '29991231T235959-from-the-future';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('settings', () => {
  it('takes the data directory from MDE_BRIDGE_DATA_DIR, default ./data', () => {
    expect(dataDir({})).toBe('./data');
    expect(dataDir({ MDE_BRIDGE_DATA_DIR: '  ' })).toBe('./data');
    expect(dataDir({ MDE_BRIDGE_DATA_DIR: '/var/lib/mde' })).toBe('/var/lib/mde');
  });

  it('picks the store URL from --db, then MDE_BRIDGE_DB, then the data directory', () => {
    const env = { MDE_BRIDGE_DB: 'postgres://u@h:5432/db', MDE_BRIDGE_DATA_DIR: '/srv/mde/' };
    expect(storeUrl('sqlite::memory:', env)).toBe('sqlite::memory:');
    expect(storeUrl(undefined, env)).toBe('postgres://u@h:5432/db');
    expect(storeUrl(undefined, { MDE_BRIDGE_DATA_DIR: '/srv/mde/' })).toBe('sqlite:/srv/mde/mde-bridge.db');
    expect(storeUrl(undefined, {})).toBe('sqlite:./data/mde-bridge.db');
    expect(() => storeUrl(' ', env)).toThrow(StoreUrlError);
  });

  it('refuses a malformed store URL with the forms it accepts', async () => {
    await expect(openMigratedStore('mysql://root@db/mde')).rejects.toThrow(
      /is not a store URL: use sqlite:PATH or postgres:\/\//,
    );
    await expect(openMigratedStore('sqlite:')).rejects.toBeInstanceOf(StoreUrlError);
  });

  it('opens and migrates a new SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-settings-'));
    dirs.push(dir);
    const store = await openMigratedStore(`sqlite:${join(dir, 'sub', 'bridge.db')}`);
    try {
      expect(await store.db.selectFrom('tenants').selectAll().execute()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('refuses a database from a newer mde-bridge without changing it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-settings-'));
    dirs.push(dir);
    const file = join(dir, 'bridge.db');
    const raw = new SQLite(file);
    raw.exec(
      'create table kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)',
    );
    raw.prepare('insert into kysely_migration values (?, ?)').run(FUTURE, new Date().toISOString());
    raw.close();
    await expect(openMigratedStore(`sqlite:${file}`)).rejects.toThrow(
      `the database was migrated by a newer mde-bridge (migration ${FUTURE}); upgrade mde-bridge`,
    );
    const after = new SQLite(file);
    const tables = after.prepare("select name from sqlite_master where type = 'table' order by name").all();
    after.close();
    expect(tables).toEqual([{ name: 'kysely_migration' }]);
  });
});

describe.each(engines)('migrations on $name', (engine) => {
  it('refuses a store whose migration table names an unknown migration, leaving it as it was', async () => {
    const store = await engine.open();
    try {
      await sql`insert into kysely_migration (name, timestamp) values (${FUTURE}, ${new Date().toISOString()})`.execute(
        store.db,
      );
      const before = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        store.db,
      );
      const error = await migrateStore(store).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreMigrationError);
      expect((error as Error).message).toContain(`(migration ${FUTURE}); upgrade mde-bridge`);
      const after = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
        store.db,
      );
      expect(after.rows).toEqual(before.rows);
    } finally {
      await store.dispose();
    }
  });

  it('runs nothing on an up-to-date store', async () => {
    const store = await engine.open();
    try {
      const result = await migrateStore(store);
      expect(result.error).toBeUndefined();
      expect(result.results).toEqual([]);
    } finally {
      await store.dispose();
    }
  });
});
