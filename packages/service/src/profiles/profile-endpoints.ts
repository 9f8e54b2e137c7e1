import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ProfileKind } from '../store/schema-profiles.js';
import type { MatchScore } from './endpoint-profile.js';
import { profileId, subjectKey } from './profile-ids.js';
import { listProfileRules, type ProfilingSubject, ruleMatcher } from './profile-rules.js';
import { supportedActionsFor } from './supported-actions.js';

/** What one profiling run did. */
export interface ProfilingResult {
  /** Devices (of the tenant, or of every tenant) now in a profile. */
  devices: number;
  /** Unmanaged endpoints now in a profile. */
  endpoints: number;
  /** Dynamic profiles the tenant(s) now have. */
  dynamicProfiles: number;
}

interface ProfileSpec {
  id: string;
  tenant: string | null;
  kind: ProfileKind;
  name: string;
  os: string | null;
  osVersion: string | null;
}

interface Membership {
  key: string;
  kind: 'device' | 'endpoint';
  tenant: string | null;
  subjectId: string;
  profileId: string;
  matchScore: MatchScore;
}

const BATCH = 500;

/**
 * Profiles a tenant's endpoints after a device sync (C7). While the tenant is enabled, every live device
 * Defender reports an OS for goes into its dynamic profile — `OS_VERSION` (e.g. `Windows11_22H2`), or `OS`
 * when Defender gives no version — with match score Very High; both profiles are made as needed and carry the
 * OS's supported actions. Devices without an OS (and all devices of a disabled tenant) are profiled by the
 * standard rules. Dynamic profiles no live device has any more are deleted. The unmanaged endpoints are
 * profiled by the standard rules in the same run.
 */
export async function profileEndpoints(
  db: Kysely<Database>,
  tenant: string,
  now: Date = new Date(),
): Promise<ProfilingResult> {
  return inTransaction(db, async (trx) => {
    const row = await trx.selectFrom('tenants').select('enabled').where('id', '=', tenant).executeTakeFirst();
    const result = row
      ? await profileTenant(trx, tenant, Number(row.enabled) === 1, now)
      : { devices: 0, dynamicProfiles: 0 };
    const endpoints = await profileUnmanagedEndpoints(trx, now);
    await dropUnusedStandardProfiles(trx);
    return { ...result, endpoints };
  });
}

/** Enabling a tenant's integration: its dynamic profiles come back and its devices return to them. */
export const onTenantEnabled = profileEndpoints;

/**
 * Disabling a tenant's integration: its dynamic profiles are deleted, its devices stay in the replica and
 * are re-profiled by the standard rules (whatever `tenants.enabled` says in `db` at this moment, so it can
 * run in the transaction that switches the tenant off).
 */
export async function onTenantDisabled(
  db: Kysely<Database>,
  tenant: string,
  now: Date = new Date(),
): Promise<ProfilingResult> {
  return inTransaction(db, async (trx) => {
    const result = await profileTenant(trx, tenant, false, now);
    await dropUnusedStandardProfiles(trx);
    return { ...result, endpoints: 0 };
  });
}

/** Re-profiles everything now (after rules changed): every tenant, then the unmanaged endpoints. */
export async function reprofileAll(db: Kysely<Database>, now: Date = new Date()): Promise<ProfilingResult> {
  return inTransaction(db, async (trx) => {
    const tenants = await trx.selectFrom('tenants').select(['id', 'enabled']).orderBy('id').execute();
    const total: ProfilingResult = { devices: 0, endpoints: 0, dynamicProfiles: 0 };
    for (const tenant of tenants) {
      const result = await profileTenant(trx, tenant.id, Number(tenant.enabled) === 1, now);
      total.devices += result.devices;
      total.dynamicProfiles += result.dynamicProfiles;
    }
    total.endpoints = await profileUnmanagedEndpoints(trx, now);
    await dropUnusedStandardProfiles(trx);
    return total;
  });
}

/**
 * Profiles one unmanaged endpoint by the standard rules at once (a host seen for the first time should not
 * wait for the next run); a managed endpoint loses any membership of its own (its device has one).
 */
