import {
  CLOUD_PROFILES,
  type CloudName,
  COMMERCIAL_DEFENDER_RESOURCE,
  COMMERCIAL_DEFENDER_SCOPE,
  COMMERCIAL_GRAPH_SCOPE,
  type NamedCloud,
} from './cloud-profiles.js';
import type { CloudProfile } from './types.js';

/** The cloud name that needs no table row: the caller supplies the endpoints (e.g. the local emulator). */
export const CUSTOM_CLOUD = 'custom';

/** The name used when `cloud` is not given (undefined, empty or blank). */
export const DEFAULT_CLOUD: NamedCloud = 'commercial';

export interface ResolveCloudInput {
  /**
   * Profile name, case-insensitive (see `cloudNames()`). Not given / blank → `commercial`.
   * An unknown name throws; there is never a silent fallback to some other host.
   */
  cloud?: string;
  apiUrl?: string;
  loginUrl?: string;
  graphUrl?: string;
  portalUrl?: string;
  /** v2 scope, must end in `/.default`. When given alone, `defenderResource` becomes the scope minus `/.default`. */
  defenderScope?: string;
  /** v1 resource / expected `aud`. When given alone, `defenderScope` becomes `<resource>/.default`. */
  defenderResource?: string;
  /** v2 scope for Graph, must end in `/.default`. */
  graphScope?: string;
}

/** Every accepted `cloud` name: the built-in profiles, then `custom`. */
export function cloudNames(): CloudName[] {
  return [...(Object.keys(CLOUD_PROFILES) as NamedCloud[]), CUSTOM_CLOUD];
}

/** The built-in profile for a name, or `undefined`. Case-insensitive. Does not know `custom`. */
export function findCloudProfile(name: string): CloudProfile | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(CLOUD_PROFILES, key) ? CLOUD_PROFILES[key as NamedCloud] : undefined;
}

/** True when the profile has a Graph endpoint (a `custom` profile may leave it out). */
export function hasGraph(profile: CloudProfile): boolean {
  return profile.graphUrl !== '';
}

/** True when the profile has a portal origin for deep links (a `custom` profile may leave it out). */
export function hasPortal(profile: CloudProfile): boolean {
  return profile.portalUrl !== '';
}

type UrlField = 'apiUrl' | 'loginUrl' | 'graphUrl' | 'portalUrl';
const URL_FIELDS: readonly UrlField[] = ['apiUrl', 'loginUrl', 'graphUrl', 'portalUrl'];

/**
 * Resolve a named profile plus overrides into a validated `CloudProfile`.
 *
 * - Named profile (case-insensitive): every URL and scope may be overridden; overridden field names are
 *   listed in `overridden`. Scopes never change implicitly when a URL is overridden.
 * - `custom`: `apiUrl` and `loginUrl` are required (nothing is derived from anything); `graphUrl` and
 *   `portalUrl` are optional and stay `''` when not given (check with `hasGraph` / `hasPortal`).
 *   Token scopes default to the commercial ones (`https://api.securitycenter.microsoft.com/.default`,
 *   `https://graph.microsoft.com/.default`) — what the emulator mints tokens for — unless given.
 * - URLs must be origins: http(s), no user info, path, query or fragment (one trailing `/` is stripped).
 *   `http:` only for loopback hosts (127.0.0.0/8, ::1, localhost); everything else must be https.
 *
 * @throws Error with a message naming the offending field and value.
 */
