import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { routesApp } from '../api/routes/routes.test-support.js';
import type { Api } from '../api/types.js';
import { deviceRow, insertDevices, seedTenant } from '../hosts/host-seed.test-support.js';
import { engines } from '../store/store.test-support.js';

/** Two hours before routesApp's clock (2026-11-22T12:00Z). */
const RECENT = '2026-11-22T10:00:00.000Z';

/**
 * One tenant: full and short names, a re-imaged duplicate, an alternate name, two devices sharing a short
 * name, an IP that moved from one device to another, and a device in another group. Every row is fresh
 * (synced just now), so nothing is refreshed from Defender.
 */
async function seed(db: Parameters<typeof seedTenant>[0]) {
  await seedTenant(db, 'contoso');
  const fresh = { synced_at: '2026-11-22T11:59:00.000Z', last_seen: RECENT };
  await insertDevices(db, [
    deviceRow('contoso', 'a100', {
      ...fresh,
      computer_dns_name: 'Alpha.contoso.com',
      last_ip_address: '10.0.0.1',
    }),
    deviceRow('contoso', 'b200', {
      ...fresh,
      computer_dns_name: 'bravo.contoso.com',
      rbac_group_name: 'Workstations',
    }),
    deviceRow('contoso', 'w-old', {
      ...fresh,
      computer_dns_name: 'web01.contoso.com',
      is_primary: 0,
      last_seen: '2026-10-01T00:00:00.000Z',
    }),
    deviceRow('contoso', 'w-new', { ...fresh, computer_dns_name: 'web01.contoso.com' }),
    deviceRow('contoso', 's300', { ...fresh, computer_dns_name: 'sqlclu-node7.contoso.com' }),
    deviceRow('contoso', 'k1', { ...fresh, computer_dns_name: 'kiosk.contoso.com' }),
    deviceRow('contoso', 'k2', { ...fresh, computer_dns_name: 'kiosk.lab.contoso.com' }),
    // h-then had 192.168.1.50 in October; h-now has it today.
    deviceRow('contoso', 'h-then', {
      ...fresh,
      computer_dns_name: 'laptop-then.contoso.com',
      last_ip_address: '10.0.0.9',
    }),
    deviceRow('contoso', 'h-now', {
      ...fresh,
      computer_dns_name: 'laptop-now.contoso.com',
      last_ip_address: '192.168.1.50',
    }),
    // Seen long ago: its last IP says nothing about today.
    deviceRow('contoso', 'gone', {
      ...fresh,
      computer_dns_name: 'gone.contoso.com',
      last_ip_address: '10.0.0.77',
      last_seen: '2026-09-01T00:00:00.000Z',
    }),
  ]);
  await db
    .insertInto('device_ips')
    .values([
      {
        tenant: 'contoso',
        device_id: 'h-then',
        ip: '192.168.1.50',
        first_seen_at: '2026-10-01T00:00:00.000Z',
        last_seen_at: '2026-10-15T00:00:00.000Z',
      },
      {
        tenant: 'contoso',
        device_id: 'h-then',
        ip: '10.0.0.9',
        first_seen_at: '2026-10-16T00:00:00.000Z',
        last_seen_at: RECENT,
      },
      {
        tenant: 'contoso',
        device_id: 'h-now',
        ip: '192.168.1.50',
        first_seen_at: '2026-11-01T00:00:00.000Z',
        last_seen_at: RECENT,
      },
    ])
    .execute();
}

