import { migrateStore, storeUrl } from '../../config/settings.js';
import { openStore } from '../../store/store.js';
import { parseFlags } from '../args.js';
import { CliError } from '../errors.js';

export const migrateUsage = `Usage: mde-bridge migrate [--db URL] [--json]

Brings the store's schema up to date and prints each migration run (name and Success/Error).
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
Refuses a database migrated by a newer mde-bridge. Exit code 0 when every migration succeeded, 1 otherwise.
`;

/** `mde-bridge migrate`: runs pending migrations; `--json` gives `{store, results:[{name,direction,status}]}`. */
export async function migrate(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values } = parseFlags(argv, { db: { type: 'string' }, json: { type: 'boolean' } });
  const store = openStore(storeUrl(values.db, env));
  try {
    const { error, results = [] } = await migrateStore(store);
    const rows = results.map((r) => ({ name: r.migrationName, direction: r.direction, status: r.status }));
    if (values.json) {
      out.write(`${JSON.stringify({ store: store.location, results: rows })}\n`);
    } else {
      const lines = rows.map(
        (r) => `  ${r.status === 'Success' ? '✔' : r.status === 'Error' ? '✘' : '-'} ${r.name}  ${r.status}`,
      );
      out.write(
        `${[`Store ${store.location}`, ...(lines.length ? lines : ['  already up to date (no migration to run)'])].join('\n')}\n`,
      );
    }
    if (error) {
      const failed = rows.find((r) => r.status === 'Error')?.name;
      throw new CliError(
        `${failed ? `migration ${failed} failed` : 'migrating failed'}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
