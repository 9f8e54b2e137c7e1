import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../store/schema.js';
import type { ProfileRuleTable } from '../store/schema-profiles.js';
import type { MatchScore } from './endpoint-profile.js';
import { compileHostnamePattern, ProfileRuleInputError } from './hostname-pattern.js';

/** Standard rules guess: "Very High" is kept for what Defender itself says. */
export const RuleMatchScores = ['High', 'Medium', 'Low'] as const satisfies readonly MatchScore[];
export type RuleMatchScore = (typeof RuleMatchScores)[number];

/** CONTRACT.md ProfileRule. */
export interface ProfileRule {
  id: string;
  name: string;
  profileName: string;
  hostnamePattern: string | null;
  attributes: Record<string, string>;
  matchScore: RuleMatchScore;
  priority: number;
  enabled: boolean;
  builtin: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface ProfileRuleInput {
  name: string;
  profileName: string;
  hostnamePattern?: string | null;
  attributes?: Record<string, string>;
  matchScore: RuleMatchScore;
  priority?: number;
  enabled?: boolean;
}

/** What a rule looks at: the observed host name (FQDN or short) and attributes. */
export interface ProfilingSubject {
  hostname: string | null;
  attributes: Record<string, unknown>;
}

export class ProfileRuleNotFoundError extends Error {
  override name = 'ProfileRuleNotFoundError';
}

/** Every rule, the one that wins first (priority high to low, then name). */
export async function listProfileRules(db: Kysely<Database>): Promise<ProfileRule[]> {
  const rows = await db
    .selectFrom('profile_rules')
    .selectAll()
    .orderBy('priority', 'desc')
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map(toRule);
}

export async function getProfileRule(db: Kysely<Database>, id: string): Promise<ProfileRule> {
  const row = await db.selectFrom('profile_rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new ProfileRuleNotFoundError(`profile rule '${id}' not found`);
  return toRule(row);
}

export async function createProfileRule(
  db: Kysely<Database>,
  input: ProfileRuleInput,
  now: Date = new Date(),
): Promise<ProfileRule> {
  const checked = checkRule(input);
  const at = now.toISOString();
  const row: Selectable<ProfileRuleTable> = {
    id: randomUUID(),
    ...checked,
    builtin: 0,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('profile_rules').values(row).execute();
  return toRule(row);
}

export async function updateProfileRule(
  db: Kysely<Database>,
  id: string,
  patch: Partial<ProfileRuleInput>,
  now: Date = new Date(),
): Promise<{ rule: ProfileRule; changed: string[] }> {
  const current = await getProfileRule(db, id);
  const next = { ...current, ...definedOnly(patch) };
  const checked = checkRule(next);
  const changed = Object.keys(definedOnly(patch)).filter(
    (key) =>
      JSON.stringify(current[key as keyof ProfileRule]) !== JSON.stringify(next[key as keyof ProfileRule]),
  );
  const updatedAt = now.toISOString();
  await db
    .updateTable('profile_rules')
    .set({ ...checked, updated_at: updatedAt })
    .where('id', '=', id)
    .execute();
  return { rule: { ...next, ...toRuleFields(checked), updatedAt }, changed };
}

export async function deleteProfileRule(db: Kysely<Database>, id: string): Promise<ProfileRule> {
  const rule = await getProfileRule(db, id);
  await db.deleteFrom('profile_rules').where('id', '=', id).execute();
  return rule;
}

/**
 * The rule that profiles a subject: the enabled rules in order, the first whose host name pattern (if any)
 * matches the full name or its first label, and whose attributes (if any) all equal the observed ones.
 */
export function ruleMatcher(
  rules: readonly ProfileRule[],
): (subject: ProfilingSubject) => ProfileRule | null {
  const compiled = rules
    .filter((rule) => rule.enabled)
    .map((rule) => ({
      rule,
      name: rule.hostnamePattern ? compileHostnamePattern(rule.hostnamePattern) : null,
    }));
  return (subject) => {
    const full = (subject.hostname ?? '').toLowerCase();
    const short = full.split('.')[0] ?? '';
    for (const { rule, name } of compiled) {
      if (name && !(full !== '' && (name(full) || name(short)))) continue;
      if (!attributesMatch(rule.attributes, subject.attributes)) continue;
      return rule;
    }
    return null;
  };
}

function attributesMatch(wanted: Record<string, string>, observed: Record<string, unknown>): boolean {
  for (const [key, value] of Object.entries(wanted)) {
    const seen = observed[key];
    if (seen === null || seen === undefined || typeof seen === 'object') return false;
    if (String(seen).toLowerCase() !== value.toLowerCase()) return false;
  }
  return true;
}

type CheckedRule = Pick<
  ProfileRuleTable,
  'name' | 'profile_name' | 'hostname_pattern' | 'attributes' | 'match_score' | 'priority' | 'enabled'
>;

/** Validates a whole rule (the route's schema already bounds types and lengths). */
function checkRule(input: ProfileRuleInput): CheckedRule {
  const name = input.name.trim();
  if (name === '') throw new ProfileRuleInputError('a rule needs a name', 'name');
  const profileName = input.profileName.trim();
  if (profileName === '') throw new ProfileRuleInputError('a rule needs a profile name', 'profileName');
  const pattern = input.hostnamePattern?.trim() || null;
  if (pattern !== null) compileHostnamePattern(pattern);
  const attributes = input.attributes ?? {};
  if (pattern === null && Object.keys(attributes).length === 0) {
    throw new ProfileRuleInputError(
      'a rule needs a host name pattern or attributes to match',
      'hostnamePattern',
    );
  }
  if (!RuleMatchScores.includes(input.matchScore)) {
    throw new ProfileRuleInputError(`matchScore is one of ${RuleMatchScores.join(', ')}`, 'matchScore');
  }
  return {
    name,
    profile_name: profileName,
    hostname_pattern: pattern,
    attributes: JSON.stringify(attributes),
    match_score: input.matchScore,
    priority: Math.trunc(input.priority ?? 0),
    enabled: input.enabled === false ? 0 : 1,
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toRuleFields(row: CheckedRule): Omit<ProfileRule, 'id' | 'builtin' | 'createdAt' | 'updatedAt'> {
  return {
    name: row.name,
    profileName: row.profile_name,
    hostnamePattern: row.hostname_pattern,
    attributes: parseAttributes(row.attributes),
    matchScore: row.match_score as RuleMatchScore,
    priority: Number(row.priority),
    enabled: Number(row.enabled) === 1,
  };
}

function toRule(row: Selectable<ProfileRuleTable>): ProfileRule {
  return {
    id: row.id,
    ...toRuleFields(row),
    builtin: Number(row.builtin) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A JSON object of strings; anything else in the column reads as no attributes. */
export function parseAttributes(text: string | null): Record<string, string> {
  try {
    const value = JSON.parse(text ?? '{}');
    if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  } catch {
    return {};
  }
}
