import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  X509Certificate,
} from 'node:crypto';
import { generate as generateSelfSigned } from 'selfsigned';

/**
 * The token-signing key of the emulated Entra tenant.
 *
 * Like Entra, the key comes with a (self-signed) certificate: `x5t` is the base64url SHA-1 thumbprint of that
 * certificate and `kid` equals `x5t` (that is what login.microsoftonline.com publishes for its v1 keys).
 */
export interface SigningKey {
  kid: string;
  x5t: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PEM of the self-signed certificate wrapping the public key. */
  certificatePem: string;
  /** base64 DER of the certificate (the `x5c` entry). */
  x5c: string;
}

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  alg: 'RS256';
  x5c: string[];
  issuer?: string;
}

export interface CertificateThumbprints {
  /** SHA-1 of the DER, upper-case hex without separators (what the Entra portal shows). */
  sha1Hex: string;
  /** SHA-256 of the DER, upper-case hex. */
  sha256Hex: string;
  /** base64url SHA-1 (JWS `x5t`). */
  x5t: string;
  /** base64url SHA-256 (JWS `x5t#S256`). */
  x5tS256: string;
}

export function certificateThumbprints(cert: X509Certificate | string): CertificateThumbprints {
  const x509 = typeof cert === 'string' ? new X509Certificate(cert) : cert;
  const sha1 = createHash('sha1').update(x509.raw).digest();
  const sha256 = createHash('sha256').update(x509.raw).digest();
  return {
    sha1Hex: sha1.toString('hex').toUpperCase(),
    sha256Hex: sha256.toString('hex').toUpperCase(),
    x5t: sha1.toString('base64url'),
    x5tS256: sha256.toString('base64url'),
  };
}

export interface GeneratedCertificate extends CertificateThumbprints {
  certificatePem: string;
  /** PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`), what MSAL's `clientCertificate.privateKey` wants. */
  privateKeyPem: string;
  publicKeyPem: string;
}

export interface GenerateCertificateOptions {
  commonName?: string;
  /** DNS names and IP addresses for subjectAltName (needed for a TLS server certificate). */
  dnsNames?: string[];
  ipAddresses?: string[];
  days?: number;
  /** Defaults to 2048 (jose and Entra refuse smaller RSA keys). */
  modulusLength?: number;
  /** Start of validity; defaults to one hour ago so small clock differences do not matter. */
  notBefore?: Date;
}

/**
 * A self-signed RSA certificate (SHA-256 signature, CA:true so it can be trusted directly as its own root).
 * Used for the tenant signing key, for test client certificates and for an HTTPS listener.
 * Key generation uses node:crypto (fast); `selfsigned` only builds and signs the certificate.
 */
export function generateCertificate(options: GenerateCertificateOptions = {}): GeneratedCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: options.modulusLength ?? 2048,
  });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const altNames = [
    ...(options.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(options.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
  ];
  const extensions: object[] = [
    { name: 'basicConstraints', cA: true },
    { name: 'keyUsage', keyCertSign: true, digitalSignature: true, keyEncipherment: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  // `keyPair` is supported by selfsigned 3 but missing from its typings.
  const opts = {
    days: options.days ?? 365,
    algorithm: 'sha256',
    notBeforeDate: options.notBefore ?? new Date(Date.now() - 3600_000),
    extensions,
    keyPair: { privateKey: privateKeyPem, publicKey: publicKeyPem },
  };
  const pems = generateSelfSigned([{ name: 'commonName', value: options.commonName ?? 'emulator' }], opts);
  const certificatePem = pems.cert.replace(/\r\n/g, '\n');
  return { certificatePem, privateKeyPem, publicKeyPem, ...certificateThumbprints(certificatePem) };
}

export function generateSigningKey(commonName = 'emulated-entra-token-signing'): SigningKey {
  const generated = generateCertificate({ commonName, days: 3650 });
  const x509 = new X509Certificate(generated.certificatePem);
  return fromCertificate(generated.certificatePem, generated.privateKeyPem, x509);
}

/** Rebuild a signing key from PEMs (e.g. persisted between emulator runs). */
export function signingKeyFromPem(certificatePem: string, privateKeyPem: string): SigningKey {
  return fromCertificate(certificatePem, privateKeyPem, new X509Certificate(certificatePem));
}

function fromCertificate(certificatePem: string, privateKeyPem: string, x509: X509Certificate): SigningKey {
  const thumbs = certificateThumbprints(x509);
  return {
    kid: thumbs.x5t,
    x5t: thumbs.x5t,
    privateKey: createPrivateKey(privateKeyPem),
    publicKey: x509.publicKey,
    certificatePem,
    x5c: x509.raw.toString('base64'),
  };
}

/** The public JWK of a signing key in the shape `/discovery/v2.0/keys` publishes. */
export function publicJwk(key: SigningKey, issuer?: string): Jwk {
  const jwk = key.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  const out: Jwk = {
    kty: 'RSA',
    use: 'sig',
    kid: key.kid,
    x5t: key.x5t,
    n: jwk.n,
    e: jwk.e,
    alg: 'RS256',
    x5c: [key.x5c],
  };
  if (issuer) out.issuer = issuer;
  return out;
}

/** `{ keys: [...] }` as served at `/{tenant}/discovery/v2.0/keys` and `/common/discovery/keys`. */
export function jwks(keys: SigningKey | readonly SigningKey[], issuer?: string): { keys: Jwk[] } {
  const list = Array.isArray(keys) ? (keys as readonly SigningKey[]) : [keys as SigningKey];
  return { keys: list.map((k) => publicJwk(k, issuer)) };
}
