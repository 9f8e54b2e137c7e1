import { describe, expect, it } from 'vitest';
import { compileHostnamePattern, ProfileRuleInputError } from './hostname-pattern.js';
import { type ProfileRule, ruleMatcher } from './profile-rules.js';

const rule = (overrides: Partial<ProfileRule>): ProfileRule => ({
  id: overrides.name ?? 'r',
  name: 'r',
  profileName: 'P',
  hostnamePattern: null,
  attributes: {},
  matchScore: 'Low',
  priority: 0,
  enabled: true,
  builtin: false,
  createdAt: '',
  updatedAt: '',
  ...overrides,
});

describe('host name patterns', () => {
  it('matches globs on the whole name, case-insensitively', () => {
    const dc = compileHostnamePattern('*-dc*');
    expect(dc('nyc-dc01.contoso.com')).toBe(true);
    expect(dc('NYC-DC01')).toBe(true);
    expect(dc('nycdc01')).toBe(false);
    const exact = compileHostnamePattern('web??.lan');
    expect(exact('web01.lan')).toBe(true);
    expect(exact('web01xlan')).toBe(false);
    expect(exact('xweb01.lan')).toBe(false);
  });

  it('matches anchored regexes', () => {
    const regex = compileHostnamePattern('^lab-(ubuntu|debian)\\d+$');
    expect(regex('LAB-ubuntu12')).toBe(true);
    expect(regex('lab-ubuntu12.x')).toBe(false);
  });

  it.each(['', 'has space', 'a/b', '^unanchored', 'unanchored$', '^(unclosed$', '^$'])(
    'refuses %j naming hostnamePattern',
    (pattern) => {
      let error: unknown;
      try {
        compileHostnamePattern(pattern);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ProfileRuleInputError);
      expect((error as ProfileRuleInputError).field).toBe('hostnamePattern');
    },
  );
});

describe('rule matching', () => {
  it('takes the first enabled rule in order whose pattern and attributes all fit', () => {
    const match = ruleMatcher([
      rule({ name: 'off', hostnamePattern: '*', enabled: false }),
      rule({ name: 'both', hostnamePattern: 'srv*', attributes: { ttl: '128' } }),
      rule({ name: 'name', hostnamePattern: 'srv*' }),
      rule({ name: 'ttl', attributes: { ttl: '64' } }),
    ]);
    expect(match({ hostname: 'srv1.lan', attributes: { ttl: 128 } })?.name).toBe('both');
    expect(match({ hostname: 'SRV1.lan', attributes: { ttl: 64 } })?.name).toBe('name');
    expect(match({ hostname: null, attributes: { ttl: '64' } })?.name).toBe('ttl');
    expect(match({ hostname: 'other', attributes: { ttl: { nested: 1 } } })).toBeNull();
  });

  it('tries the short name as well as the FQDN', () => {
    const match = ruleMatcher([rule({ name: 'short', hostnamePattern: 'mbp-?' })]);
    expect(match({ hostname: 'mbp-1.corp.example', attributes: {} })?.name).toBe('short');
  });
});
