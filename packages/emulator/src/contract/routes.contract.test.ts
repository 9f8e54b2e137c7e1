import {
  Alert,
  ConfigurationScore,
  ExposureScore,
  ExposureScoreByMachineGroup,
  FileInfo,
  FileStats,
  Indicator,
  Investigation,
  LogonUser,
  Machine,
  MachineReference,
  MachineVulnerability,
  MissingKb,
  ODataCollection,
  ODataEntity,
  Recommendation,
  Software,
  Vulnerability,
  validateStrict,
} from '@mde-bridge/client/models';
import type { TSchema } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../server.js';
import { DEFENDER_SCOPE, GRAPH_SCOPE, type Harness, startHarness } from './harness.js';

/** A concrete path for a route pattern (values need not exist: roles are checked before anything else). */
function concretePath(path: string | (string | RegExp)[]): string {
  const segments = typeof path === 'string' ? path.split('/').filter(Boolean) : path;
  return `/${segments
    .map((s) => {
      if (typeof s !== 'string') {
        return /findbyip/i.test(s.source)
          ? "findbyip(ip='10.0.0.1',timestamp=2026-01-01T00:00:00Z)"
          : 'GetLiveResponseResultDownloadLink(index=0)';
      }
      return s.startsWith(':') ? '5a5a5a5a-5a5a-4a5a-8a5a-5a5a5a5a5a5a' : s;
    })
    .join('/')}`;
}

describe('every route, every role', () => {
  let h: Harness;
  let noRoles: { clientId: string; clientSecret: string };
  beforeAll(async () => {
    h = await startHarness({ rateLimits: 'off' });
    noRoles = (await h.control('apps', 'POST', { displayName: 'no roles', roles: [], graphRoles: [] })).body;
  });
  afterAll(() => h.close());

  it('declares the roles of every Defender and Graph route, and answers 403 to an application without them', async () => {
    const routes = apiRoutes(h.emu.state).filter((r) => r.auth === 'defender' || r.auth === 'graph');
    expect(routes.length).toBeGreaterThan(50);
    const defenderToken = await h.token(DEFENDER_SCOPE, noRoles);
    const graphToken = await h.token(GRAPH_SCOPE, noRoles);
    for (const route of routes) {
      expect(route.roles?.length, route.operation).toBeGreaterThan(0);
      const res = await h.call(concretePath(route.path), {
        method: route.method,
        token: route.auth === 'graph' ? graphToken : defenderToken,
        json: route.method === 'GET' || route.method === 'DELETE' ? undefined : {},
      });
      expect(`${route.operation}: ${res.status} ${res.body?.error?.code}`).toBe(
        `${route.operation}: 403 Forbidden`,
      );
    }
  });

  it('answers 401 on every authenticated route without a token', async () => {
    for (const route of apiRoutes(h.emu.state).filter((r) => r.auth === 'defender' || r.auth === 'graph')) {
      const res = await h.call(concretePath(route.path), { method: route.method, token: null });
      expect(`${route.operation}: ${res.status}`).toBe(`${route.operation}: 401`);
    }
  });
});

describe('every read route serves bodies that validate strictly against the wire schemas', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ devices: 80, rateLimits: 'off' });
  });
  afterAll(() => h.close());

  it('validates TVM, scores, indicators, files, logon users and investigations', async () => {
    const data = h.emu.state.data;
    const device = data.devices.find((d) => data.deviceVulnerabilities(d).some((v) => v.fixingKbId))!;
    const cve = data.deviceVulnerabilities(device)[0].cveId;
    const software = data.deviceSoftware(device)[0].softwareId;
    const recommendation = data.deviceRecommendations(device)[0] ?? data.recommendations[0].id;
    const sha1 = data.alerts.flatMap((a) => a.evidence).find((e) => e.sha1)!.sha1!;
    const indicator = await h.call('/api/indicators', {
      method: 'POST',
      json: {
        indicatorValue: '203.0.113.7',
        indicatorType: 'IpAddress',
        action: 'Block',
        title: 't',
        description: 'd',
      },
    });
    expect(indicator.status, JSON.stringify(indicator.body)).toBe(200);
    const investigation = await h.call(`/api/machines/${device.machine.id}/startInvestigation`, {
      method: 'POST',
      json: { Comment: 'x' },
    });
    const reads: [string, TSchema][] = [
      ['/api/vulnerabilities?$top=50', ODataCollection(Vulnerability)],
      [`/api/vulnerabilities/${cve}`, ODataEntity(Vulnerability)],
      [`/api/vulnerabilities/${cve}/machineReferences`, ODataCollection(MachineReference)],
      ['/api/vulnerabilities/machinesVulnerabilities?$top=200', ODataCollection(MachineVulnerability)],
      ['/api/Software', ODataCollection(Software)],
      [`/api/Software/${software}`, ODataEntity(Software)],
      [`/api/Software/${software}/machineReferences`, ODataCollection(MachineReference)],
      [`/api/Software/${software}/vulnerabilities`, ODataCollection(Vulnerability)],
      ['/api/recommendations', ODataCollection(Recommendation)],
      [`/api/recommendations/${recommendation}`, ODataEntity(Recommendation)],
      [`/api/recommendations/${recommendation}/machineReferences`, ODataCollection(MachineReference)],
      ['/api/exposureScore', ODataEntity(ExposureScore)],
      ['/api/exposureScore/ByMachineGroups', ODataCollection(ExposureScoreByMachineGroup)],
      ['/api/configurationScore', ODataEntity(ConfigurationScore)],
      [`/api/machines/${device.machine.id}/software`, ODataCollection(Software)],
      [`/api/machines/${device.machine.id}/vulnerabilities`, ODataCollection(Vulnerability)],
      [`/api/machines/${device.machine.id}/recommendations`, ODataCollection(Recommendation)],
      [`/api/machines/${device.machine.id}/getmissingkbs`, ODataCollection(MissingKb)],
      [`/api/machines/${device.machine.id}/logonusers`, ODataCollection(LogonUser)],
      [`/api/machines/${device.machine.id}/alerts`, ODataCollection(Alert)],
      ['/api/machines/findbytag?tag=none-such', ODataCollection(Machine)],
      ['/api/indicators', ODataCollection(Indicator)],
      [`/api/files/${sha1}`, ODataEntity(FileInfo)],
      [`/api/files/${sha1}/stats`, ODataEntity(FileStats)],
      [`/api/files/${sha1}/machines`, ODataCollection(Machine)],
    ];
    for (const [path, schema] of reads) {
      const res = await h.call(path);
      expect(res.status, `${path}: ${res.text.slice(0, 300)}`).toBe(200);
      expect(validateStrict(schema, res.body), path).toEqual([]);
    }
    expect(validateStrict(ODataEntity(Investigation), investigation.body)).toEqual([]);
    expect(validateStrict(ODataEntity(Indicator), indicator.body)).toEqual([]);
  });
});