export async function profileEndpoint(
  db: Kysely<Database>,
  endpointId: string,
  now: Date = new Date(),
): Promise<void> {
  const key = subjectKey({ kind: 'endpoint', id: endpointId });
  const endpoint = await db
    .selectFrom('endpoints')
    .select(['id', 'managed', 'hostname', 'attributes'])
    .where('id', '=', endpointId)
    .executeTakeFirst();
  const existing = await db
    .selectFrom('profile_members')
    .selectAll()
    .where('subject_key', '=', key)
    .executeTakeFirst();
  const rule =
    endpoint && Number(endpoint.managed) !== 1
      ? ruleMatcher(await listProfileRules(db))({
          hostname: endpoint.hostname,
          attributes: observedAttributes(endpoint.attributes),
        })
      : null;
  // Looked up often (every host session of an unknown host): nothing to write, no transaction.
  if (!rule && !existing) return;
  await inTransaction(db, async (trx) => {
    if (!rule) {
      await trx.deleteFrom('profile_members').where('subject_key', '=', key).execute();
      return;
    }
    const spec = standardProfile(rule.profileName);
    await ensureProfiles(trx, [spec], now);
    const wanted: Membership = {
      key,
      kind: 'endpoint',
      tenant: null,
      subjectId: endpointId,
      profileId: spec.id,
      matchScore: rule.matchScore,
    };
    await writeMemberships(trx, existing ? [existing] : [], [wanted], now);
  });
}

async function profileTenant(
  trx: Kysely<Database>,
  tenant: string,
  dynamic: boolean,
  now: Date,
): Promise<{ devices: number; dynamicProfiles: number }> {
  const match = ruleMatcher(await listProfileRules(trx));
  const devices = await trx
    .selectFrom('devices')
    .select(['id', 'dns_name', 'os_platform', 'version', 'os_version'])
    .where('tenant', '=', tenant)
    .where('removed_at', 'is', null)
    .execute();

  const profiles = new Map<string, ProfileSpec>();
  const wanted: Membership[] = [];
  for (const device of devices) {
    const os = device.os_platform?.trim() || null;
    const key = subjectKey({ kind: 'device', tenant, id: device.id });
    if (dynamic && os) {
      const osProfile = dynamicProfile(tenant, 'os', os, null);
      profiles.set(osProfile.id, osProfile);
      const version = device.version?.trim() || device.os_version?.trim() || null;
      let target = osProfile;
      if (version) {
        target = dynamicProfile(tenant, 'os_version', os, version);
        profiles.set(target.id, target);
      }
      wanted.push({
        key,
        kind: 'device',
        tenant,
        subjectId: device.id,
        profileId: target.id,
        matchScore: 'Very High',
      });
      continue;
    }
    const rule = match({ hostname: device.dns_name, attributes: {} } satisfies ProfilingSubject);
    if (!rule) continue;
    const spec = standardProfile(rule.profileName);
    profiles.set(spec.id, spec);
    wanted.push({
      key,
      kind: 'device',
      tenant,
      subjectId: device.id,
      profileId: spec.id,
      matchScore: rule.matchScore,
    });
  }

  await ensureProfiles(trx, [...profiles.values()], now);
  const existing = await trx
    .selectFrom('profile_members')
    .selectAll()
    .where('tenant', '=', tenant)
    .where('subject_kind', '=', 'device')
    .execute();
  await writeMemberships(trx, existing, wanted, now);

  // Dynamic profiles no live device has any more (or all of them, when the tenant is off) go.
  const keep = new Set([...profiles.values()].filter((p) => p.tenant !== null).map((p) => p.id));
  const stale = await trx
    .selectFrom('profiles')
    .select('id')
    .where('tenant', '=', tenant)
    .where('kind', 'in', ['os', 'os_version'])
    .execute();
  const gone = stale.map((p) => p.id).filter((id) => !keep.has(id));
  for (const chunk of chunks(gone)) {
    await trx.deleteFrom('profile_members').where('profile_id', 'in', chunk).execute();
    await trx.deleteFrom('profiles').where('id', 'in', chunk).execute();
  }
  return { devices: wanted.length, dynamicProfiles: keep.size };
}

async function profileUnmanagedEndpoints(trx: Kysely<Database>, now: Date): Promise<number> {
  const match = ruleMatcher(await listProfileRules(trx));
  const endpoints = await trx
    .selectFrom('endpoints')
    .select(['id', 'hostname', 'attributes'])
    .where('managed', '=', 0)
    .execute();
  const profiles = new Map<string, ProfileSpec>();
  const wanted: Membership[] = [];
  for (const endpoint of endpoints) {
    const rule = match({ hostname: endpoint.hostname, attributes: observedAttributes(endpoint.attributes) });
    if (!rule) continue;
    const spec = standardProfile(rule.profileName);
    profiles.set(spec.id, spec);
    wanted.push({
      key: subjectKey({ kind: 'endpoint', id: endpoint.id }),
      kind: 'endpoint',
      tenant: null,
      subjectId: endpoint.id,
      profileId: spec.id,
      matchScore: rule.matchScore,
    });
  }
  await ensureProfiles(trx, [...profiles.values()], now);
  const existing = await trx
    .selectFrom('profile_members')
    .selectAll()
    .where('subject_kind', '=', 'endpoint')
    .execute();
  await writeMemberships(trx, existing, wanted, now);
  return wanted.length;
}