export function resolveCloud(input: ResolveCloudInput = {}): CloudProfile {
  const requested = blankToUndefined(input.cloud);
  const name = (requested ?? DEFAULT_CLOUD).toLowerCase();

  const urls: Partial<Record<UrlField, string>> = {};
  for (const field of URL_FIELDS) {
    const raw = blankToUndefined(input[field]);
    if (raw !== undefined) urls[field] = validateOrigin(field, raw);
  }
  const defenderScopeIn = optionalScope('defenderScope', input.defenderScope);
  const defenderResourceIn = optionalResource('defenderResource', input.defenderResource);
  const graphScopeIn = optionalScope('graphScope', input.graphScope);

  // Scope/resource pair: an explicit one wins; a lone scope or resource implies the other.
  const defenderPair =
    defenderScopeIn !== undefined || defenderResourceIn !== undefined
      ? {
          defenderScope: defenderScopeIn ?? `${defenderResourceIn}/.default`,
          defenderResource: defenderResourceIn ?? defenderScopeIn!.slice(0, -'/.default'.length),
        }
      : undefined;

  if (name === CUSTOM_CLOUD) {
    const missing = (['apiUrl', 'loginUrl'] as const).filter((f) => urls[f] === undefined);
    if (missing.length > 0) {
      throw new Error(
        `cloud "custom" requires ${missing.join(' and ')} (an origin such as http://127.0.0.1:8080 for the ` +
          'emulator); nothing is derived for a custom cloud. Or pick a named cloud: ' +
          cloudNames()
            .filter((n) => n !== CUSTOM_CLOUD)
            .join(', '),
      );
    }
    const graphUrl = urls.graphUrl ?? '';
    return Object.freeze({
      name: CUSTOM_CLOUD,
      description:
        `Custom endpoints: API ${urls.apiUrl}, sign-in ${urls.loginUrl}` +
        (graphUrl ? `, Graph ${graphUrl}` : ', no Graph endpoint') +
        (urls.portalUrl ? `, portal ${urls.portalUrl}` : ', no portal'),
      apiUrl: urls.apiUrl!,
      loginUrl: urls.loginUrl!,
      graphUrl,
      portalUrl: urls.portalUrl ?? '',
      defenderScope: defenderPair?.defenderScope ?? COMMERCIAL_DEFENDER_SCOPE,
      defenderResource: defenderPair?.defenderResource ?? COMMERCIAL_DEFENDER_RESOURCE,
      graphScope: graphScopeIn ?? (graphUrl ? COMMERCIAL_GRAPH_SCOPE : ''),
    });
  }

  const base = findCloudProfile(name);
  if (base === undefined) {
    throw new Error(
      `Unknown cloud "${input.cloud}". Valid names (case-insensitive): ${cloudNames().join(', ')}`,
    );
  }

  const overrides: Partial<CloudProfile> = { ...urls, ...defenderPair };
  if (graphScopeIn !== undefined) overrides.graphScope = graphScopeIn;
  const overridden = Object.keys(overrides).filter(
    (k) => overrides[k as keyof CloudProfile] !== base[k as keyof CloudProfile],
  );
  if (overridden.length === 0) return base;

  return Object.freeze({
    ...base,
    ...overrides,
    description: `${base.description} (overridden: ${overridden.join(', ')})`,
    overridden: Object.freeze(overridden),
  });
}

// ---- validation ------------------------------------------------------------------------------------

function blankToUndefined(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** 127.0.0.0/8, ::1, localhost. `hostname` as given by WHATWG URL (IPv6 in brackets, normalised). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === 'localhost' || h === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/**
 * Validate that `value` is an http(s) origin and return it normalised (`scheme://host[:port]`, lower-case
 * host, default port dropped, no trailing slash).
 */
export function validateOrigin(field: string, value: string): string {
  const shown = JSON.stringify(value);
  if (/\s/.test(value)) throw new Error(`${field} must be a URL origin without whitespace, got ${shown}`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(
      `${field} is not a valid URL: ${shown} (expected e.g. https://api.securitycenter.microsoft.com)`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`${field} must use https (or http for a loopback emulator), got ${shown}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw new Error(
      `${field} must not contain user info (credentials), got ${JSON.stringify(url.host)} with user info`,
    );
  }
  if (url.pathname !== '/' || value.includes('?') || value.includes('#')) {
    throw new Error(
      `${field} must be an origin only (scheme://host[:port]) with no path, query or fragment, got ${shown}`,
    );
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `${field} must use https; plain http is only allowed for loopback hosts (127.0.0.0/8, ::1, localhost), got ${shown}`,
    );
  }
  return url.origin;
}

function optionalScope(field: string, v: string | undefined): string | undefined {
  const s = blankToUndefined(v);
  if (s === undefined) return undefined;
  if (/\s/.test(s) || !s.endsWith('/.default') || s.length === '/.default'.length) {
    throw new Error(
      `${field} must be a client-credentials scope of the form <resource>/.default, got ${JSON.stringify(s)}`,
    );
  }
  return s;
}

function optionalResource(field: string, v: string | undefined): string | undefined {
  const s = blankToUndefined(v);
  if (s === undefined) return undefined;
  if (/\s/.test(s) || s.endsWith('/.default') || s.endsWith('/')) {
    throw new Error(
      `${field} must be a resource identifier without a trailing "/" or "/.default" (e.g. ` +
        `${COMMERCIAL_DEFENDER_RESOURCE}), got ${JSON.stringify(s)}`,
    );
  }
  return s;
}
