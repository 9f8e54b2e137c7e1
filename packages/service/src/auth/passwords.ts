/**
 * Password hashing with scrypt (node:crypto, no native add-on). The parameters travel with each hash
 * (`scrypt$N$r$p$salt$hash`), so raising the cost later keeps old hashes verifiable.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 12;
/** Longer inputs are refused before hashing: scrypt's cost does not grow with length, but bodies should stay small. */
export const MAX_PASSWORD_LENGTH = 1024;

const COST = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

/** A new password that does not meet the rules; the message says which rule. */
export class PasswordPolicyError extends Error {
  override name = 'PasswordPolicyError';
}

function derive(password: string, salt: Buffer, options: ScryptOptions, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must cover 128 * N * r bytes; the default (32 MiB) is just enough for N=16384, r=8.
    scrypt(password, salt, length, { ...options, maxmem: 256 * 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Throws PasswordPolicyError unless `password` may be set as a new password. */
export function checkNewPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters long`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`the password must be at most ${MAX_PASSWORD_LENGTH} characters long`);
  }
}

/** `scrypt$16384$8$1$<salt>$<hash>` for a password that meets the rules (see checkNewPassword). */
export async function hashPassword(password: string): Promise<string> {
  checkNewPassword(password);
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST, KEY_LENGTH);
  return ['scrypt', COST.N, COST.r, COST.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** True when `password` matches `stored`; a malformed hash never matches (and never throws). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64');
  const expected = Buffer.from(parts[5], 'base64');
  if (![N, r, p].every(Number.isInteger) || expected.length === 0 || password.length > MAX_PASSWORD_LENGTH) {
    return false;
  }
  try {
    const actual = await derive(password, salt, { N, r, p }, expected.length);
    return timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}

/** A random password for a new account, shown once: 20 characters of base64url (120 bits). */
export function randomPassword(): string {
  return randomBytes(15).toString('base64url');
}

let dummy: Promise<string> | null = null;
/**
 * A hash of a random password, computed once. Login verifies against it when the user does not exist, so the
 * response takes as long as for a wrong password and timing does not reveal which user names exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomPassword());
  return dummy;
}
