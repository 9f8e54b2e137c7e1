import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

/** Recomputes the risk levels of a tenant's devices after a sync (issue 6: not written yet). */
export async function recomputeRisk(
  _db: Kysely<Database>,
  _tenant: string,
  _now: Date = new Date(),
): Promise<void> {}
