/**
 * A tiny stand-in for the mde-bridge API, for looking at the UI without the service: serves packages/web/dist
 * and canned JSON shaped as packages/service/src/api/CONTRACT.md says. Not used by tests or the product.
 *
 *   npx vite build packages/web && npx tsx packages/web/dev/mock-api.ts [port]
 *   users: admin / admin-password (everything), reader / reader-password (config.view, hosts.view)
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const port = Number(process.argv[2] ?? 5199);
const all = [
  'config.view',
  'config.edit',
  'hosts.view',
  'lockdown.edit',
  'actions.scan',
  'hunting.run',
  'validation.run',
  'users.manage',
  'audit.view',
];
const users: Record<string, { password: string; roleId: string; roleName: string; permissions: string[] }> = {
  admin: { password: 'admin-password', roleId: 'super-admin', roleName: 'Super Admin', permissions: all },
  reader: {
    password: 'reader-password',
    roleId: 'read-only',
    roleName: 'Read-only',
    permissions: ['config.view', 'hosts.view'],
  },
};
const sessions = new Map<string, string>();
const now = Date.now();
const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
const pick = <T>(list: T[], i: number) => list[i % list.length];

const oses = ['Windows11', 'Windows10', 'WindowsServer2022', 'Linux', 'macOS'];
const health = ['Active', 'Active', 'Active', 'Inactive', 'ImpairedCommunication', 'NoSensorData'];
const levels = ['None', 'Low', 'Medium', 'High'];
const isolation = ['not_isolated', 'not_isolated', 'not_isolated', 'isolated', 'isolating', 'unknown'];
const hosts = Array.from({ length: 137 }, (_, i) => ({
  id: randomBytes(20).toString('hex'),
  tenantId: i % 5 === 0 ? 'lab' : 'demo',
  tenantName: i % 5 === 0 ? 'lab' : 'demo',
  name: `${pick(['ws', 'srv', 'lt', 'db'], i)}-${String(i).padStart(4, '0')}.contoso.local`,
  os: pick(oses, i),
  osVersion: pick(['22H2', '23H2', '21H2', '5.15', '14.4'], i),
  healthStatus: pick(health, i),
  onboardingStatus: 'Onboarded',
  riskScore: pick(levels, i * 7),
  exposureLevel: pick(levels, i * 3),
  deviceValue: pick(['Normal', 'Normal', 'High', 'Low'], i),
  isolationState: pick(isolation, i),
  lastSeen: iso(i * 13),
  lastIpAddress: `10.0.${i % 7}.${(i * 11) % 250}`,
  tags: i % 4 === 0 ? ['finance', 'vip'] : i % 3 === 0 ? ['lab'] : [],
  deviceGroup: pick(['Workstations', 'Servers', 'Finance'], i),
  managed: true,
  removed: false,
}));
const severities = ['High', 'Medium', 'Low', 'Informational'];
const alerts = Array.from({ length: 64 }, (_, i) => {
  const host = pick(hosts, i * 5);
  return {
    id: `da${randomBytes(8).toString('hex')}`,
    tenantId: host.tenantId,
    tenantName: host.tenantName,
    machineId: host.id,
    hostName: host.name,
    title: pick(
      [
        'Suspicious PowerShell command line',
        'Credential dumping tool detected',
        'Ransomware behaviour',
        'Suspicious network connection',
      ],
      i,
    ),
    severity: pick(severities, i),
    status: pick(['New', 'InProgress', 'Resolved'], i),
    category: pick(['Execution', 'CredentialAccess', 'Impact', 'CommandAndControl'], i),
    detectionSource: 'WindowsDefenderAtp',
    createdAt: iso(i * 47),
    lastUpdateTime: iso(i * 31),
    resolvedAt: null,
    mitreTechniques: ['T1059.001', 'T1003'].slice(0, (i % 2) + 1),
  };
});
const actions = Array.from({ length: 23 }, (_, i) => {
  const host = pick(hosts, i * 3);
  return {
    id: randomBytes(16).toString('hex'),
    tenantId: host.tenantId,
    machineId: host.id,
    hostName: host.name,
    type: pick(['Isolate', 'Unisolate', 'RunAntiVirusScan'], i),
    status: pick(['Succeeded', 'Pending', 'InProgress', 'Failed', 'TimeOut'], i),
    requestor: pick(['admin', 'soc@contoso.com'], i),
    comment: 'Contain the host while investigating',
    scope: pick(['Full', 'Selective', 'Quick'], i),
    createdAt: iso(i * 90),
    lastUpdateTime: iso(i * 80),
  };
});
const vulns = Array.from({ length: 80 }, (_, i) => ({
  id: `CVE-2024-${1000 + i * 17}`,
  tenantId: 'demo',
  severity: pick(['Critical', 'High', 'Medium', 'Low'], i),
  cvssV3: Math.round((9.8 - (i % 60) / 10) * 10) / 10,
  publicExploit: i % 3 === 0,
  exploitVerified: i % 6 === 0,
  exploitInKit: i % 12 === 0,
  description: 'Remote code execution in a widely deployed component when parsing crafted input.',
  publishedOn: iso(i * 60 * 24 * 9),
  exposedMachines: (i * 37) % 130,
}));
const software = Array.from({ length: 40 }, (_, i) => ({
  id: `vendor-${i}-product-${i}`,
  tenantId: 'demo',
  name: pick(['chrome', 'edge', '7-zip', 'openssl', 'office'], i),
  vendor: pick(['google', 'microsoft', 'igor_pavlov', 'openssl', 'microsoft'], i),
  version: `1.${i}.0`,
  exposedMachines: (i * 13) % 137,
  publicExploit: i % 4 === 0,
  weaknesses: (i * 5) % 30,
}));
const tenants = [
  {
    id: 'demo',
    name: 'demo',
    tenantId: '7f3c1a2e-0000-4000-8000-000000000001',
    clientId: '1b2c3d4e-0000-4000-8000-000000000002',
    cloud: 'custom',
    apiUrl: 'http://127.0.0.1:41234',
    loginUrl: 'http://127.0.0.1:41234',
    graphUrl: 'http://127.0.0.1:41234',
    proxy: null,
    credentialKind: 'secret',
    credential: 'client secret',
    enabled: true,
    isDemo: true,
    settings: {},
    createdAt: iso(600),
    updatedAt: iso(600),
  },
];
const resources = ['machines', 'alerts', 'actions', 'vulnerabilities', 'software', 'scores', 'health'];
const facet = (key: keyof (typeof hosts)[number], list = hosts) => {
  const counts = new Map<string, number>();
  for (const h of list) {
    const values = Array.isArray(h[key]) ? (h[key] as string[]) : [String(h[key])];
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return [...counts].map(([value, count]) => ({ value, count }));
};
const testResult = (ok: boolean) => ({
  ok,
  steps: [
    {
      name: 'dns',
      ok: true,
      detail: 'Resolved login.microsoftonline.com, api.securitycenter.microsoft.com',
      required: true,
    },
    { name: 'connection', ok: true, detail: 'TLS connection answered HTTP 401 in 84 ms', required: true },
    ok
      ? { name: 'token', ok: true, detail: 'Got a token from login.microsoftonline.com', required: true }
      : {
          name: 'token',
          ok: false,
          detail: 'AADSTS7000215: the client secret is wrong or expired',
          required: true,
        },
    ...(ok
      ? [
          {
            name: 'permissions',
            ok: true,
            detail: 'Missing: hunting (needs AdvancedQuery.Read.All)',
            required: true,
          },
          { name: 'api', ok: true, detail: 'Listed devices in 120 ms', required: true },
          {
            name: 'license',
            ok: false,
            detail: 'Not probed: the application lacks AdvancedQuery.Read.All',
            required: false,
          },
        ]
      : []),
  ],
  permissions: ok
    ? { 'Machine.Read.All': true, 'Alert.Read.All': true, 'AdvancedQuery.Read.All': false }
    : {},
  features: ok
    ? {
        inventory: { enabled: true, anyOf: ['Machine.Read.All'] },
        hunting: { enabled: false, anyOf: ['AdvancedQuery.Read.All'] },
      }
    : {},
});

function page<T>(items: T[], url: URL) {
  const p = Math.max(1, Number(url.searchParams.get('page')) || 1);
  const size = Number(url.searchParams.get('pageSize')) || 50;
  return { items: items.slice((p - 1) * size, p * size), total: items.length, page: p, pageSize: size };
}

function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

const err = (res: ServerResponse, status: number, code: string, message: string, extra = {}) =>
  send(res, status, { error: { code, message }, ...extra });

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text ? JSON.parse(text) : {};
}

async function api(req: IncomingMessage, res: ServerResponse, url: URL) {
  const path = url.pathname.slice('/api/v1'.length);
  const method = req.method ?? 'GET';
  if (method === 'POST' && path === '/auth/login') {
    const { username, password } = await body(req);
    const user = users[String(username)];
    if (String(username) === 'locked') return err(res, 429, 'rate_limited', 'Too many attempts', {});
    if (!user || user.password !== password)
      return err(res, 401, 'invalid_credentials', 'Invalid user name or password');
    const sid = randomBytes(16).toString('hex');
    sessions.set(sid, String(username));
    return send(
      res,
      200,
      { user: { id: String(username), username }, csrfToken: 'csrf' },
      {
        'set-cookie': `mdeb_session=${sid}; Path=/; HttpOnly; SameSite=Strict`,
      },
    );
  }
  const sid = /mdeb_session=(\w+)/.exec(req.headers.cookie ?? '')?.[1];
  const name = sid ? sessions.get(sid) : undefined;
  if (!name) return err(res, 401, 'unauthenticated', 'Sign in first');
  const me = users[name];
  const user = {
    id: name,
    username: name,
    displayName: name === 'admin' ? 'Administrator' : 'Reader',
    roleId: me.roleId,
    roleName: me.roleName,
    disabled: false,
    createdAt: iso(900),
    lastLoginAt: iso(1),
  };
  if (method !== 'GET' && req.headers['x-csrf-token'] !== 'csrf')
    return err(res, 403, 'csrf', 'CSRF token missing');
  let m: RegExpExecArray | null = null;
  if (path === '/auth/me')
    return send(res, 200, {
      user,
      token: null,
      role: {
        id: me.roleId,
        name: me.roleName,
        description: '',
        builtin: true,
        permissions: me.permissions,
        deviceGroups: null,
      },
      permissions: me.permissions,
      csrfToken: 'csrf',
    });
  if (path === '/auth/logout') {
    sessions.delete(sid!);
    return send(res, 204);
  }
  if (path === '/dashboard')
    return send(res, 200, {
      tenants: [
        { id: 'demo', name: 'demo', isDemo: true, enabled: true, devices: 110, lastSync: iso(2) },
        { id: 'lab', name: 'lab', isDemo: false, enabled: true, devices: 27, lastSync: iso(40) },
      ],
      devices: {
        total: hosts.length,
        byHealth: facet('healthStatus'),
        byOs: facet('os'),
        byExposure: facet('exposureLevel'),
        byRisk: facet('riskScore'),
        byIsolation: facet('isolationState'),
      },
      alerts: {
        active: 41,
        bySeverity: [
          { value: 'High', count: 9 },
          { value: 'Medium', count: 17 },
          { value: 'Low', count: 12 },
          { value: 'Informational', count: 3 },
        ],
      },
    });
  if (path === '/sync/status')
    return send(res, 200, {
      items: [
        {
          tenantId: 'demo',
          tenantName: 'demo',
          enabled: true,
          isDemo: true,
          resources: resources.map((resource, i) => ({
            resource,
            intervalMs: [3_600_000, 60_000, 60_000, 14_400_000, 86_400_000, 3_600_000, 14_400_000][i],
            nextRunAt: iso(-(i + 1) * 7),
            lastRun:
              i === 5
                ? null
                : {
                    mode: 'delta',
                    status: i === 3 ? 'failed' : 'succeeded',
                    startedAt: iso(i * 3 + 1),
                    finishedAt: iso(i * 3),
                    fetched: 120 * (i + 1),
                    upserted: 40,
                    removed: 0,
                    apiCalls: 3,
                    throttledMs: 0,
                    error: i === 3 ? 'HTTP 429 from Defender after 5 retries' : null,
                  },
            running: i === 0 ? { startedAt: iso(0.5), pages: 3, items: 300 } : null,
          })),
        },
      ],
    });
  if (path === '/tenants' && method === 'GET') return send(res, 200, { items: tenants });
  if (path === '/tenants/test-connection') {
    const input = await body(req);
    return send(res, 200, testResult(input.clientSecret !== 'wrong'));
  }
  if (path === '/tenants' && method === 'POST') {
    const input = await body(req);
    if (!input.name)
      return send(res, 400, {
        error: { code: 'invalid_request', message: 'must not be empty', field: 'body.name' },
      });
    if (input.clientSecret === 'wrong')
      return send(res, 422, {
        error: { code: 'connection_failed', message: 'Test Connection failed' },
        testConnection: testResult(false),
      });
    const tenant = {
      ...tenants[0],
      ...input,
      id: String(input.name),
      isDemo: false,
      credential: 'client secret',
    };
    delete (tenant as Record<string, unknown>).clientSecret;
    tenants.push(tenant as (typeof tenants)[number]);
    return send(res, 201, tenant);
  }
  m = /^\/tenants\/([^/]+)(\/.*)?$/.exec(path);
  if (m) {
    const tenant = tenants.find((t) => t.id === decodeURIComponent(m![1]));
    if (!tenant) return err(res, 404, 'not_found', 'No such tenant');
    if (m[2] === '/test-connection') return send(res, 200, testResult(true));
    if (m[2] === '/sync') return send(res, 202, { accepted: resources });
    if (m[2] === '/disable' || m[2] === '/enable') {
      tenant.enabled = m[2] === '/enable';
      return send(res, 200, tenant);
    }
    if (method === 'PATCH') {
      Object.assign(tenant, await body(req), { updatedAt: new Date().toISOString() });
      return send(res, 200, tenant);
    }
    if (method === 'DELETE') {
      tenants.splice(tenants.indexOf(tenant), 1);
      return send(res, 204);
    }
    return send(res, 200, tenant);
  }
  if (path === '/hosts/facets')
    return send(res, 200, {
      os: facet('os'),
      health: facet('healthStatus'),
      risk: facet('riskScore'),
      exposure: facet('exposureLevel'),
      isolation: facet('isolationState'),
      groups: facet('deviceGroup'),
      tags: facet('tags'),
    });
  if (path === '/hosts') {
    const q = url.searchParams.get('q')?.toLowerCase();
    const f = (param: string, key: keyof (typeof hosts)[number]) => {
      const v = url.searchParams.get(param);
      return (h: (typeof hosts)[number]) =>
        !v || (Array.isArray(h[key]) ? (h[key] as string[]).includes(v) : String(h[key]) === v);
    };
    let list = hosts.filter(
      (h) =>
        (!q || h.name.includes(q) || h.lastIpAddress.startsWith(q)) &&
        f('tenant', 'tenantId')(h) &&
        f('os', 'os')(h) &&
        f('health', 'healthStatus')(h) &&
        f('risk', 'riskScore')(h) &&
        f('exposure', 'exposureLevel')(h) &&
        f('isolation', 'isolationState')(h) &&
        f('tag', 'tags')(h) &&
        f('group', 'deviceGroup')(h),
    );
    const sort = url.searchParams.get('sort');
    if (sort) {
      const key = (
        {
          name: 'name',
          lastSeen: 'lastSeen',
          os: 'os',
          health: 'healthStatus',
          risk: 'riskScore',
          exposure: 'exposureLevel',
        } as const
      )[sort as 'name'];
      list = [...list].sort((a, b) => String(a[key]).localeCompare(String(b[key])));
      if (url.searchParams.get('order') === 'desc') list.reverse();
    }
    return send(res, 200, page(list, url));
  }
  m = /^\/hosts\/([^/]+)(\/.*)?$/.exec(path);
  if (m) {
    const host = hosts.find((h) => h.id === m![1]);
    if (!host) return err(res, 404, 'not_found', 'No such host');
    if (m[2] === '/alerts')
      return send(
        res,
        200,
        page(
          alerts.filter((a) => a.machineId === host.id),
          url,
        ),
      );
    if (m[2] === '/actions')
      return send(
        res,
        200,
        page(
          actions.filter((a) => a.machineId === host.id),
          url,
        ),
      );
    if (m[2] === '/software') return send(res, 200, page(software.slice(0, 12), url));
    if (m[2] === '/vulnerabilities')
      return send(
        res,
        200,
        page(
          vulns.slice(0, 9).map((v) => ({
            cveId: v.id,
            severity: v.severity,
            cvssV3: v.cvssV3,
            publicExploit: v.publicExploit,
            description: v.description,
            productVendor: 'microsoft',
            productName: 'edge',
            productVersion: '120.0',
            fixingKbId: null,
          })),
          url,
        ),
      );
    const portal = 'https://security.microsoft.com/machines/v2';
    return send(res, 200, {
      ...host,
      firstSeen: iso(60 * 24 * 200),
      aadDeviceId: null,
      lastExternalIpAddress: '203.0.113.40',
      ipAddresses: [
        { ip: host.lastIpAddress, firstSeenAt: iso(600), lastSeenAt: iso(2), current: true },
        { ip: '10.9.8.7', firstSeenAt: iso(6000), lastSeenAt: iso(700), current: false },
      ],
      isolation:
        host.isolationState === 'isolated'
          ? { state: 'isolated', requestedBy: 'admin', at: iso(50), actionId: 'x' }
          : null,
      health: { state: host.healthStatus, since: iso(300) },
      links: {
        overview: `${portal}/${host.id}/overview`,
        vulnerabilities: `${portal}/${host.id}/vulnerabilities`,
        alerts: `${portal}/${host.id}/alerts`,
      },
      counts: { activeAlerts: alerts.filter((a) => a.machineId === host.id).length, vulnerabilities: 9 },
      isPotentialDuplicate: false,
      mergedIntoMachineId: null,
    });
  }
  if (path === '/alerts') {
    const sev = url.searchParams.get('severity');
    return send(
      res,
      200,
      page(
        alerts.filter((a) => !sev || a.severity === sev),
        url,
      ),
    );
  }
  m = /^\/alerts\/(.+)$/.exec(path);
  if (m) {
    const alert = alerts.find((a) => a.id === m![1]);
    if (!alert) return err(res, 404, 'not_found', 'No such alert');
    return send(res, 200, {
      ...alert,
      evidence: [
        {
          entityType: 'Process',
          fileName: 'powershell.exe',
          processCommandLine: 'powershell -enc SQBFAFgA…',
          sha1: 'a'.repeat(40),
        },
        { entityType: 'Ip', ipAddress: '198.51.100.23' },
      ],
    });
  }
  if (path === '/actions') return send(res, 200, page(actions, url));
  if (path === '/vulnerabilities') return send(res, 200, page(vulns, url));
  if (path === '/software') return send(res, 200, page(software, url));
  if (path === '/users' && method === 'GET')
    return send(res, 200, {
      items: [
        user,
        {
          ...user,
          id: 'reader',
          username: 'reader',
          displayName: 'Reader',
          roleId: 'read-only',
          roleName: 'Read-only',
          lastLoginAt: null,
        },
      ],
    });
  if (path === '/roles')
    return send(res, 200, {
      items: [
        {
          id: 'super-admin',
          name: 'Super Admin',
          description: 'Every permission',
          builtin: true,
          permissions: all,
          deviceGroups: null,
        },
        {
          id: 'analyst',
          name: 'Analyst',
          description: 'Investigate and respond',
          builtin: true,
          permissions: ['config.view', 'hosts.view', 'lockdown.edit'],
          deviceGroups: null,
        },
        {
          id: 'read-only',
          name: 'Read-only',
          description: 'View hosts and configuration',
          builtin: true,
          permissions: ['config.view', 'hosts.view'],
          deviceGroups: null,
        },
        {
          id: 'finance-soc',
          name: 'Finance SOC',
          description: 'Finance devices only',
          builtin: false,
          permissions: ['hosts.view'],
          deviceGroups: ['Finance'],
        },
      ],
      permissions: all.map((p) => ({ name: p, description: `Allows ${p}` })),
    });
  if (path === '/tokens' && method === 'POST') {
    const input = await body(req);
    return send(res, 201, {
      token: `mdeb_${randomBytes(24).toString('base64url')}`,
      apiToken: { id: 't2', name: input.name },
    });
  }
  if (path === '/tokens')
    return send(res, 200, {
      items: [
        {
          id: 't1',
          name: 'ndr-sensor-01',
          prefix: 'mdeb_a1b2',
          roleId: 'analyst',
          roleName: 'Analyst',
          createdBy: 'admin',
          createdAt: iso(3000),
          expiresAt: iso(-60 * 24 * 60),
          lastUsedAt: iso(3),
          revokedAt: null,
        },
      ],
    });
  if (path === '/audit')
    return send(
      res,
      200,
      page(
        Array.from({ length: 75 }, (_, i) => ({
          id: String(i),
          at: iso(i * 17),
          actorKind: 'user',
          actor: 'admin',
          action: pick(['login.succeeded', 'tenant.updated', 'token.created', 'login.failed'], i),
          target: pick(['', 'tenant demo', 'token ndr-sensor-01', ''], i),
          outcome: pick(['success', 'success', 'success', 'failure'], i),
          detail: i % 4 === 1 ? { changed: ['proxy'] } : {},
          ip: '127.0.0.1',
        })),
        url,
      ),
    );
  return err(res, 404, 'not_found', `No route ${method} ${path}`);
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
};

createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (url.pathname.startsWith('/api/v1/')) return await api(req, res, url);
    const asked = normalize(join(dist, url.pathname));
    // Client-side routes (no file extension) fall back to index.html, as the service does.
    const file = asked.startsWith(dist) && extname(asked) !== '' ? asked : join(dist, 'index.html');
    const data = await readFile(file);
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    res.end(data);
  } catch (error) {
    send(res, 500, { error: { code: 'internal', message: String(error) } });
  }
}).listen(port, '127.0.0.1', () => console.log(`mock API on http://127.0.0.1:${port}`));
