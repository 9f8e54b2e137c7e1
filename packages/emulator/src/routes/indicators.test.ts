import { Indicator, validateStrict } from '@mde-bridge/client/models';
import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import type { Claims } from '../http/router.js';
import {
  canSee,
  indicatorKey,
  isActive,
  isDomainName,
  isIndicatorUrl,
  newIndicator,
  parseIndicatorSubmission,
  updateIndicator,
  validateIndicatorValue,
} from './indicators.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DefenderError) return `${err.status} ${err.code}`;
    throw err;
  }
  return undefined;
}

const SHA1 = '220e7d15b011d7fac48f2bd61114db1022197f7f';
const AUTHOR = { appId: '45097602-1234-5678-1234-9f453233e62c', displayName: 'TestPrdApp' };
const STAMP = '2024-05-01T10:00:00.0000000Z';

function body(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    indicatorValue: SHA1,
    indicatorType: 'FileSha1',
    title: 'test',
    description: 'test',
    action: 'AlertAndBlock',
    ...overrides,
  };
}

describe('validateIndicatorValue', () => {
  it.each([
    ['FileSha1', SHA1],
    ['FileSha256', 'a'.repeat(64)],
    ['FileMd5', 'ABCDEF0123456789abcdef0123456789'],
    ['CertificateThumbprint', 'F'.repeat(40)],
    ['IpAddress', '12.13.14.15'],
    ['IpAddress', '2001:db8::1'],
    ['DomainName', 'evil.example.com'],
    ['DomainName', 'xn--bcher-kva.example'],
    ['Url', 'https://evil.example.com/payload?x=1'],
    ['Url', 'evil.example.com/path'],
    ['Url', 'http://10.1.2.3:8080/a'],
  ] as const)('accepts %s %s', (type, value) => {
    expect(codeOf(() => validateIndicatorValue(type, value))).toBeUndefined();
  });

  it.each([
    ['FileSha1', SHA1.slice(1), '400 InvalidHashValue'],
    ['FileSha1', `${SHA1.slice(1)}g`, '400 InvalidHashValue'],
    ['FileSha256', SHA1, '400 InvalidHashValue'],
    ['FileMd5', 'a'.repeat(31), '400 InvalidHashValue'],
    ['CertificateThumbprint', 'z'.repeat(40), '400 InvalidHashValue'],
    ['IpAddress', '10.0.0.0/8', '400 InvalidIpAddress'],
    ['IpAddress', '256.1.1.1', '400 InvalidIpAddress'],
    ['IpAddress', 'evil.example.com', '400 InvalidIpAddress'],
    ['DomainName', 'localhost', '400 InvalidDomainName'],
    ['DomainName', '1.2.3.4', '400 InvalidDomainName'],
    ['DomainName', '-bad.example.com', '400 InvalidDomainName'],
    ['DomainName', 'https://evil.example.com', '400 InvalidDomainName'],
    ['Url', 'ftp://evil.example.com/x', '400 InvalidUrl'],
    ['Url', 'not a url', '400 InvalidUrl'],
    ['Url', 'http://', '400 InvalidUrl'],
  ] as const)('rejects %s %s with %s', (type, value, code) => {
    expect(codeOf(() => validateIndicatorValue(type, value))).toBe(code);
  });

  it('helpers agree with the route checks', () => {
    expect(isDomainName('a.b')).toBe(true);
    expect(isIndicatorUrl('http://[2001:db8::1]/x')).toBe(true);
  });
});

