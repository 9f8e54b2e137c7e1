import type { Kysely } from 'kysely';

/** Reserved for the tables of this area (issue 6); empty until they arrive. */
export async function up(_db: Kysely<unknown>): Promise<void> {}

export async function down(_db: Kysely<unknown>): Promise<void> {}
