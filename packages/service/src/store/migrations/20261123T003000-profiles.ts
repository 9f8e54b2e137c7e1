import type { Kysely } from 'kysely';

/**
 * OS profiles, the standard profiling rules and memberships (store/schema-profiles.ts), with a few built-in
 * rules. They are seeded here, once, so a user who edits or deletes one does not see it come back.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('os', 'text')
    .addColumn('os_version', 'text')
    .addColumn('supported_actions', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('profiles_tenant').on('profiles').columns(['tenant', 'kind']).execute();

  await db.schema
    .createTable('profile_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('profile_name', 'text', (c) => c.notNull())
    .addColumn('hostname_pattern', 'text')
    .addColumn('attributes', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('match_score', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('builtin', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('profile_members')
    .addColumn('subject_key', 'text', (c) => c.primaryKey())
    .addColumn('subject_kind', 'text', (c) => c.notNull())
    .addColumn('tenant', 'text')
    .addColumn('subject_id', 'text', (c) => c.notNull())
    .addColumn('profile_id', 'text', (c) => c.notNull())
    .addColumn('match_score', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('profile_members_profile').on('profile_members').column('profile_id').execute();
  await db.schema
    .createIndex('profile_members_tenant')
    .on('profile_members')
    .columns(['tenant', 'subject_kind'])
    .execute();

  const at = new Date().toISOString();
  const rule = (
    id: string,
    name: string,
    profileName: string,
    pattern: string | null,
    attributes: Record<string, string>,
    matchScore: string,
    priority: number,
  ) => ({
    id,
    name,
    profile_name: profileName,
    hostname_pattern: pattern,
    attributes: JSON.stringify(attributes),
    match_score: matchScore,
    priority,
    enabled: 1,
    builtin: 1,
    created_at: at,
    updated_at: at,
  });
  // Host names say more than a TTL, so they go first; a TTL of 64 is Linux, macOS and most network gear.
  await (db as Kysely<{ profile_rules: ReturnType<typeof rule> }>)
    .insertInto('profile_rules')
    .values([
      rule('builtin-domain-controller', 'Domain controllers', 'Windows Server', '*-dc*', {}, 'Medium', 100),
      rule('builtin-macbook', 'MacBooks', 'macOS', '*macbook*', {}, 'Medium', 90),
      rule('builtin-mbp', 'MacBook Pro short names', 'macOS', '*mbp*', {}, 'Medium', 90),
      rule('builtin-linux-name', 'Linux host names', 'Linux', '*-lnx*', {}, 'Low', 80),
      rule('builtin-ubuntu', 'Ubuntu host names', 'Linux', '*ubuntu*', {}, 'Low', 80),
      rule('builtin-ttl-64', 'TTL 64', 'Linux/Unix', null, { ttl: '64' }, 'Low', 10),
      rule('builtin-ttl-128', 'TTL 128', 'Windows', null, { ttl: '128' }, 'Low', 10),
    ])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['profile_members', 'profile_rules', 'profiles']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
