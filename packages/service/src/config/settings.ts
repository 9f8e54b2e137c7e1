/**
 * Where mde-bridge keeps its state, from `MDE_BRIDGE_*` environment variables and CLI flags, and the one way
 * to open a store that is ready to use (migrated, and not from a newer mde-bridge).
 */
import { type MigrationResultSet, sql } from 'kysely';
import { migrate, migrations, openStore, type Store, StoreUrlError } from '../store/store.js';

export const DEFAULT_DATA_DIR = './data';

/** A database this build cannot run against: migrated by a newer mde-bridge, or a migration failed. */
export class StoreMigrationError extends Error {
  override name = 'StoreMigrationError';
}

/** The directory for the SQLite database and the master key: `MDE_BRIDGE_DATA_DIR`, default `./data`. */
export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.MDE_BRIDGE_DATA_DIR?.trim();
  return dir ? dir : DEFAULT_DATA_DIR;
}

/** The store URL: the `--db` flag, else `MDE_BRIDGE_DB`, else `sqlite:<dataDir>/mde-bridge.db`. */
export function storeUrl(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag !== undefined) {
    if (flag.trim() === '') {
      throw new StoreUrlError('--db is empty: give sqlite:PATH or postgres://user@host:5432/database');
    }
    return flag.trim();
  }
  const fromEnv = env.MDE_BRIDGE_DB?.trim();
  if (fromEnv) return fromEnv;
  return `sqlite:${dataDir(env).replace(/[\\/]+$/, '')}/mde-bridge.db`;
}

/**
 * Runs pending migrations, after refusing (with nothing changed) a database whose migration table names a
 * migration this build does not know: running an older schema's code against it could corrupt it.
 */
export async function migrateStore(store: Store): Promise<MigrationResultSet> {
  const known = new Set(Object.keys(migrations));
  const unknown = (await executedMigrations(store)).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new StoreMigrationError(
      `the database was migrated by a newer mde-bridge (migration ${unknown.sort().at(-1)}); upgrade mde-bridge`,
    );
  }
  return migrate(store);
}

/** Opens the store at `url` and migrates it; a malformed URL throws `StoreUrlError`. */
export async function openMigratedStore(url: string): Promise<Store> {
  const store = openStore(url);
  try {
    const result = await migrateStore(store);
    if (result.error) {
      const failed = result.results?.find((r) => r.status === 'Error')?.migrationName;
      const reason = result.error instanceof Error ? result.error.message : String(result.error);
      throw new StoreMigrationError(
        `cannot migrate ${store.location}${failed ? ` (migration ${failed} failed)` : ''}: ${reason}`,
      );
    }
    return store;
  } catch (err) {
    await store.close();
    if (err instanceof StoreMigrationError) throw err;
    throw new StoreMigrationError(`cannot open ${store.location}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * Names in kysely's migration table, or none when it does not exist yet. Reading it through the search path
 * (rather than kysely's introspection, which spans every PostgreSQL schema) looks where `migrate` writes. Any
 * failure other than a missing table (connection, permissions) resurfaces in the migration run that follows.
 */
async function executedMigrations(store: Store): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(store.db);
    return rows.map((r) => r.name);
  } catch {
    return [];
  }
}
