/** Helpers shared by the auth tests (not exported from index.ts). */
import { createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { type GeneratedCertificate, generateCertificate } from './keys.js';
import { CLIENT_ASSERTION_TYPE } from './token-endpoint.js';

export const LOGIN_ORIGIN = 'http://127.0.0.1:4455';
export const DEFENDER_SCOPE = 'https://api.securitycenter.microsoft.com/.default';

let cached: GeneratedCertificate[] = [];

/** Test client certificates (generated once per test file). */
export function testCertificate(index = 0): GeneratedCertificate {
  while (cached.length <= index)
    cached = [...cached, generateCertificate({ commonName: `test-client-${cached.length}` })];
  return cached[index];
}

export interface AssertionOptions {
  clientId: string;
  aud: string | string[];
  cert: GeneratedCertificate;
  alg?: 'PS256' | 'RS256';
  thumbprint?: 'x5t#S256' | 'x5t' | 'none';
  nowSec?: number;
  lifetimeSec?: number;
  iss?: string;
  sub?: string;
  /** Sign with another key than the certificate's. */
  signingKeyPem?: string;
}

export async function clientAssertion(o: AssertionOptions): Promise<string> {
  const alg = o.alg ?? 'PS256';
  const now = o.nowSec ?? Math.floor(Date.now() / 1000);
  const header: Record<string, string> = { alg, typ: 'JWT' };
  const thumb = o.thumbprint ?? (alg === 'PS256' ? 'x5t#S256' : 'x5t');
  if (thumb === 'x5t#S256') header['x5t#S256'] = o.cert.x5tS256;
  if (thumb === 'x5t') header.x5t = o.cert.x5t;
  return new SignJWT({
    aud: o.aud,
    exp: now + (o.lifetimeSec ?? 600),
    iss: o.iss ?? o.clientId,
    sub: o.sub ?? o.clientId,
    nbf: now,
    jti: randomUUID(),
  })
    .setProtectedHeader(header as { alg: string })
    .sign(createPrivateKey(o.signingKeyPem ?? o.cert.privateKeyPem));
}

export function form(fields: Record<string, string | undefined>): URLSearchParams {
  const f = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) f.set(k, v);
  return f;
}

export { CLIENT_ASSERTION_TYPE };