describe.each(engines)('host context on $name', (engine) => {
  let store: Awaited<ReturnType<typeof engine.open>>;
  let app: Api;
  const lookup = async (query: Record<string, string>) => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/hosts/lookup', query });
    return { status: response.statusCode, body: response.json() };
  };
  const session = async (payload: Record<string, unknown>) => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/host-sessions', payload });
    return { status: response.statusCode, body: response.json() };
  };
  const endpointRows = () => store.db.selectFrom('endpoints').selectAll().execute();

  beforeEach(async () => {
    store = await engine.open();
    await seed(store.db);
    ({ app } = await routesApp(store));
  });
  afterEach(async () => {
    await app.close();
    await store.dispose();
  });

  it.each([
    ['full DNS name, any case', { hostname: 'ALPHA.contoso.com' }, 'a100', 'dnsName'],
    ['short name', { hostname: 'alpha' }, 'a100', 'shortName'],
    ['short name of another domain', { hostname: 'bravo.elsewhere.net' }, 'b200', 'shortName'],
    ['current IP', { ip: '10.0.0.1' }, 'a100', 'currentIp'],
    [
      'the IP a device had at a time',
      { ip: '192.168.1.50', at: '2026-10-10T08:00:00Z' },
      'h-then',
      'ipAtTime',
    ],
    ['the IP a device has now', { ip: '192.168.1.50' }, 'h-now', 'currentIp'],
    ['a re-imaged DNS name, as its primary record', { hostname: 'web01.contoso.com' }, 'w-new', 'dnsName'],
    ['the name before the IP', { hostname: 'alpha.contoso.com', ip: '192.168.1.50' }, 'a100', 'dnsName'],
  ])('finds a host by %s', async (_what, query, machineId, by) => {
    const { status, body } = await lookup(query);
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      machineId,
      tenantName: 'contoso',
      match: { status: 'matched', by },
      refreshed: false,
    });
    expect(body.match.candidates).toBeUndefined();
  });

  it('finds a host by a configured alternate name, and answers its context in full', async () => {
    const { status, body } = await session({
      hostname: 'SQLCLUSTER',
      alternateNames: ['sqlclu-node7.contoso.com'],
      ip: '10.9.9.9',
      source: 'ndr',
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      machineId: 's300',
      name: 'sqlclu-node7.contoso.com',
      os: 'Windows11',
      isolationState: 'unknown',
      healthStatus: 'Active',
      lastSeen: RECENT,
      deviceGroup: 'Servers',
      match: { status: 'matched', by: 'alternateName' },
      refreshed: false,
    });
    expect(body.links.overview).toContain('s300');
    const [row] = await endpointRows();
    expect(row).toMatchObject({
      managed: 1,
      tenant: 'contoso',
      device_id: 's300',
      match_by: 'alternateName',
      hostname: 'sqlcluster',
      source: 'ndr',
    });
    expect(body.endpointId).toBe(row.id);
    // The alternate name is remembered: the next session under the same name needs no alternate.
    const again = await session({ hostname: 'sqlcluster' });
    expect(again.body).toMatchObject({ machineId: 's300', endpointId: row.id });
    const host = (await app.inject({ method: 'GET', url: '/api/v1/hosts/s300' })).json();
    expect(host.match).toMatchObject({ by: 'alternateName', hostname: 'sqlcluster', ip: '10.9.9.9' });
  });

  it('reports two devices sharing a short name as ambiguous with both, and guesses neither', async () => {
    const looked = await lookup({ hostname: 'kiosk' });
    expect(looked.status).toBe(200);
    expect(looked.body).toMatchObject({ endpointId: null, machineId: null, match: { status: 'ambiguous' } });
    const posted = await session({ hostname: 'kiosk' });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({
      machineId: null,
      name: 'kiosk',
      match: { status: 'ambiguous', by: 'shortName' },
    });
    expect(posted.body.match.candidates.map((c: { machineId: string }) => c.machineId).sort()).toEqual([
      'k1',
      'k2',
    ]);
    expect(await endpointRows()).toMatchObject([{ managed: 0, device_id: null, hostname: 'kiosk' }]);
  });

  it('does not take a long-unseen device last IP as current', async () => {
    expect((await lookup({ ip: '10.0.0.77' })).status).toBe(404);
  });

  it('keeps an unknown host as an unmanaged endpoint, listed by /endpoints and /hosts?managed=false', async () => {
    const { status, body } = await session({
      hostname: 'printer-7.corp',
      ip: '10.50.0.7',
      seenAt: '2026-11-22T11:00:00Z',
    });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({
      machineId: null,
      name: 'printer-7.corp',
      ipAddresses: ['10.50.0.7'],
      match: { status: 'unmanaged', by: null },
      refreshed: false,
    });
    const endpoints = (await app.inject({ method: 'GET', url: '/api/v1/endpoints?managed=false' })).json();
    expect(endpoints).toMatchObject({
      total: 1,
      items: [
        {
          id: body.endpointId,
          managed: false,
          hostname: 'printer-7.corp',
          ip: '10.50.0.7',
          lastSeenAt: '2026-11-22T11:00:00.000Z',
        },
      ],
    });
    const hosts = (await app.inject({ method: 'GET', url: '/api/v1/hosts?managed=false' })).json();
    expect(hosts).toMatchObject({
      total: 1,
      items: [{ id: body.endpointId, name: 'printer-7.corp', managed: false, lastIpAddress: '10.50.0.7' }],
    });
    expect(
      (await app.inject({ method: 'GET', url: '/api/v1/hosts?managed=false&os=Linux' })).json().total,
    ).toBe(0);
    // Now recorded, the look-up answers it (unmanaged) instead of 404.
    expect((await lookup({ hostname: 'printer-7.corp' })).body).toMatchObject({
      endpointId: body.endpointId,
      match: { status: 'unmanaged' },
    });
    // A managed one is listed with managed=true only.
    await session({ ip: '10.0.0.1' });
    const managed = (await app.inject({ method: 'GET', url: '/api/v1/endpoints?managed=true' })).json();
    expect(managed.items).toMatchObject([
      { managed: true, tenantId: 'contoso', machineId: 'a100', matchBy: 'currentIp' },
    ]);
  });

  it.each([
    ['a malformed IP', { ip: '10.0.0.300' }, 'body.ip'],
    ['an empty host name', { hostname: '' }, 'body.hostname'],
    ['a blank host name', { hostname: '   ', ip: '10.0.0.1' }, 'body.hostname'],
    ['an empty alternate name', { hostname: 'a', alternateNames: [''] }, 'body.alternateNames/0'],
    ['an unparseable time', { hostname: 'alpha', seenAt: 'yesterday' }, 'body.seenAt'],
    ['a time in the future', { hostname: 'alpha', seenAt: '2026-11-22T12:30:00Z' }, 'body.seenAt'],
    ['neither IP nor name', { source: 'ndr' }, 'body.hostname'],
    ['an unknown field', { hostname: 'alpha', mac: 'x' }, 'body.mac'],
  ])(
    'refuses a host session with %s (400 naming the field), writing nothing',
    async (_what, payload, field) => {
      const { status, body } = await session(payload);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'invalid_request', field });
      expect(await endpointRows()).toEqual([]);
    },
  );

  it('accepts a seen-at time within the allowed clock skew', async () => {
    expect((await session({ hostname: 'alpha', seenAt: '2026-11-22T12:04:00Z' })).status).toBe(200);
  });

  it.each([
    [{ ip: 'not-an-ip' }, 'query.ip'],
    [{ hostname: '' }, 'query.hostname'],
    [{ ip: '10.0.0.1', at: '2027-01-01T00:00:00Z' }, 'query.at'],
    [{ ip: '10.0.0.1', at: 'noon' }, 'query.at'],
  ])('refuses a look-up with bad input %j', async (query, field) => {
    const { status, body } = await lookup(query);
    expect(status).toBe(400);
    expect(body.error.field).toBe(field);
  });
});

