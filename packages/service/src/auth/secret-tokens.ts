import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes as base64url (43 characters), after `prefix`: a session cookie or an API token. */
export function newSecretToken(prefix = ''): string {
  return prefix + randomBytes(32).toString('base64url');
}

/**
 * What the store keeps of a token: its SHA-256 in hex. A plain hash (no salt, no slow KDF) is enough because
 * the token has 256 random bits, and it lets a request be resolved with one indexed look-up.
 */
export function hashSecretToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