describe('parseIndicatorSubmission', () => {
  it('accepts the doc example body', () => {
    const sub = parseIndicatorSubmission(
      body({
        application: 'demo-test',
        expirationTime: '2020-12-12T00:00:00Z',
        severity: 'Informational',
        recommendedActions: 'nothing',
        rbacGroupNames: ['group1', 'group2'],
      }),
    );
    expect(sub).toMatchObject({
      indicatorValue: SHA1,
      indicatorType: 'FileSha1',
      action: 'AlertAndBlock',
      expirationTime: '2020-12-12T00:00:00Z',
      rbacGroupNames: ['group1', 'group2'],
    });
  });

  it.each([
    [{ indicatorValue: undefined }, '400 MissingRequiredParameter'],
    [{ indicatorType: undefined }, '400 MissingRequiredParameter'],
    [{ title: undefined }, '400 MissingRequiredParameter'],
    [{ description: undefined }, '400 MissingRequiredParameter'],
    [{ action: undefined }, '400 MissingRequiredParameter'],
    [{ indicatorType: 'FileSha512' }, '400 InvalidRequestBody'],
    [{ action: 'Nuke' }, '400 InvalidRequestBody'],
    [{ severity: 'Critical' }, '400 InvalidRequestBody'],
    [{ expirationTime: 'tomorrow' }, '400 InvalidRequestBody'],
    [{ generateAlert: 'maybe' }, '400 InvalidRequestBody'],
    [{ rbacGroupNames: [1, 2] }, '400 InvalidRequestBody'],
    [{ action: 'Audit' }, '400 InvalidRequestBody'],
    [{ indicatorValue: 'xyz' }, '400 InvalidHashValue'],
  ])('rejects %o with %s', (overrides, code) => {
    const b = body(overrides);
    for (const [k, v] of Object.entries(overrides)) if (v === undefined) delete b[k];
    expect(codeOf(() => parseIndicatorSubmission(b))).toBe(code);
  });

  it('reports a wrongly cased parameter as missing', () => {
    const b = body();
    delete b.indicatorValue;
    b.IndicatorValue = SHA1;
    expect(() => parseIndicatorSubmission(b)).toThrow(/case-sensitive/);
  });

  it('accepts Audit with generateAlert true, and a comma-separated group list', () => {
    const sub = parseIndicatorSubmission(
      body({ action: 'Audit', generateAlert: 'True', rbacGroupNames: 'g1, g2' }),
    );
    expect(sub.generateAlert).toBe(true);
    expect(sub.rbacGroupNames).toEqual(['g1', 'g2']);
  });

  it('normalises an expiration time with an offset to UTC', () => {
    expect(
      parseIndicatorSubmission(body({ expirationTime: '2025-01-01T02:00:00+02:00' })).expirationTime,
    ).toBe('2025-01-01T00:00:00Z');
  });
});

describe('indicator entity', () => {
  it('builds a wire Indicator with the doc defaults', () => {
    const i = newIndicator('1', parseIndicatorSubmission(body()), AUTHOR, STAMP, []);
    expect(validateStrict(Indicator, i)).toEqual([]);
    expect(i).toMatchObject({
      id: '1',
      source: 'TestPrdApp',
      sourceType: 'AadApp',
      createdBy: AUTHOR.appId,
      severity: 'Informational',
      expirationTime: null,
      creationTimeDateTimeUtc: STAMP,
      lastUpdateTime: STAMP,
    });
  });

  it('resubmission updates in place, keeping id, creation and application', () => {
    const i = newIndicator('7', parseIndicatorSubmission(body({ application: 'first' })), AUTHOR, STAMP, []);
    const later = '2024-05-02T10:00:00.0000000Z';
    const sub = parseIndicatorSubmission(
      body({ action: 'Block', title: 'again', application: 'second', severity: 'High' }),
    );
    updateIndicator(i, sub, { appId: 'other', displayName: 'OtherApp' }, later, undefined);
    expect(i).toMatchObject({
      id: '7',
      application: 'first',
      action: 'Block',
      title: 'again',
      severity: 'High',
      creationTimeDateTimeUtc: STAMP,
      lastUpdateTime: later,
      lastUpdatedBy: 'OtherApp',
      createdBy: AUTHOR.appId,
    });
  });

  it('keys on type and value, hashes case-insensitively, URLs exactly', () => {
    expect(indicatorKey('FileSha1', SHA1.toUpperCase())).toBe(indicatorKey('FileSha1', SHA1));
    expect(indicatorKey('FileSha1', SHA1)).not.toBe(indicatorKey('CertificateThumbprint', SHA1));
    expect(indicatorKey('Url', 'http://a.example/X')).not.toBe(indicatorKey('Url', 'http://a.example/x'));
  });

  it('is active until its expiration time', () => {
    const i = newIndicator(
      '1',
      parseIndicatorSubmission(body({ expirationTime: '2024-06-01T00:00:00Z' })),
      AUTHOR,
      STAMP,
      [],
    );
    expect(isActive(i, Date.parse('2024-05-31T23:59:59Z'))).toBe(true);
    expect(isActive(i, Date.parse('2024-06-01T00:00:01Z'))).toBe(false);
  });

  it('is visible to its creator, and to every app with Ti.ReadWrite.All', () => {
    const i = newIndicator('1', parseIndicatorSubmission(body()), AUTHOR, STAMP, []);
    const claims = (appid: string, roles: string[]): Claims => ({ appid, tid: 't', roles });
    expect(canSee(i, claims(AUTHOR.appId, ['Ti.ReadWrite']))).toBe(true);
    expect(canSee(i, claims('someone-else', ['Ti.ReadWrite']))).toBe(false);
    expect(canSee(i, claims('someone-else', ['Ti.ReadWrite.All']))).toBe(true);
  });
});
