/**
 * Tables of OS profiles, profiling rules and memberships (issue 6). Add each table's interface to `ProfilesTables`, and its name to exactly one of the two
 * lists below: the store will not compile until every table is in one (removing a tenant must not leave
 * its rows behind).
 */
export interface ProfilesTables {
  profiles: ProfileTable;
  profile_rules: ProfileRuleTable;
  profile_members: ProfileMemberTable;
}

export type ProfileKind = 'os' | 'os_version' | 'standard';

/**
 * A profile: dynamic ones (`os`, `os_version`) are built from one tenant's Defender data and belong to it;
 * standard ones (`tenant` null) are named by the standard rules and belong to the bridge. The id is derived
 * from (tenant, kind, name), so a profile deleted and made again keeps its id (and its links).
 */
export interface ProfileTable {
  id: string;
  /** tenants.id for dynamic profiles; null for standard ones. */
  tenant: string | null;
  kind: ProfileKind;
  name: string;
  os: string | null;
  os_version: string | null;
  /** JSON array of `ResponseAction` (profiles/supported-actions.ts). */
  supported_actions: string;
  created_at: string;
  updated_at: string;
}

/** A standard, user-editable profiling rule for endpoints Defender gives no OS for. */
export interface ProfileRuleTable {
  id: string;
  name: string;
  /** The standard profile a match puts the endpoint in (made on first use). */
  profile_name: string;
  /** A glob (`*-dc*`) or an anchored regex (`^…$`), matched case-insensitively; null = any host name. */
  hostname_pattern: string | null;
  /** JSON object: observed attribute → the value it must equal (all of them). */
  attributes: string;
  match_score: string;
  /** Higher first. */
  priority: number;
  enabled: number;
  /** 1 for the rules the bridge ships (still editable and deletable). */
  builtin: number;
  created_at: string;
  updated_at: string;
}

/** The one current profile of a subject: a Defender device or a network-observed (unmanaged) endpoint. */
export interface ProfileMemberTable {
  /** `device/<tenant>/<device id>` or `endpoint/<endpoint id>`: one row per subject. */
  subject_key: string;
  subject_kind: 'device' | 'endpoint';
  /** tenants.id for devices; null for unmanaged endpoints. */
  tenant: string | null;
  /** devices.id or endpoints.id. */
  subject_id: string;
  profile_id: string;
  match_score: string;
  /** When the subject entered this profile. */
  assigned_at: string;
}

/**
 * Tables keyed by `tenant` (tenants.id): their rows go when the tenant is removed. Only the tenant's rows
 * (dynamic profiles, its devices' memberships); standard profiles and endpoint memberships have no tenant.
 */
export const profilesTenantTables = { profiles: true, profile_members: true } as const satisfies Partial<
  Record<keyof ProfilesTables, true>
>;

/** Tables of the bridge itself (not of one Defender tenant). */
export const profilesBridgeTables = ['profile_rules'] as const satisfies readonly (keyof ProfilesTables)[];
