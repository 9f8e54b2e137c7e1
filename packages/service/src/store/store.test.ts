import { describe, expect, it } from 'vitest';
import { isoMs } from './schema.js';
import { migrate, openStore, StoreUrlError } from './store.js';
import { engines } from './store.test-support.js';

describe.each(engines)('store on $name', (engine) => {
  it('migrates to the latest schema and is idempotent', async () => {
    const store = await engine.open();
    try {
      const again = await migrate(store);
      expect(again.error).toBeUndefined();
      expect(again.results).toEqual([]);
      await store.db
        .insertInto('sync_cursors')
        .values({ tenant: 't', resource: 'alerts', cursor: 'c', updated_at: isoMs(0)! })
        .execute();
      const rows = await store.db.selectFrom('sync_cursors').selectAll().execute();
      expect(rows).toHaveLength(1);
      const run = await store.db
        .insertInto('sync_runs')
        .values({ tenant: 't', resource: 'machines', mode: 'full', status: 'running', started_at: isoMs(0)! })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(Number(run.id)).toBeGreaterThan(0);
    } finally {
      await store.dispose();
    }
  });
});

describe('store URLs', () => {
  it('refuses malformed URLs with a message naming the forms', () => {
    expect(() => openStore('mysql://x')).toThrow(StoreUrlError);
    expect(() => openStore('sqlite:')).toThrow(/names no database file/);
    expect(() => openStore('postgres://user:pw@host')).toThrow(/host and a database/);
    expect(() => openStore('postgres://user:secretpw@/')).toThrow(/not a valid PostgreSQL URL/);
    expect(() => openStore('postgres://user:secretpw@/')).not.toThrow(/secretpw/);
  });

  it('normalises Defender timestamps of any precision to sortable strings', () => {
    expect(isoMs('2021-01-26T20:33:59.2Z')).toBe('2021-01-26T20:33:59.200Z');
    expect(isoMs('2023-04-19T13:27:53.1618923Z')).toBe('2023-04-19T13:27:53.161Z');
    expect(isoMs('nope')).toBeNull();
  });
});
