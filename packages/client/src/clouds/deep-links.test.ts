import { describe, expect, it } from 'vitest';
import { CLOUD_PROFILES, portalLinks, resolveCloud, UNSURE_PORTAL_LINKS } from './index.js';

const MACHINE = '1e5bc9d7e413ddd7902c2932e418702b84d0cc07';
const TID = '2c7d5b9a-1111-4c4c-9c9c-000000000001';

describe('portalLinks', () => {
  const commercial = portalLinks(CLOUD_PROFILES.commercial);
  const withTid = portalLinks(CLOUD_PROFILES.commercial, TID);

  it('device', () => {
    expect(commercial.device(MACHINE)).toBe(`https://security.microsoft.com/machines/v2/${MACHINE}/overview`);
    expect(withTid.device(MACHINE)).toBe(
      `https://security.microsoft.com/machines/v2/${MACHINE}/overview?tid=${TID}`,
    );
  });

  it('deviceTimeline with and without range', () => {
    expect(commercial.deviceTimeline(MACHINE)).toBe(
      `https://security.microsoft.com/machines/${MACHINE}/timeline`,
    );
    expect(
      commercial.deviceTimeline(MACHINE, new Date('2024-05-01T10:00:00Z'), '2024-05-01T12:30:00.000+02:00'),
    ).toBe(
      `https://security.microsoft.com/machines/${MACHINE}/timeline?from=2024-05-01T10:00:00.000Z&to=2024-05-01T10:30:00.000Z`,
    );
    expect(withTid.deviceTimeline(MACHINE, undefined, new Date(0))).toBe(
      `https://security.microsoft.com/machines/${MACHINE}/timeline?to=1970-01-01T00:00:00.000Z&tid=${TID}`,
    );
    expect(() => commercial.deviceTimeline(MACHINE, 'yesterday')).toThrow(/from is not a valid date/);
  });

  it('device tabs (UNSURE paths) and their marker', () => {
    expect(commercial.deviceVulnerabilities(MACHINE)).toBe(
      `https://security.microsoft.com/machines/v2/${MACHINE}/vulnerabilities`,
    );
    expect(withTid.deviceAlerts(MACHINE)).toBe(
      `https://security.microsoft.com/machines/v2/${MACHINE}/alerts?tid=${TID}`,
    );
    expect(UNSURE_PORTAL_LINKS).toEqual(['deviceVulnerabilities', 'deviceAlerts']);
  });

  it('alert, incident, cve, recommendation', () => {
    expect(withTid.alert('da638412345678901234_-1234567890')).toBe(
      `https://security.microsoft.com/alerts/da638412345678901234_-1234567890?tid=${TID}`,
    );
    expect(commercial.alert('ed638412345678901234_1')).toBe(
      'https://security.microsoft.com/alerts/ed638412345678901234_1',
    );
    expect(withTid.incident(42)).toBe(`https://security.microsoft.com/incidents/42?tid=${TID}`);
    expect(commercial.incident('42')).toBe('https://security.microsoft.com/incidents/42');
    expect(commercial.cve('CVE-2024-21412')).toBe(
      'https://security.microsoft.com/vulnerabilities/vulnerability/CVE-2024-21412/overview',
    );
    expect(commercial.recommendation('va-_-microsoft-_-windows_11')).toBe(
      'https://security.microsoft.com/securityrecommendations?recommendationId=va-_-microsoft-_-windows_11',
    );
    expect(withTid.recommendation('sca-_-scid-2010')).toBe(
      `https://security.microsoft.com/securityrecommendations?recommendationId=sca-_-scid-2010&tid=${TID}`,
    );
  });

  it('encodes path segments and query values', () => {
    expect(commercial.device('a/b?c#d')).toBe(
      'https://security.microsoft.com/machines/v2/a%2Fb%3Fc%23d/overview',
    );
    expect(commercial.alert('../../admin')).toBe('https://security.microsoft.com/alerts/..%2F..%2Fadmin');
    expect(commercial.cve('CVE 1')).toBe(
      'https://security.microsoft.com/vulnerabilities/vulnerability/CVE%201/overview',
    );
    expect(commercial.recommendation('a&b=c')).toBe(
      'https://security.microsoft.com/securityrecommendations?recommendationId=a%26b%3Dc',
    );
    expect(portalLinks(CLOUD_PROFILES.commercial, 'x&y').alert('1')).toBe(
      'https://security.microsoft.com/alerts/1?tid=x%26y',
    );
  });

  it('rejects empty ids', () => {
    expect(() => commercial.device('')).toThrow(/machineId must be a non-empty string/);
    expect(() => commercial.recommendation(' ')).toThrow(/recommendationId/);
  });

  it('blank tenant id means no tid', () => {
    expect(portalLinks(CLOUD_PROFILES.commercial, '  ').alert('1')).toBe(
      'https://security.microsoft.com/alerts/1',
    );
  });

  it('uses the cloud portal: GCC commercial, GCC High .us, DoD .mil', () => {
    expect(portalLinks(CLOUD_PROFILES.gcc).alert('1')).toBe('https://security.microsoft.com/alerts/1');
    expect(portalLinks(CLOUD_PROFILES['gcc-high']).alert('1')).toBe('https://security.microsoft.us/alerts/1');
    expect(portalLinks(CLOUD_PROFILES.dod).incident(7)).toBe('https://security.apps.mil/incidents/7');
  });

  it('custom profile without portalUrl refuses to build links', () => {
    const p = resolveCloud({ cloud: 'custom', apiUrl: 'http://127.0.0.1:1', loginUrl: 'http://127.0.0.1:1' });
    expect(() => portalLinks(p)).toThrow(/cloud "custom" has no portalUrl/);
    const q = resolveCloud({
      cloud: 'custom',
      apiUrl: 'http://127.0.0.1:1',
      loginUrl: 'http://127.0.0.1:1',
      portalUrl: 'http://localhost:5173/',
    });
    expect(portalLinks(q).alert('1')).toBe('http://localhost:5173/alerts/1');
  });
});
