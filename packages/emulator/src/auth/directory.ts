import {
  createHash,
  type KeyObject,
  randomInt,
  randomUUID,
  timingSafeEqual,
  X509Certificate,
} from 'node:crypto';
import {
  type DiscoveryResult,
  instanceDiscovery,
  type OpenIdConfigurationVersion,
  openidConfiguration,
} from './discovery.js';
import {
  type CertificateThumbprints,
  certificateThumbprints,
  generateSigningKey,
  jwks,
  type SigningKey,
} from './keys.js';
import { handleTokenRequest, type TokenRequest, type TokenResponse } from './token-endpoint.js';
import { type AccessTokenClaims, type VerifyOptions, verifyAccessToken } from './verify.js';

export const DEFAULT_TOKEN_LIFETIME_SECONDS = 3599;
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS_RE = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/i;

export function isGuid(value: string): boolean {
  return GUID_RE.test(value);
}

export function isDnsName(value: string): boolean {
  return DNS_RE.test(value);
}

export interface DirectoryOptions {
  /** Tenant GUID; random when omitted. */
  tenantId?: string;
  /** Verified domain usable in place of the GUID in URLs. Default `contoso-emulated.onmicrosoft.com`. */
  domainName?: string;
  /** Tenant display name, used in AADSTS messages ("... in the directory 'Contoso Emulated'"). */
  displayName?: string;
  /** `expires_in` of issued tokens (default 3599). See `Directory.tokenLifetimeSeconds`. */
  tokenLifetimeSeconds?: number;
  /** `tenant_region_scope` claim and discovery field. Default `NA`. */
  tenantRegionScope?: string;
  /** Reuse a signing key (e.g. persisted); a fresh RSA 2048 key is generated otherwise. */
  signingKey?: SigningKey;
}

export interface RegisterApplicationInput {
  displayName: string;
  /** Defender application permissions (values of `roles` in Defender tokens). */
  roles: string[];
  /** Microsoft Graph application permissions (values of `roles` in Graph tokens). */
  graphRoles?: string[];
  /** PEM certificate to register as a credential (more via `addCertificate`). */
  certificatePem?: string;
  /** Fixed client id (must be a GUID); random when omitted. */
  clientId?: string;
  /** Fixed client secret; an Entra-style random one is generated when omitted. */
  clientSecret?: string;
}

export interface RegisteredApplication {
  clientId: string;
  /** Plain-text secret, returned only here (the directory keeps a SHA-256 hash). */
  clientSecret: string;
  displayName: string;
  roles: string[];
  graphRoles: string[];
  /** Service principal object id (`oid`/`sub` claims). */
  objectId: string;
  /** SHA-1 thumbprint, upper-case hex, of `certificatePem` when one was given. */
  certificateThumbprint?: string;
  /** SHA-256 thumbprint, upper-case hex. */
  certificateThumbprintSha256?: string;
}

export interface ApplicationCertificate extends CertificateThumbprints {
  publicKey: KeyObject;
  validFrom: Date;
  validTo: Date;
}

/** Public view of a registered application (no secret material). */
export interface ApplicationInfo {
  clientId: string;
  displayName: string;
  objectId: string;
  roles: string[];
  graphRoles: string[];
  secretCount: number;
  certificates: ApplicationCertificate[];
}

interface ApplicationRecord {
  clientId: string;
  displayName: string;
  objectId: string;
  roles: string[];
  graphRoles: string[];
  secretHashes: Buffer[];
  certificates: ApplicationCertificate[];
}

export type TenantResolution =
  | { ok: true; tenantId: string }
  | { ok: false; reason: 'empty-guid' | 'not-found' | 'invalid' | 'multi-tenant'; segment: string };

const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_TAIL_ALPHABET = `${SECRET_ALPHABET}~._-`;

/** A 40-character secret in the shape Entra issues today (`xxxQ~` + 35 characters of `[A-Za-z0-9~._-]`). */
export function generateClientSecret(): string {
  let s = '';
  for (let i = 0; i < 3; i++) s += SECRET_ALPHABET[randomInt(SECRET_ALPHABET.length)];
  s += 'Q~';
  for (let i = 0; i < 35; i++) s += SECRET_TAIL_ALPHABET[randomInt(SECRET_TAIL_ALPHABET.length)];
  return s;
}

