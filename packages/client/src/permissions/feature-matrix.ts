/**
 * Which bridge features a token's application permissions (`roles`, spec 2.6) allow, and what each missing
 * permission disables — the permission step of Test Connection (PRODUCT C2).
 */

/** Every Defender application permission the bridge looks at. */
export const DEFENDER_ROLES = [
  'Machine.Read.All',
  'Machine.ReadWrite.All',
  'Machine.Isolate',
  'Machine.Scan',
  'Alert.Read.All',
  'Alert.ReadWrite.All',
  'Vulnerability.Read.All',
  'Software.Read.All',
  'SecurityRecommendation.Read.All',
  'AdvancedQuery.Read.All',
  'Score.Read.All',
  'Machine.LiveResponse',
  'Machine.RestrictExecution',
  'Ti.ReadWrite.All',
] as const;

/** Microsoft Graph application permissions the bridge can use instead (alerts_v2, runHuntingQuery). */
export const GRAPH_ROLES = [
  'SecurityAlert.Read.All',
  'SecurityAlert.ReadWrite.All',
  'ThreatHunting.Read.All',
] as const;

export const Features = [
  'inventory',
  'alerts',
  'alertUpdates',
  'isolate',
  'scan',
  'tags',
  'vulnerabilities',
  'software',
  'recommendations',
  'hunting',
  'scores',
] as const;

export type Feature = (typeof Features)[number];

interface FeatureRequirement {
  /** Defender roles, any of which enables the feature (ReadWrite roles listed beside Read). */
  anyOf: string[];
  /** Graph roles that enable it too, counted only when Graph roles are given. */
  graphAnyOf?: string[];
  /** What is lost, as the object of "… is/are disabled". */
  disables: string;
}

export const FEATURE_REQUIREMENTS: Record<Feature, FeatureRequirement> = {
  inventory: {
    anyOf: ['Machine.Read.All', 'Machine.ReadWrite.All'],
    disables: 'device inventory and host look-ups are',
  },
  alerts: {
    anyOf: ['Alert.Read.All', 'Alert.ReadWrite.All'],
    graphAnyOf: ['SecurityAlert.Read.All', 'SecurityAlert.ReadWrite.All'],
    disables: 'alert sync and detection validation are',
  },
  alertUpdates: {
    anyOf: ['Alert.ReadWrite.All'],
    graphAnyOf: ['SecurityAlert.ReadWrite.All'],
    disables: 'updating alerts (status, assignment, classification) is',
  },
  isolate: { anyOf: ['Machine.Isolate'], disables: 'isolate and release are' },
  scan: { anyOf: ['Machine.Scan'], disables: 'antivirus scans are' },
  tags: { anyOf: ['Machine.ReadWrite.All'], disables: 'device tags are' },
  vulnerabilities: { anyOf: ['Vulnerability.Read.All'], disables: 'vulnerability sync is' },
  software: { anyOf: ['Software.Read.All'], disables: 'software inventory is' },
  recommendations: {
    anyOf: ['SecurityRecommendation.Read.All'],
    disables: 'security recommendations are',
  },
  hunting: {
    anyOf: ['AdvancedQuery.Read.All'],
    graphAnyOf: ['ThreatHunting.Read.All'],
    disables: 'advanced hunting and process stitching are',
  },
  scores: { anyOf: ['Score.Read.All'], disables: 'exposure and secure scores are' },
};

export interface FeatureStatus {
  enabled: boolean;
  /** Roles any one of which enables the feature. */
  anyOf: string[];
  /** The held roles that enable it (empty when disabled). */
  grantedBy: string[];
  /** Why it is disabled. */
  reason?: string;
}

export interface FeatureMatrix {
  /** Every role the bridge cares about → held or not (Graph roles only when Graph roles were given). */
  permissions: Record<string, boolean>;
  features: Record<Feature, FeatureStatus>;
}

/**
 * The `roles` claim of an access token, read without verifying the signature (the token was just issued to
 * us; this is for reporting, never for trust). Anything unreadable gives `[]`.
 * @example rolesOf(await provider.getToken('defender')) // ['Machine.Read.All', …]
 */
export function rolesOf(accessToken: string): string[] {
  if (typeof accessToken !== 'string') return [];
  const parts = accessToken
    .trim()
    .replace(/^Bearer\s+/i, '')
    .split('.');
  if (parts.length < 2 || !/^[A-Za-z0-9_-]+={0,2}$/.test(parts[1])) return [];
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    const roles = (payload as { roles?: unknown } | null)?.roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Which features the roles allow. Pass `graphRoles` (the Graph token's roles) to count Graph alternatives
 * (alerts_v2, runHuntingQuery); without it only Defender roles count.
 * @example featureMatrix(rolesOf(token)).features.isolate.enabled
 */
export function featureMatrix(
  roles: readonly string[],
  options: { graphRoles?: readonly string[] } = {},
): FeatureMatrix {
  const held = new Set(roles);
  const graphHeld = options.graphRoles ? new Set(options.graphRoles) : undefined;
  const permissions: Record<string, boolean> = {};
  for (const role of DEFENDER_ROLES) permissions[role] = held.has(role);
  if (graphHeld) for (const role of GRAPH_ROLES) permissions[role] = graphHeld.has(role);

  const features = {} as Record<Feature, FeatureStatus>;
  for (const feature of Features) {
    const req = FEATURE_REQUIREMENTS[feature];
    const graphAnyOf = graphHeld ? (req.graphAnyOf ?? []) : [];
    const anyOf = [...req.anyOf, ...graphAnyOf];
    const grantedBy = [
      ...req.anyOf.filter((r) => held.has(r)),
      ...graphAnyOf.filter((r) => graphHeld?.has(r)),
    ];
    const enabled = grantedBy.length > 0;
    features[feature] = enabled
      ? { enabled, anyOf, grantedBy }
      : {
          enabled,
          anyOf,
          grantedBy,
          reason: `Needs ${orList(req.anyOf)} (WindowsDefenderATP application permission, admin-consented)${
            graphAnyOf.length > 0 ? ` or the Microsoft Graph permission ${orList(graphAnyOf)}` : ''
          }.`,
        };
  }
  return { permissions, features };
}

/**
 * One line per missing permission set, naming what it disables, for Test Connection.
 * @example describeMissing(matrix) // ['Missing Machine.Isolate: isolate and release are disabled', …]
 */
export function describeMissing(matrix: FeatureMatrix): string[] {
  const byRoles = new Map<string, Feature[]>();
  for (const feature of Features) {
    const status = matrix.features[feature];
    if (!status || status.enabled) continue;
    const key = orList(status.anyOf);
    byRoles.set(key, [...(byRoles.get(key) ?? []), feature]);
  }
  return [...byRoles].map(([roles, features]) => {
    const lost = features.map((f) => FEATURE_REQUIREMENTS[f].disables);
    const text =
      lost.length === 1
        ? `${lost[0]} disabled`
        : `${lost.map((l) => l.replace(/ (is|are)$/, '')).join('; ')} are disabled`;
    return `Missing ${roles}: ${text}`;
  });
}

function orList(roles: readonly string[]): string {
  return roles.length <= 1
    ? (roles[0] ?? '')
    : `${roles.slice(0, -1).join(', ')} or ${roles[roles.length - 1]}`;
}
