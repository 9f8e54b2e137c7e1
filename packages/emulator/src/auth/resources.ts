/**
 * The resources (APIs) the emulated tenant can mint tokens for, and how a requested scope/resource maps to one.
 * Spec 2.1: Defender's Entra resource is the first-party app WindowsDefenderATP.
 */

export type AudienceKind = 'defender' | 'graph';

export const DEFENDER_APP_ID = 'fc780465-2017-40d4-a0c5-307022471b92';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** `aud` of every Defender token, whichever Defender identifier was requested (see ASSUMPTIONS.md). */
export const DEFENDER_AUDIENCE = 'https://api.securitycenter.microsoft.com';
export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';

export const AUDIENCES: Record<AudienceKind, string> = {
  defender: DEFENDER_AUDIENCE,
  graph: GRAPH_AUDIENCE,
};

/** Resource identifiers as used with v1 `resource=` (and, with `/.default` appended, as v2 scopes). */
const RESOURCE_IDENTIFIERS: Record<string, AudienceKind> = {
  'https://api.securitycenter.microsoft.com': 'defender',
  'https://api.security.microsoft.com': 'defender',
  'https://securitycenter.onmicrosoft.com/windowsatpservice': 'defender',
  [DEFENDER_APP_ID]: 'defender',
  'https://graph.microsoft.com': 'graph',
  [GRAPH_APP_ID]: 'graph',
};

export interface ResolvedResource {
  kind: AudienceKind;
  /** Value of the `aud` claim. */
  audience: string;
  /** App id of the resource (used in the opaque `rh` claim). */
  resourceAppId: string;
}

/**
 * Look up a resource identifier (no `/.default`). Case-insensitive, a trailing `/` is ignored,
 * `api://<guid>` is accepted for the app-id forms.
 */
export function resolveResource(identifier: string): ResolvedResource | undefined {
  let id = identifier.trim().toLowerCase();
  if (id.startsWith('api://')) id = id.slice('api://'.length);
  while (id.endsWith('/')) id = id.slice(0, -1);
  const kind = RESOURCE_IDENTIFIERS[id];
  if (!kind) return undefined;
  return {
    kind,
    audience: AUDIENCES[kind],
    resourceAppId: kind === 'defender' ? DEFENDER_APP_ID : GRAPH_APP_ID,
  };
}