function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

function parseCertificate(pem: string): ApplicationCertificate {
  const x509 = new X509Certificate(pem);
  return {
    ...certificateThumbprints(x509),
    publicKey: x509.publicKey,
    validFrom: new Date(x509.validFrom),
    validTo: new Date(x509.validTo),
  };
}

/**
 * The emulated Entra tenant: its identity, registered applications (client credentials + granted roles),
 * token lifetime and signing key. The protocol functions (`handleTokenRequest`, `openidConfiguration`,
 * `verifyAccessToken`) take a Directory; the same operations are available as methods here.
 */
export class Directory {
  readonly tenantId: string;
  readonly domainName: string;
  displayName: string;
  /**
   * Lifetime of issued access tokens in seconds = `expires_in`. Settable at any time (fault injection:
   * short-lived tokens). Like Entra, `iat`/`nbf` are back-dated 5 minutes and `exp = now + lifetime + 1`,
   * so the default gives `exp - iat = 3900` as in the real sample.
   */
  tokenLifetimeSeconds: number;
  tenantRegionScope: string;
  readonly signingKey: SigningKey;
  private readonly apps = new Map<string, ApplicationRecord>();

  constructor(options: DirectoryOptions = {}) {
    const tenantId = (options.tenantId ?? randomUUID()).toLowerCase();
    if (!isGuid(tenantId) || tenantId === EMPTY_GUID)
      throw new Error(`tenantId must be a non-empty GUID: ${tenantId}`);
    const domainName = (options.domainName ?? 'contoso-emulated.onmicrosoft.com').toLowerCase();
    if (!isDnsName(domainName)) throw new Error(`domainName must be a DNS name: ${domainName}`);
    this.tenantId = tenantId;
    this.domainName = domainName;
    this.displayName = options.displayName ?? 'Contoso Emulated';
    this.tokenLifetimeSeconds = options.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
    this.tenantRegionScope = options.tenantRegionScope ?? 'NA';
    this.signingKey = options.signingKey ?? generateSigningKey();
  }

  // ---- applications --------------------------------------------------------------------------------------

  register(input: RegisterApplicationInput): RegisteredApplication {
    const clientId = (input.clientId ?? randomUUID()).toLowerCase();
    if (!isGuid(clientId)) throw new Error(`clientId must be a GUID: ${clientId}`);
    if (this.apps.has(clientId)) throw new Error(`application ${clientId} is already registered`);
    const clientSecret = input.clientSecret ?? generateClientSecret();
    const record: ApplicationRecord = {
      clientId,
      displayName: input.displayName,
      objectId: randomUUID(),
      roles: [...input.roles],
      graphRoles: [...(input.graphRoles ?? [])],
      secretHashes: [hashSecret(clientSecret)],
      certificates: [],
    };
    const result: RegisteredApplication = {
      clientId,
      clientSecret,
      displayName: record.displayName,
      roles: [...record.roles],
      graphRoles: [...record.graphRoles],
      objectId: record.objectId,
    };
    if (input.certificatePem) {
      const cert = parseCertificate(input.certificatePem);
      record.certificates.push(cert);
      result.certificateThumbprint = cert.sha1Hex;
      result.certificateThumbprintSha256 = cert.sha256Hex;
    }
    this.apps.set(clientId, record);
    return result;
  }

  /** Add a secret (generated when omitted); returns it in plain text. */
  addSecret(clientId: string, secret: string = generateClientSecret()): string {
    this.record(clientId).secretHashes.push(hashSecret(secret));
    return secret;
  }

  /** Remove every secret (a certificate-only app). */
  removeSecrets(clientId: string): void {
    this.record(clientId).secretHashes = [];
  }

  addCertificate(clientId: string, certificatePem: string): CertificateThumbprints {
    const cert = parseCertificate(certificatePem);
    this.record(clientId).certificates.push(cert);
    return { sha1Hex: cert.sha1Hex, sha256Hex: cert.sha256Hex, x5t: cert.x5t, x5tS256: cert.x5tS256 };
  }

  /** Replace granted permissions (tokens minted afterwards carry the new roles). */
  setRoles(clientId: string, roles: string[], graphRoles?: string[]): void {
    const rec = this.record(clientId);
    rec.roles = [...roles];
    if (graphRoles) rec.graphRoles = [...graphRoles];
  }

