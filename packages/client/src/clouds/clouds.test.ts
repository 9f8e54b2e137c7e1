import { describe, expect, it } from 'vitest';
import {
  CLOUD_PROFILES,
  type CloudProfile,
  cloudNames,
  hasGraph,
  hasPortal,
  isLoopbackHost,
  resolveCloud,
  validateOrigin,
} from './index.js';

const URL_KEYS = ['apiUrl', 'loginUrl', 'graphUrl', 'portalUrl'] as const;

describe('cloud profile table', () => {
  const profiles = Object.entries(CLOUD_PROFILES);

  it('has the expected names (plus custom)', () => {
    expect(cloudNames()).toEqual([
      'commercial',
      'commercial-security',
      'commercial-legacy',
      'us',
      'eu',
      'uk',
      'au',
      'swa',
      'ina',
      'aea',
      'api-us',
      'api-eu',
      'api-uk',
      'api-au',
      'gcc',
      'gcc-high',
      'dod',
      'custom',
    ]);
  });

  it.each(profiles)('%s: every URL is a valid https origin and name matches key', (key, p) => {
    expect(p.name).toBe(key);
    expect(p.description.length).toBeGreaterThan(0);
    for (const k of URL_KEYS) {
      const u = new URL(p[k]);
      expect(u.protocol, `${key}.${k}`).toBe('https:');
      expect(u.origin, `${key}.${k}`).toBe(p[k]);
      // validateOrigin accepts and leaves it unchanged
      expect(validateOrigin(k, p[k])).toBe(p[k]);
    }
    expect(p.defenderScope).toBe(`${p.defenderResource}/.default`);
    expect(p.graphScope).toBe(`${p.graphUrl}/.default`);
    expect(p.sources?.length).toBeGreaterThan(0);
  });

  it('commercial and geo profiles use the securitycenter resource (MicrosoftDocs#9246)', () => {
    for (const [key, p] of profiles) {
      if (['gcc', 'gcc-high', 'dod'].includes(key)) continue;
      expect(p.defenderScope, key).toBe('https://api.securitycenter.microsoft.com/.default');
      expect(p.defenderResource, key).toBe('https://api.securitycenter.microsoft.com');
      expect(p.loginUrl, key).toBe('https://login.microsoftonline.com');
      expect(p.graphUrl, key).toBe('https://graph.microsoft.com');
      expect(p.portalUrl, key).toBe('https://security.microsoft.com');
    }
  });

  it('hosts', () => {
    expect(CLOUD_PROFILES.commercial.apiUrl).toBe('https://api.securitycenter.microsoft.com');
    expect(CLOUD_PROFILES['commercial-security'].apiUrl).toBe('https://api.security.microsoft.com');
    for (const g of ['us', 'eu', 'uk', 'au', 'swa', 'ina', 'aea'] as const) {
      expect(CLOUD_PROFILES[g].apiUrl).toBe(`https://${g}.api.security.microsoft.com`);
    }
    for (const g of ['us', 'eu', 'uk', 'au'] as const) {
      expect(CLOUD_PROFILES[`api-${g}`].apiUrl).toBe(`https://api-${g}.securitycenter.microsoft.com`);
    }
    expect(CLOUD_PROFILES['api-au'].description).toContain('UNSURE');
  });

  it('GCC uses the commercial login, Graph and portal but the .us API host', () => {
    const p = CLOUD_PROFILES.gcc;
    expect(p.apiUrl).toBe('https://api-gcc.securitycenter.microsoft.us');
    expect(p.loginUrl).toBe('https://login.microsoftonline.com');
    expect(p.graphUrl).toBe('https://graph.microsoft.com');
    expect(p.portalUrl).toBe('https://security.microsoft.com');
    expect(p.defenderResource).toBe('https://api-gcc.securitycenter.microsoft.us');
    expect(p.unsure?.length).toBeGreaterThan(0);
  });

  it('GCC High and DoD use the .us login and api-gov host', () => {
    const high = CLOUD_PROFILES['gcc-high'];
    const dod = CLOUD_PROFILES.dod;
    for (const p of [high, dod]) {
      expect(p.loginUrl).toBe('https://login.microsoftonline.us');
      expect(p.apiUrl).toBe('https://api-gov.securitycenter.microsoft.us');
      expect(p.defenderScope).toBe('https://api-gov.securitycenter.microsoft.us/.default');
      expect(new URL(p.graphUrl).hostname.endsWith('.us')).toBe(true);
      expect(p.unsure?.length).toBeGreaterThan(0);
    }
    expect(high.graphUrl).toBe('https://graph.microsoft.us');
    expect(high.portalUrl).toBe('https://security.microsoft.us');
    expect(dod.graphUrl).toBe('https://dod-graph.microsoft.us');
    expect(dod.portalUrl).toBe('https://security.apps.mil');
  });

  it('is frozen', () => {
    expect(Object.isFrozen(CLOUD_PROFILES)).toBe(true);
    expect(Object.isFrozen(CLOUD_PROFILES.commercial)).toBe(true);
    expect(() => {
      (CLOUD_PROFILES.commercial as { apiUrl: string }).apiUrl = 'https://evil.example';
    }).toThrow();
  });
});

