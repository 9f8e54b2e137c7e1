import { describe, expect, it } from 'vitest';
import { hashPassword, PasswordPolicyError, randomPassword, verifyPassword } from './passwords.js';

describe('passwords', () => {
  it('hashes with scrypt and a random salt, and verifies only the right password', async () => {
    const a = await hashPassword('a long enough password');
    const b = await hashPassword('a long enough password');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('a long enough password', a)).toBe(true);
    expect(await verifyPassword('a long enough passworD', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses new passwords shorter than 12 characters with the rule named', async () => {
    await expect(hashPassword('short-11chr')).rejects.toThrow(PasswordPolicyError);
    await expect(hashPassword('short-11chr')).rejects.toThrow('at least 12 characters');
    expect(await hashPassword('exactly-12ch')).toMatch(/^scrypt\$/);
  });

  it('never matches a malformed stored hash', async () => {
    for (const stored of [
      '',
      'plain',
      'scrypt$x$8$1$AAAA$BBBB',
      'bcrypt$1$2$3$4$5',
      'scrypt$16384$8$1$AAAA$',
    ]) {
      expect(await verifyPassword('whatever password', stored)).toBe(false);
    }
  });

  it('generates 20-character base64url passwords that differ', () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{20}$/);
    expect(randomPassword()).not.toBe(a);
  });
});