describe.each(engines)('host context for a caller limited to device groups on $name', (engine) => {
  it('never shows a device outside the caller groups, yet records what the host is', async () => {
    const store = await engine.open();
    await seed(store.db);
    const { app } = await routesApp(store, { caller: { deviceGroups: ['Servers'] } });
    try {
      const bravo = await app.inject({
        method: 'GET',
        url: '/api/v1/hosts/lookup',
        query: { hostname: 'bravo' },
      });
      expect(bravo.statusCode).toBe(404);
      const alpha = await app.inject({
        method: 'GET',
        url: '/api/v1/hosts/lookup',
        query: { hostname: 'alpha' },
      });
      expect(alpha.json()).toMatchObject({ machineId: 'a100' });
      const posted = await app.inject({
        method: 'POST',
        url: '/api/v1/host-sessions',
        payload: { hostname: 'bravo' },
      });
      expect(posted.json()).toMatchObject({
        machineId: null,
        endpointId: null,
        match: { status: 'unmanaged' },
      });
      const rows = await store.db.selectFrom('endpoints').selectAll().execute();
      expect(rows).toMatchObject([{ managed: 1, device_id: 'b200' }]);
      expect((await app.inject({ method: 'GET', url: '/api/v1/endpoints' })).json().total).toBe(0);
    } finally {
      await app.close();
      await store.dispose();
    }
  });
});
