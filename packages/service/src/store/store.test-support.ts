/**
 * Every storage test runs on every engine we claim (STYLE.md 11): SQLite always, PostgreSQL when
 * MDE_BRIDGE_TEST_PG_URL is set (each test gets its own schema, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openStore, type Store } from './store.js';

export interface EngineCase {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store & { dispose(): Promise<void> }>;
}

export const pgUrl = process.env.MDE_BRIDGE_TEST_PG_URL;

export const engines: EngineCase[] = [
  {
    name: 'sqlite',
    async open() {
      const store = openStore('sqlite::memory:');
      const result = await migrate(store);
      if (result.error) throw result.error;
      return { ...store, dispose: () => store.close() };
    },
  },
  ...(pgUrl
    ? [
        {
          name: 'postgres' as const,
          async open() {
            const schema = `t_${randomBytes(6).toString('hex')}`;
            const admin = new pg.Client({ connectionString: pgUrl });
            await admin.connect();
            await admin.query(`CREATE SCHEMA ${schema}`);
            await admin.end();
            const sep = pgUrl.includes('?') ? '&' : '?';
            const store = openStore(`${pgUrl}${sep}schema=${schema}`);
            const result = await migrate(store);
            if (result.error) throw result.error;
            return {
              ...store,
              async dispose() {
                await store.close();
                const drop = new pg.Client({ connectionString: pgUrl });
                await drop.connect();
                await drop.query(`DROP SCHEMA ${schema} CASCADE`);
                await drop.end();
              },
            };
          },
        },
      ]
    : []),
];

if (!pgUrl)
  console.warn('MDE_BRIDGE_TEST_PG_URL is not set: storage tests run on SQLite only (PostgreSQL skipped).');
