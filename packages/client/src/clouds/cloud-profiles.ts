/**
 * The one table of known Defender environments. Data only: no per-cloud code branches anywhere else.
 *
 * Source tags refer to `/work/shared/spec/defender-api.md` section 1 (hosts, clouds, regions, portals) and
 * 2.1 (scopes/resources). Hard-coded endpoint tables drift (pitfalls: "Regions and sovereign clouds"), so
 * every URL here can be overridden through `resolveCloud`, and an unknown cloud name is an error, never a
 * silent fallback.
 */
import type { CloudProfile } from './types.js';

// ---- shared values (each used by several rows) ------------------------------------------------------

/** [D: gov.md] Commercial + GCC sign-in host. */
const LOGIN_COMMERCIAL = 'https://login.microsoftonline.com';
/** [D: gov.md], [XSOAR] token endpoints: GCC High + DoD sign-in host. */
const LOGIN_US_GOV = 'https://login.microsoftonline.us';

/** [microsoftgraph concepts/deployments.md] Commercial and GCC. */
const GRAPH_COMMERCIAL = 'https://graph.microsoft.com';
/** [microsoftgraph concepts/deployments.md] GCC High (US Gov L4). */
const GRAPH_GCC_HIGH = 'https://graph.microsoft.us';
/** [microsoftgraph concepts/deployments.md] DoD (US Gov L5). */
const GRAPH_DOD = 'https://dod-graph.microsoft.us';

/** [D: gov.md] Portal for commercial + GCC. */
const PORTAL_COMMERCIAL = 'https://security.microsoft.com';
/** [D: gov.md] Portal for GCC High. */
const PORTAL_GCC_HIGH = 'https://security.microsoft.us';
/** [D: gov.md] Portal for DoD. */
const PORTAL_DOD = 'https://security.apps.mil';

/**
 * [D:exposed-apis-create-app-webapp] v2 scope; [XSOAR] `SECURITY_CENTER_RESOURCE`, public managed-identity
 * samples: v1 resource. The securitycenter resource is the one that yields a working `aud` even when the
 * API host is `api.security.microsoft.com` or a geo host (pitfall MicrosoftDocs/microsoft-365-docs#9246).
 */
const DEFENDER_RESOURCE_COMMERCIAL = 'https://api.securitycenter.microsoft.com';

/** UNSURE: US Gov resources are the `.us` analogue of the commercial one; not in the spec. */
const DEFENDER_RESOURCE_GCC = 'https://api-gcc.securitycenter.microsoft.us';
const DEFENDER_RESOURCE_GOV = 'https://api-gov.securitycenter.microsoft.us';

const COMMERCIAL_SHARED = {
  loginUrl: LOGIN_COMMERCIAL,
  graphUrl: GRAPH_COMMERCIAL,
  defenderScope: `${DEFENDER_RESOURCE_COMMERCIAL}/.default`,
  defenderResource: DEFENDER_RESOURCE_COMMERCIAL,
  graphScope: `${GRAPH_COMMERCIAL}/.default`,
  portalUrl: PORTAL_COMMERCIAL,
} as const;

const GOV_SCOPE_UNSURE =
  'Defender token scope/resource for US Gov is the .us analogue of the commercial securitycenter ' +
  'resource; not stated in the spec. Public scripts use https://api-gcc.securitycenter.microsoft.us/.default ' +
  'for GCC; one script uses https://api.securitycenter.microsoft.us/.default for GCC High. Override ' +
  'defenderScope if token requests fail (AADSTS500011) or the API answers 401/403.';

// ---- the table -------------------------------------------------------------------------------------

