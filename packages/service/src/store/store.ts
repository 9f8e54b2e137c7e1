import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Migration,
  type MigrationResultSet,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
} from 'kysely';
import pg from 'pg';
import * as initial from './migrations/20261122T200000-initial.js';
import * as tvm from './migrations/20261122T210000-tvm.js';
import * as access from './migrations/20261122T230000-access.js';
import * as apiIndexes from './migrations/20261122T233000-api-indexes.js';
import * as events from './migrations/20261123T000000-events.js';
import * as context from './migrations/20261123T001000-context.js';
import * as risk from './migrations/20261123T002000-risk.js';
import * as profiles from './migrations/20261123T003000-profiles.js';
import * as webhooks from './migrations/20261123T004000-webhooks.js';
import * as response from './migrations/20261123T010000-response.js';
import * as detections from './migrations/20261123T020000-detections.js';
import * as hunting from './migrations/20261123T021000-hunting.js';
import type { Database } from './schema.js';

/** Engine differences as capability flags (STYLE.md 9), not `if (sqlite)` scattered through queries. */
export interface StoreCapabilities {
  engine: 'sqlite' | 'postgres';
  /** COPY FROM STDIN for bulk loads (PostgreSQL). */
  copy: boolean;
}

export interface Store {
  db: Kysely<Database>;
  caps: StoreCapabilities;
  /** The URL it was opened with, password removed (safe to print). */
  location: string;
  /** The underlying better-sqlite3 handle (SQLite only): prepared-statement bulk loads. */
  sqlite?: SQLite.Database;
  /** The underlying pg pool (PostgreSQL only): a dedicated connection for COPY. */
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

export class StoreUrlError extends Error {
  override name = 'StoreUrlError';
}

/** Timestamp-named migrations, in order. A new one is a new file and a new line here. */
export const migrations: Record<string, Migration> = {
  '20261122T200000-initial': initial,
  '20261122T210000-tvm': tvm,
  '20261122T230000-access': access,
  '20261122T233000-api-indexes': apiIndexes,
  '20261123T000000-events': events,
  '20261123T001000-context': context,
  '20261123T002000-risk': risk,
  '20261123T003000-profiles': profiles,
  '20261123T004000-webhooks': webhooks,
  '20261123T010000-response': response,
  '20261123T020000-detections': detections,
  '20261123T021000-hunting': hunting,
};

/**
 * Opens the store named by a URL: `sqlite:./data/mde-bridge.db`, `sqlite::memory:`, or
 * `postgres://user@host:5432/db` (optionally `?schema=name`). Chosen once, at the composition root.
 */
export function openStore(url: string): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file === '')
      throw new StoreUrlError(`'${url}' names no database file (e.g. sqlite:./data/mde-bridge.db)`);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    const database = new SQLite(file === ':memory:' ? ':memory:' : resolve(file));
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
    return {
      db,
      caps: { engine: 'sqlite', copy: false },
      location: `sqlite:${file}`,
      sqlite: database,
      close: () => db.destroy(),
    };
  }
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new StoreUrlError(
        `'${redact(url)}' is not a valid PostgreSQL URL (postgres://user@host:5432/database)`,
      );
    }
    if (!parsed.hostname || parsed.pathname.length <= 1) {
      throw new StoreUrlError(
        `'${redact(url)}' needs a host and a database name (postgres://user@host:5432/database)`,
      );
    }
    const schema = parsed.searchParams.get('schema');
    if (schema !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
      throw new StoreUrlError(`schema '${schema}' must be a lower-case SQL identifier`);
    }
    parsed.searchParams.delete('schema');
    const pool = new pg.Pool({
      connectionString: parsed.href,
      max: 10,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return {
      db,
      caps: { engine: 'postgres', copy: true },
      location: redact(url),
      pgPool: pool,
      close: () => db.destroy(),
    };
  }
  throw new StoreUrlError(
    `'${redact(url)}' is not a store URL: use sqlite:PATH or postgres://user@host:5432/database`,
  );
}

/** Runs pending migrations; refuses a database migrated by a newer mde-bridge. */
export async function migrate(store: Store): Promise<MigrationResultSet> {
  // kysely's Migrator looks for its own tables in *every* PostgreSQL schema unless told which one, so a
  // second deployment (or test) in another schema would skip creating them and then fail to find them.
  const migrationTableSchema =
    store.caps.engine === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations },
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  });
  return migrator.migrateToLatest();
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
