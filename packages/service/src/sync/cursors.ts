import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Where an incremental listing resumes: the newest change time a committed page contained. */
export async function readCursor(
  db: Kysely<Database>,
  tenant: string,
  resource: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('sync_cursors')
    .select('cursor')
    .where('tenant', '=', tenant)
    .where('resource', '=', resource)
    .executeTakeFirst();
  return row?.cursor;
}

/** Call inside the transaction that writes the rows the cursor covers, so neither lands without the other. */
export async function writeCursor(
  db: Kysely<Database>,
  tenant: string,
  resource: string,
  cursor: string,
): Promise<void> {
  await db
    .insertInto('sync_cursors')
    .values({ tenant, resource, cursor, updated_at: new Date().toISOString() })
    .onConflict((oc) =>
      oc.columns(['tenant', 'resource']).doUpdateSet((eb) => ({
        cursor: eb.ref('excluded.cursor'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}