const PROFILES = {
  // [D:get-alerts], [D:isolate-machine], [XSOAR]: long-standing host used by most integrations.
  commercial: {
    name: 'commercial',
    description: 'Commercial (worldwide), api.securitycenter.microsoft.com — the long-standing host',
    apiUrl: 'https://api.securitycenter.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[D:get-alerts]', '[D:isolate-machine]', '[XSOAR]', '[D: gov.md]'],
  },
  // [D:exposed-apis-list]: "service base URI" in current docs. Token still for the securitycenter resource.
  'commercial-security': {
    name: 'commercial-security',
    description: 'Commercial (worldwide), api.security.microsoft.com — the newer "service base URI"',
    apiUrl: 'https://api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[D:exposed-apis-list]', 'pitfall MicrosoftDocs/microsoft-365-docs#9246'],
  },
  // [XSOAR] yml default `url`, test_data/first_response_alerts.json: oldest host.
  'commercial-legacy': {
    name: 'commercial-legacy',
    description:
      'Commercial (worldwide), api.securitycenter.windows.com — oldest host, still seen in integrations',
    apiUrl: 'https://api.securitycenter.windows.com',
    ...COMMERCIAL_SHARED,
    sources: ['[XSOAR]'],
    unsure: ['Whether Microsoft still serves this oldest host long-term is not documented.'],
  },

  // Geo "better performance" hosts, new style:
  // [defender-docs includes/improve-request-performance.md] lists us/eu/uk/au/swa; Learn pages add ina, aea.
  us: {
    name: 'us',
    description: 'Commercial, United States geo host (new style)',
    apiUrl: 'https://us.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[defender-docs includes/improve-request-performance.md]'],
  },
  eu: {
    name: 'eu',
    description: 'Commercial, Europe geo host (new style)',
    apiUrl: 'https://eu.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[defender-docs includes/improve-request-performance.md]'],
  },
  uk: {
    name: 'uk',
    description: 'Commercial, United Kingdom geo host (new style)',
    apiUrl: 'https://uk.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[defender-docs includes/improve-request-performance.md]'],
  },
  au: {
    name: 'au',
    description: 'Commercial, Australia geo host (new style)',
    apiUrl: 'https://au.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[defender-docs includes/improve-request-performance.md]'],
  },
  swa: {
    name: 'swa',
    description: 'Commercial, geo host "swa" (new style; region label not stated in the spec)',
    apiUrl: 'https://swa.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[defender-docs includes/improve-request-performance.md]'],
  },
  // Learn pages (newer than the repo copy of improve-request-performance.md).
  ina: {
    name: 'ina',
    description: 'Commercial, geo host "ina" (new style; region label not stated in the spec)',
    apiUrl: 'https://ina.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['Learn page improve-request-performance'],
  },
  // Learn pages (newer than the repo copy of improve-request-performance.md).
  aea: {
    name: 'aea',
    description: 'Commercial, geo host "aea" (new style; region label not stated in the spec)',
    apiUrl: 'https://aea.api.security.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['Learn page improve-request-performance'],
  },

  // Geo hosts, old style: [microsoft/msticpy docs/source/data_acquisition/DataProv-MSDefender.rst], many integrations.
  'api-us': {
    name: 'api-us',
    description: 'Commercial, United States geo host (old style api-us.securitycenter)',
    apiUrl: 'https://api-us.securitycenter.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[msticpy DataProv-MSDefender.rst]'],
  },
  'api-eu': {
    name: 'api-eu',
    description: 'Commercial, Europe geo host (old style api-eu.securitycenter)',
    apiUrl: 'https://api-eu.securitycenter.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[msticpy DataProv-MSDefender.rst]'],
  },
  'api-uk': {
    name: 'api-uk',
    description: 'Commercial, United Kingdom geo host (old style api-uk.securitycenter)',
    apiUrl: 'https://api-uk.securitycenter.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['[msticpy DataProv-MSDefender.rst]'],
  },
  // UNSURE in the spec: only third-party docs and a PowerShell ValidateSet.
  'api-au': {
    name: 'api-au',
    description:
      'Commercial, Australia geo host (old style api-au.securitycenter) — UNSURE: only third-party evidence',
    apiUrl: 'https://api-au.securitycenter.microsoft.com',
    ...COMMERCIAL_SHARED,
    sources: ['third-party docs', 'a PowerShell ValidateSet'],
    unsure: ['Host api-au.securitycenter.microsoft.com is only seen in third-party docs; prefer `au`.'],
  },

  // US Government. [D: gov.md] for API host, login host and portal; Graph host from
  // [microsoftgraph concepts/deployments.md]. GCC signs in on the COMMERCIAL login host and uses the
  // commercial Graph and portal; only GCC High and DoD use the .us login host.
  gcc: {
    name: 'gcc',
    description: 'US Government GCC (commercial sign-in, Graph and portal; .us API host)',
    apiUrl: 'https://api-gcc.securitycenter.microsoft.us',
    loginUrl: LOGIN_COMMERCIAL,
    graphUrl: GRAPH_COMMERCIAL,
    defenderScope: `${DEFENDER_RESOURCE_GCC}/.default`,
    defenderResource: DEFENDER_RESOURCE_GCC,
    graphScope: `${GRAPH_COMMERCIAL}/.default`,
    portalUrl: PORTAL_COMMERCIAL,
    sources: ['[D: gov.md]', '[microsoftgraph concepts/deployments.md]', '[XSOAR]'],
    unsure: [GOV_SCOPE_UNSURE],
  },
  // [D: gov.md]; [XSOAR] maps gcc-high to api-gov (one embedded copy of its table says api-gcc — drift).
  'gcc-high': {
    name: 'gcc-high',
    description: 'US Government GCC High (.us sign-in, graph.microsoft.us, security.microsoft.us)',
    apiUrl: 'https://api-gov.securitycenter.microsoft.us',
    loginUrl: LOGIN_US_GOV,
    graphUrl: GRAPH_GCC_HIGH,
    defenderScope: `${DEFENDER_RESOURCE_GOV}/.default`,
    defenderResource: DEFENDER_RESOURCE_GOV,
    graphScope: `${GRAPH_GCC_HIGH}/.default`,
    portalUrl: PORTAL_GCC_HIGH,
    sources: ['[D: gov.md]', '[microsoftgraph concepts/deployments.md]', '[XSOAR]'],
    unsure: [GOV_SCOPE_UNSURE],
  },
  // [D: gov.md]: DoD shares the GCC High API host; own Graph host and portal.
  dod: {
    name: 'dod',
    description: 'US Government DoD (.us sign-in, dod-graph.microsoft.us, security.apps.mil)',
    apiUrl: 'https://api-gov.securitycenter.microsoft.us',
    loginUrl: LOGIN_US_GOV,
    graphUrl: GRAPH_DOD,
    defenderScope: `${DEFENDER_RESOURCE_GOV}/.default`,
    defenderResource: DEFENDER_RESOURCE_GOV,
    graphScope: `${GRAPH_DOD}/.default`,
    portalUrl: PORTAL_DOD,
    sources: ['[D: gov.md]', '[microsoftgraph concepts/deployments.md]', '[XSOAR]'],
    unsure: [GOV_SCOPE_UNSURE],
  },
} as const satisfies Record<string, CloudProfile>;

