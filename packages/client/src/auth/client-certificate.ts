import { createHash, createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import { AuthenticationError } from '../errors.js';

/** What MSAL's `auth.clientCertificate` wants, plus facts worth logging. */
export interface ClientCertificate {
  /** Upper-case hex SHA-256 of the leaf certificate's DER (MSAL signs PS256 with `x5t#S256`). */
  thumbprintSha256: string;
  /** Upper-case hex SHA-1, what older Entra portal pages show. */
  thumbprintSha1: string;
  /** PKCS#8 PEM. */
  privateKey: string;
  /** The certificate chain as PEM, leaf first (sent as `x5c`). */
  x5c: string;
  notBefore: Date;
  notAfter: Date;
  subject: string;
}

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

/**
 * Reads a client certificate from a PEM bundle (certificate + key) or a certificate PEM and a separate key PEM,
 * checking what Entra would only reject later with a vaguer AADSTS error: a missing or encrypted key, a
 * non-RSA key, a key that does not belong to the certificate.
 * @example loadClientCertificate(readFileSync('app.pem', 'utf8'))
 */
export function loadClientCertificate(certificatePem: string, privateKeyPem?: string): ClientCertificate {
  const invalid = (message: string, cause?: unknown) =>
    new AuthenticationError('InvalidCertificate', message, undefined, { cause });
  const certs = [...certificatePem.matchAll(CERT_BLOCK)].map((m) => m[0]);
  if (certs.length === 0) {
    throw invalid('The certificate PEM holds no "-----BEGIN CERTIFICATE-----" block.');
  }
  const keyMatch = KEY_BLOCK.exec(privateKeyPem ?? certificatePem);
  if (!keyMatch) {
    throw invalid(
      privateKeyPem === undefined
        ? 'The certificate PEM holds no private key: give a PEM with both the certificate and its private key, or the key separately.'
        : 'The private key PEM holds no PKCS#8 or RSA private key block.',
    );
  }
  if (keyMatch[1].startsWith('ENCRYPTED')) {
    throw invalid(
      'The private key is encrypted with a passphrase: export it unencrypted (openssl pkcs8 -topk8 -nocrypt -in key.pem).',
    );
  }
  let key: KeyObject;
  let x509: X509Certificate;
  try {
    key = createPrivateKey(keyMatch[0]);
  } catch (err) {
    throw invalid(`The private key cannot be read: ${(err as Error).message}`, err);
  }
  try {
    x509 = new X509Certificate(certs[0]);
  } catch (err) {
    throw invalid(`The certificate cannot be read: ${(err as Error).message}`, err);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw invalid(
      `The private key is ${key.asymmetricKeyType?.toUpperCase() ?? 'not RSA'}; Entra ID client assertions need an RSA key.`,
    );
  }
  const thumbprintSha256 = createHash('sha256').update(x509.raw).digest('hex').toUpperCase();
  if (!x509.checkPrivateKey(key)) {
    throw invalid(
      `The private key does not belong to the certificate (SHA-256 thumbprint ${thumbprintSha256}).`,
    );
  }
  return {
    thumbprintSha256,
    thumbprintSha1: createHash('sha1').update(x509.raw).digest('hex').toUpperCase(),
    privateKey: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    x5c: certs.join('\n'),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    subject: x509.subject,
  };
}