  removeApplication(clientId: string): boolean {
    return this.apps.delete(clientId.toLowerCase());
  }

  getApplication(clientId: string): ApplicationInfo | undefined {
    const rec = this.apps.get(clientId.toLowerCase());
    return rec ? toInfo(rec) : undefined;
  }

  listApplications(): ApplicationInfo[] {
    return [...this.apps.values()].map(toInfo);
  }

  /** Constant-time check of a presented secret against the stored hashes. */
  verifySecret(clientId: string, secret: string): boolean {
    const rec = this.apps.get(clientId.toLowerCase());
    if (!rec) return false;
    const presented = hashSecret(secret);
    let ok = false;
    for (const h of rec.secretHashes) if (timingSafeEqual(h, presented)) ok = true;
    return ok;
  }

  /** A registered certificate of the app matching a JWS `x5t#S256` (preferred) or `x5t` header. */
  findCertificate(
    clientId: string,
    thumbprint: { x5t?: string; x5tS256?: string },
  ): ApplicationCertificate | undefined {
    const rec = this.apps.get(clientId.toLowerCase());
    if (!rec) return undefined;
    if (thumbprint.x5tS256) return rec.certificates.find((c) => c.x5tS256 === thumbprint.x5tS256);
    if (thumbprint.x5t) return rec.certificates.find((c) => c.x5t === thumbprint.x5t);
    return undefined;
  }

  private record(clientId: string): ApplicationRecord {
    const rec = this.apps.get(clientId.toLowerCase());
    if (!rec) throw new Error(`application ${clientId} is not registered`);
    return rec;
  }

  // ---- tenant ------------------------------------------------------------------------------------------

  /** Resolve the `{tenant}` path segment of a login URL: our GUID or our domain name (case-insensitive). */
  resolveTenant(segment: string): TenantResolution {
    const s = segment.trim().toLowerCase();
    if (s === 'common' || s === 'organizations' || s === 'consumers')
      return { ok: false, reason: 'multi-tenant', segment };
    if (isGuid(s)) {
      if (s === EMPTY_GUID) return { ok: false, reason: 'empty-guid', segment };
      return s === this.tenantId
        ? { ok: true, tenantId: this.tenantId }
        : { ok: false, reason: 'not-found', segment };
    }
    if (isDnsName(s)) {
      return s === this.domainName
        ? { ok: true, tenantId: this.tenantId }
        : { ok: false, reason: 'not-found', segment };
    }
    return { ok: false, reason: 'invalid', segment };
  }

  /** Access-token issuer (v1 tokens, also from the v2 endpoint – spec 2.5). */
  get accessTokenIssuer(): string {
    return `https://sts.windows.net/${this.tenantId}/`;
  }

  // ---- protocol shortcuts ---------------------------------------------------------------------------------

  jwks(): ReturnType<typeof jwks> {
    return jwks(this.signingKey);
  }

  handleTokenRequest(request: TokenRequest): Promise<TokenResponse> {
    return handleTokenRequest(this, request);
  }

  openidConfiguration(
    tenantSegment: string,
    loginOrigin: string,
    version: OpenIdConfigurationVersion = 'v2',
  ): DiscoveryResult {
    return openidConfiguration(this, tenantSegment, loginOrigin, version);
  }

  instanceDiscovery(
    query: URLSearchParams,
    loginOrigin: string,
    nowMs: number = Date.now(),
  ): DiscoveryResult {
    return instanceDiscovery(this, query, loginOrigin, nowMs);
  }

  verifyAccessToken(
    authorizationHeader: string | undefined,
    options: VerifyOptions,
  ): Promise<AccessTokenClaims> {
    return verifyAccessToken(this, authorizationHeader, options);
  }
}

function toInfo(rec: ApplicationRecord): ApplicationInfo {
  return {
    clientId: rec.clientId,
    displayName: rec.displayName,
    objectId: rec.objectId,
    roles: [...rec.roles],
    graphRoles: [...rec.graphRoles],
    secretCount: rec.secretHashes.length,
    certificates: rec.certificates.map((c) => ({ ...c })),
  };
}