describe('resolveCloud', () => {
  it('defaults to commercial when cloud is not given or blank', () => {
    expect(resolveCloud()).toBe(CLOUD_PROFILES.commercial);
    expect(resolveCloud({})).toBe(CLOUD_PROFILES.commercial);
    expect(resolveCloud({ cloud: '  ' })).toBe(CLOUD_PROFILES.commercial);
  });

  it('is case-insensitive and trims', () => {
    expect(resolveCloud({ cloud: 'GCC-High' })).toBe(CLOUD_PROFILES['gcc-high']);
    expect(resolveCloud({ cloud: ' EU ' })).toBe(CLOUD_PROFILES.eu);
  });

  it('unknown name throws listing every valid name — never falls back', () => {
    let err: unknown;
    try {
      resolveCloud({ cloud: 'europe' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toContain('"europe"');
    for (const n of cloudNames()) expect(msg).toContain(n);
    expect(() => resolveCloud({ cloud: 'gcchigh' })).toThrow(/Unknown cloud "gcchigh"/);
    expect(() => resolveCloud({ cloud: 'toString' })).toThrow(/Unknown cloud/);
    expect(() => resolveCloud({ cloud: '__proto__' })).toThrow(/Unknown cloud/);
  });

  it('overrides URLs on a named profile, normalises them and records what changed', () => {
    const p = resolveCloud({
      cloud: 'gcc-high',
      apiUrl: 'https://API-GOV2.example.us:443/',
      portalUrl: 'https://portal.example.us',
    });
    expect(p.name).toBe('gcc-high');
    expect(p.apiUrl).toBe('https://api-gov2.example.us');
    expect(p.portalUrl).toBe('https://portal.example.us');
    expect(p.loginUrl).toBe('https://login.microsoftonline.us');
    expect(p.defenderScope).toBe(CLOUD_PROFILES['gcc-high'].defenderScope);
    expect(p.overridden).toEqual(['apiUrl', 'portalUrl']);
    expect(p.description).toContain('overridden: apiUrl, portalUrl');
    // the table itself is untouched
    expect(CLOUD_PROFILES['gcc-high'].apiUrl).toBe('https://api-gov.securitycenter.microsoft.us');
  });

  it('keeps a non-default port', () => {
    expect(resolveCloud({ apiUrl: 'https://proxy.example.com:8443' }).apiUrl).toBe(
      'https://proxy.example.com:8443',
    );
  });

  it('an override equal to the table value is not an override', () => {
    expect(resolveCloud({ cloud: 'eu', apiUrl: 'https://eu.api.security.microsoft.com/' })).toBe(
      CLOUD_PROFILES.eu,
    );
  });

  it('overrides scopes; a lone scope implies the resource and vice versa', () => {
    const a = resolveCloud({
      cloud: 'commercial',
      defenderScope: 'https://securitycenter.onmicrosoft.com/windowsatpservice/.default',
    });
    expect(a.defenderScope).toBe('https://securitycenter.onmicrosoft.com/windowsatpservice/.default');
    expect(a.defenderResource).toBe('https://securitycenter.onmicrosoft.com/windowsatpservice');
    expect(a.overridden).toEqual(['defenderScope', 'defenderResource']);

    const b = resolveCloud({
      cloud: 'gcc-high',
      defenderResource: 'https://api.securitycenter.microsoft.us',
    });
    expect(b.defenderScope).toBe('https://api.securitycenter.microsoft.us/.default');
    expect(b.defenderResource).toBe('https://api.securitycenter.microsoft.us');

    const c = resolveCloud({ cloud: 'dod', graphScope: 'https://graph.microsoft.us/.default' });
    expect(c.graphScope).toBe('https://graph.microsoft.us/.default');
    expect(c.graphUrl).toBe('https://dod-graph.microsoft.us');
  });

  it('rejects malformed scopes and resources', () => {
    expect(() => resolveCloud({ defenderScope: 'https://api.securitycenter.microsoft.com' })).toThrow(
      /defenderScope .*\/\.default/,
    );
    expect(() => resolveCloud({ graphScope: '/.default' })).toThrow(/graphScope/);
    expect(() => resolveCloud({ defenderScope: 'https://a b/.default' })).toThrow(/defenderScope/);
    expect(() =>
      resolveCloud({ defenderResource: 'https://api.securitycenter.microsoft.com/.default' }),
    ).toThrow(/defenderResource/);
  });

  describe('URL validation', () => {
    it.each([
      ['not a url', /apiUrl is not a valid URL: "not a url"|apiUrl must be a URL origin without whitespace/],
      ['api.securitycenter.microsoft.com', /apiUrl is not a valid URL/],
      ['ftp://api.example.com', /apiUrl must use https/],
      ['https://api.example.com/api', /apiUrl must be an origin only.*"https:\/\/api\.example\.com\/api"/],
      ['https://api.example.com//', /apiUrl must be an origin only/],
      ['https://api.example.com/?x=1', /apiUrl must be an origin only/],
      ['https://api.example.com?', /apiUrl must be an origin only/],
      ['https://api.example.com#frag', /apiUrl must be an origin only/],
      ['https://user:pw@api.example.com', /apiUrl must not contain user info/],
    ])('rejects %s', (value, re) => {
      expect(() => resolveCloud({ apiUrl: value })).toThrow(re);
    });

    it('does not echo credentials from user info', () => {
      expect(() => resolveCloud({ apiUrl: 'https://user:s3cret@api.example.com' })).toThrow(
        expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
      );
    });

    it('names the field in the message', () => {
      expect(() => resolveCloud({ loginUrl: 'https://login.example.com/tenant' })).toThrow(/^loginUrl /);
      expect(() => resolveCloud({ graphUrl: 'http://graph.example.com' })).toThrow(
        /^graphUrl must use https/,
      );
      expect(() => resolveCloud({ portalUrl: 'javascript:alert(1)' })).toThrow(/^portalUrl must use https/);
    });

    it.each([
      'http://127.0.0.1:8080',
      'http://127.1.2.3',
      'http://localhost:3000/',
      'http://LOCALHOST:3000',
      'http://[::1]:8080',
      'http://[0:0:0:0:0:0:0:1]:8080',
    ])('allows http for loopback %s', (value) => {
      const p = resolveCloud({ cloud: 'custom', apiUrl: value, loginUrl: value });
      expect(p.apiUrl.startsWith('http://')).toBe(true);
      expect(p.apiUrl.endsWith('/')).toBe(false);
    });

    it.each([
      'http://api.securitycenter.microsoft.com',
      'http://10.0.0.5:8080',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://127.0.0.1.nip.io',
      'http://[::2]',
    ])('refuses http for non-loopback %s', (value) => {
      expect(() => resolveCloud({ apiUrl: value })).toThrow(
        /apiUrl must use https; plain http is only allowed/,
      );
    });

    it('isLoopbackHost', () => {
      expect(isLoopbackHost('127.0.0.1')).toBe(true);
      expect(isLoopbackHost('localhost')).toBe(true);
      expect(isLoopbackHost('[::1]')).toBe(true);
      expect(isLoopbackHost('127.0.0.1.evil.com')).toBe(false);
      expect(isLoopbackHost('0.0.0.0')).toBe(false);
    });
  });

  describe('custom', () => {
    it('requires apiUrl and loginUrl, naming the missing field(s)', () => {
      expect(() => resolveCloud({ cloud: 'custom' })).toThrow(/requires apiUrl and loginUrl/);
      expect(() => resolveCloud({ cloud: 'custom', apiUrl: 'http://127.0.0.1:8080' })).toThrow(
        /requires loginUrl /,
      );
      expect(() => resolveCloud({ cloud: 'Custom', loginUrl: 'http://127.0.0.1:8080' })).toThrow(
        /requires apiUrl /,
      );
      expect(() => resolveCloud({ cloud: 'custom', apiUrl: ' ', loginUrl: 'http://127.0.0.1:8080' })).toThrow(
        /requires apiUrl /,
      );
    });

    it('derives nothing: no Graph and no portal unless given; commercial token scopes by default', () => {
      const p: CloudProfile = resolveCloud({
        cloud: 'custom',
        apiUrl: 'http://127.0.0.1:8080/',
        loginUrl: 'http://127.0.0.1:8081',
      });
      expect(p).toMatchObject({
        name: 'custom',
        apiUrl: 'http://127.0.0.1:8080',
        loginUrl: 'http://127.0.0.1:8081',
        graphUrl: '',
        graphScope: '',
        portalUrl: '',
        defenderScope: 'https://api.securitycenter.microsoft.com/.default',
        defenderResource: 'https://api.securitycenter.microsoft.com',
      });
      expect(hasGraph(p)).toBe(false);
      expect(hasPortal(p)).toBe(false);
    });

    it('takes graphUrl, portalUrl and scopes when given', () => {
      const p = resolveCloud({
        cloud: 'custom',
        apiUrl: 'https://mde-proxy.corp.example',
        loginUrl: 'https://login.microsoftonline.us',
        graphUrl: 'https://graph.microsoft.us',
        portalUrl: 'https://security.microsoft.us',
        defenderScope: 'https://api-gov.securitycenter.microsoft.us/.default',
        graphScope: 'https://graph.microsoft.us/.default',
      });
      expect(p.graphUrl).toBe('https://graph.microsoft.us');
      expect(p.graphScope).toBe('https://graph.microsoft.us/.default');
      expect(p.defenderResource).toBe('https://api-gov.securitycenter.microsoft.us');
      expect(hasGraph(p)).toBe(true);
      expect(hasPortal(p)).toBe(true);
    });

    it('graphUrl without graphScope gets the commercial Graph scope', () => {
      const p = resolveCloud({
        cloud: 'custom',
        apiUrl: 'http://localhost:1',
        loginUrl: 'http://localhost:1',
        graphUrl: 'http://localhost:2',
      });
      expect(p.graphScope).toBe('https://graph.microsoft.com/.default');
    });
  });
});