function dynamicProfile(
  tenant: string,
  kind: 'os' | 'os_version',
  os: string,
  version: string | null,
): ProfileSpec {
  const name = kind === 'os' ? os : `${os}_${version}`;
  return { id: profileId(tenant, kind, name), tenant, kind, name, os, osVersion: version };
}

/**
 * Standard profiles carry no supported actions: a guess from a host name is no ground for sending Defender
 * an action (the response pre-flight asks `supportedActionsFor` with the device's own OS instead).
 */
function standardProfile(name: string): ProfileSpec {
  return {
    id: profileId(null, 'standard', name),
    tenant: null,
    kind: 'standard',
    name,
    os: null,
    osVersion: null,
  };
}

/** Inserts the profiles that are missing and refreshes the supported actions of the others. */
async function ensureProfiles(trx: Kysely<Database>, specs: ProfileSpec[], now: Date): Promise<void> {
  const at = now.toISOString();
  for (const chunk of chunks(specs)) {
    const present = new Map(
      (
        await trx
          .selectFrom('profiles')
          .select(['id', 'supported_actions'])
          .where(
            'id',
            'in',
            chunk.map((s) => s.id),
          )
          .execute()
      ).map((p) => [p.id, p.supported_actions]),
    );
    const missing = [];
    for (const spec of chunk) {
      const actions = JSON.stringify(
        spec.kind === 'standard' ? [] : supportedActionsFor(spec.os, spec.osVersion),
      );
      const current = present.get(spec.id);
      if (current === undefined) {
        missing.push({
          id: spec.id,
          tenant: spec.tenant,
          kind: spec.kind,
          name: spec.name,
          os: spec.os,
          os_version: spec.osVersion,
          supported_actions: actions,
          created_at: at,
          updated_at: at,
        });
      } else if (current !== actions) {
        await trx
          .updateTable('profiles')
          .set({ supported_actions: actions, updated_at: at })
          .where('id', '=', spec.id)
          .execute();
      }
    }
    // A concurrent run may have made the same profile: same id, same content, so nothing to do.
    if (missing.length > 0) {
      await trx
        .insertInto('profiles')
        .values(missing)
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    }
  }
}

/** Brings a set of memberships (`existing`) to `wanted`: changed rows rewritten, the rest deleted. */
async function writeMemberships(
  trx: Kysely<Database>,
  existing: { subject_key: string; profile_id: string; match_score: string }[],
  wanted: Membership[],
  now: Date,
): Promise<void> {
  const before = new Map(existing.map((m) => [m.subject_key, m]));
  const changed = wanted.filter((m) => {
    const row = before.get(m.key);
    return !row || row.profile_id !== m.profileId || row.match_score !== m.matchScore;
  });
  const wantedKeys = new Set(wanted.map((m) => m.key));
  const removed = existing.map((m) => m.subject_key).filter((key) => !wantedKeys.has(key));
  const at = now.toISOString();
  for (const chunk of chunks(changed)) {
    await trx
      .insertInto('profile_members')
      .values(
        chunk.map((m) => ({
          subject_key: m.key,
          subject_kind: m.kind,
          tenant: m.tenant,
          subject_id: m.subjectId,
          profile_id: m.profileId,
          match_score: m.matchScore,
          assigned_at: at,
        })),
      )
      .onConflict((oc) =>
        oc.column('subject_key').doUpdateSet((eb) => ({
          profile_id: eb.ref('excluded.profile_id'),
          match_score: eb.ref('excluded.match_score'),
          assigned_at: eb.ref('excluded.assigned_at'),
        })),
      )
      .execute();
  }
  for (const chunk of chunks(removed)) {
    await trx.deleteFrom('profile_members').where('subject_key', 'in', chunk).execute();
  }
}

/** Standard profiles that no rule names and nobody is in. */
async function dropUnusedStandardProfiles(trx: Kysely<Database>): Promise<void> {
  await trx
    .deleteFrom('profiles')
    .where('kind', '=', 'standard')
    .where('tenant', 'is', null)
    .where('name', 'not in', trx.selectFrom('profile_rules').select('profile_name'))
    .where('id', 'not in', trx.selectFrom('profile_members').select('profile_id'))
    .execute();
}

/** An endpoint's observed attributes (JSON object); anything else reads as none. */
export function observedAttributes(text: string | null): Record<string, unknown> {
  try {
    const value = JSON.parse(text ?? '{}');
    return value && typeof value === 'object' && !Array.isArray(value) ? value : {};
  } catch {
    return {};
  }
}

function inTransaction<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(items.slice(i, i + BATCH));
  return out;
}
