/**
 * Defender portal deep links (spec section 1.5). The origin comes from the profile (`portalUrl`), so GCC
 * links go to security.microsoft.com, GCC High to security.microsoft.us and DoD to security.apps.mil.
 *
 * Every id is URL-encoded as a path segment (or query value). When a tenant id is given, `tid=<tenantId>`
 * is appended to every link (the portal's tenant selector; shown on device, alert and incident links in the
 * spec sources).
 */
import type { CloudProfile } from './types.js';

export interface PortalLinks {
  /** `{portal}/machines/v2/{machineId}/overview[?tid=]` — current device page. */
  device(machineId: string): string;
  /**
   * `{portal}/machines/{machineId}/timeline[?from=<ISO>&to=<ISO>][&tid=]` — device timeline (older
   * `/machines/` form, as seen in public code). Dates are emitted as ISO-8601 UTC (`toISOString()`).
   */
  deviceTimeline(machineId: string, from?: Date | string, to?: Date | string): string;
  /**
   * `{portal}/machines/v2/{machineId}/vulnerabilities[?tid=]`.
   *
   * UNSURE: the spec found NO public source for the device "Vulnerabilities" tab path; this suffix is a
   * guess. UIs should label it as such (see `UNSURE_PORTAL_LINKS`) or fall back to `device()`.
   */
  deviceVulnerabilities(machineId: string): string;
  /**
   * `{portal}/machines/v2/{machineId}/alerts[?tid=]`.
   *
   * UNSURE: the spec found NO public source for the device "Alerts" tab path; this suffix is a guess.
   * UIs should label it as such (see `UNSURE_PORTAL_LINKS`) or fall back to `device()`.
   */
  deviceAlerts(machineId: string): string;
  /** `{portal}/alerts/{alertId}[?tid=]` — [G: security-list-alerts_v2 `alertWebUrl`]. */
  alert(alertId: string): string;
  /** `{portal}/incidents/{incidentId}[?tid=]` — [G: alerts_v2 `incidentWebUrl`], [SWL:get_incidents_list]. */
  incident(incidentId: string | number): string;
  /** `{portal}/vulnerabilities/vulnerability/{cveId}/overview[?tid=]` — CVE page (public code). */
  cve(cveId: string): string;
  /** `{portal}/securityrecommendations?recommendationId=<id>[&tid=]` — recommendation (public code). */
  recommendation(recommendationId: string): string;
}

/** Builders whose URL shape is a guess (no public source); a UI should mark these links as unverified. */
export const UNSURE_PORTAL_LINKS: readonly (keyof PortalLinks)[] = Object.freeze([
  'deviceVulnerabilities',
  'deviceAlerts',
]);

/**
 * Deep-link builders for a profile's portal.
 * @throws Error if the profile has no portal origin (a `custom` profile without `portalUrl`).
 */
export function portalLinks(profile: CloudProfile, tenantId?: string): PortalLinks {
  const portal = profile.portalUrl.replace(/\/+$/, '');
  if (portal === '') {
    throw new Error(
      `cloud "${profile.name}" has no portalUrl; set portalUrl to build Defender portal links (nothing is guessed)`,
    );
  }
  const tid = tenantId?.trim() ? tenantId.trim() : undefined;

  const build = (segments: readonly string[], query: readonly (readonly [string, string])[] = []): string => {
    const params = tid === undefined ? query : [...query, ['tid', tid] as const];
    const qs = params.map(([k, v]) => `${k}=${encodeQueryValue(v)}`).join('&');
    return `${portal}/${segments.join('/')}${qs ? `?${qs}` : ''}`;
  };
  const machine = (id: string, tab: string) => build(['machines', 'v2', seg('machineId', id), tab]);

  return {
    device: (id) => machine(id, 'overview'),
    deviceTimeline: (id, from, to) => {
      const query: [string, string][] = [];
      if (from !== undefined) query.push(['from', isoDate('from', from)]);
      if (to !== undefined) query.push(['to', isoDate('to', to)]);
      return build(['machines', seg('machineId', id), 'timeline'], query);
    },
    deviceVulnerabilities: (id) => machine(id, 'vulnerabilities'),
    deviceAlerts: (id) => machine(id, 'alerts'),
    alert: (id) => build(['alerts', seg('alertId', id)]),
    incident: (id) => build(['incidents', seg('incidentId', String(id))]),
    cve: (id) => build(['vulnerabilities', 'vulnerability', seg('cveId', id), 'overview']),
    recommendation: (id) =>
      build(['securityrecommendations'], [['recommendationId', nonEmpty('recommendationId', id)]]),
  };
}

function nonEmpty(what: string, id: string): string {
  if (typeof id !== 'string' || id.trim() === '') {
    throw new Error(`${what} must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  return id;
}

function seg(what: string, id: string): string {
  return encodeURIComponent(nonEmpty(what, id));
}

/** encodeURIComponent, but keep `:` readable (ISO timestamps); `:` is legal in a query. */
function encodeQueryValue(v: string): string {
  return encodeURIComponent(v).replace(/%3A/gi, ':');
}

function isoDate(what: string, v: Date | string): string {
  const d = v instanceof Date ? v : new Date(v);
  if (Number.isNaN(d.getTime())) throw new Error(`${what} is not a valid date: ${JSON.stringify(String(v))}`);
  return d.toISOString();
}