/** Names of the built-in profiles (not including `custom`). */
export type NamedCloud = keyof typeof PROFILES;

/** Every accepted `cloud` value. `custom` has no table row: the caller supplies the endpoints. */
export type CloudName = NamedCloud | 'custom';

function freezeProfile(p: CloudProfile): CloudProfile {
  return Object.freeze({
    ...p,
    ...(p.sources ? { sources: Object.freeze([...p.sources]) } : {}),
    ...(p.unsure ? { unsure: Object.freeze([...p.unsure]) } : {}),
  });
}

/** The built-in profiles, keyed by name. Frozen. */
export const CLOUD_PROFILES: Readonly<Record<NamedCloud, CloudProfile>> = Object.freeze(
  Object.fromEntries(Object.entries(PROFILES).map(([k, v]) => [k, freezeProfile(v)])) as Record<
    NamedCloud,
    CloudProfile
  >,
);

/** The commercial Defender scope/resource and Graph scope; the defaults for the `custom` cloud. */
export const COMMERCIAL_DEFENDER_SCOPE = COMMERCIAL_SHARED.defenderScope;
export const COMMERCIAL_DEFENDER_RESOURCE = COMMERCIAL_SHARED.defenderResource;
export const COMMERCIAL_GRAPH_SCOPE = COMMERCIAL_SHARED.graphScope;
