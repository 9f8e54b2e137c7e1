import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Creates a tenant's dynamic OS profiles and assigns its endpoints after a device sync (issue 6: not written yet). */
export async function profileEndpoints(
  _db: Kysely<Database>,
  _tenant: string,
  _now: Date = new Date(),
): Promise<void> {}
