import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCertificate } from '../../../emulator/src/auth/keys.js';
import {
  AuthenticationError,
  LicenseFeatureUnavailable,
  PermissionMissing,
  ResponseParseError,
} from '../errors.js';
import { Alert, Machine, MachineAction, validate } from '../models/index.js';
import { DefenderClient, type DefenderClientOptions } from './defender-client.js';
import { testConnection } from './test-connection.js';

function clientFor(emu: RunningEmulator, extra: Partial<DefenderClientOptions> = {}): DefenderClient {
  return new DefenderClient({
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    credential: { clientSecret: emu.demoApp.clientSecret },
    cloud: 'custom',
    apiUrl: emu.apiUrl,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
    ...extra,
  });
}

/** `GET /_emulator/stats`: calls answered per API family. */
type Stats = { calls: Record<string, number> };

async function control(emu: RunningEmulator, path: string, method = 'GET', body?: unknown) {
  const res = await fetch(`${emu.apiUrl}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? undefined : res.json();
}

describe('DefenderClient against the emulator', () => {
  let emu: RunningEmulator;
  let client: DefenderClient;
  beforeAll(async () => {
    emu = await startEmulator({
      devices: 120,
      seed: 'client',
      clock: 'manual',
      rateLimits: 'off',
      log: () => {},
    });
    client = clientFor(emu);
  });
  afterAll(() => emu.close());

  it('runs every read operation and parses the answers with the wire schemas', async () => {
    const machines = [];
    for await (const m of client.listMachines()) machines.push(m);
    expect(machines).toHaveLength(120);
    expect(validate(Machine, machines[0])).toEqual([]);
    const data = emu.state.data;
    const device = data.devices.find(
      (d) => data.deviceVulnerabilities(d).some((v) => v.fixingKbId) && d.loggedOnUsers.length > 0,
    )!;
    const id = device.machine.id;
    expect((await client.getMachine(id)).id).toBe(id);
    expect((await client.getMachine(device.machine.computerDnsName)).computerDnsName).toBe(
      device.machine.computerDnsName,
    );
    const ip = device.ipHistory.at(-1)!;
    expect(
      (await client.findMachinesByIp(ip.ip, new Date(emu.state.clock.now() - 60_000))).map((m) => m.id),
    ).toContain(id);
    expect(await client.findMachinesByTag('no-such-tag')).toEqual([]);
    expect((await client.listMachineLogonUsers(id)).length).toBeGreaterThan(0);
    expect(Array.isArray(await client.listMachineAlerts(id))).toBe(true);
    expect((await client.listMachineVulnerabilities(id)).length).toBeGreaterThan(0);
    expect((await client.listMachineSoftware(id)).length).toBeGreaterThan(0);
    expect(Array.isArray(await client.listMachineRecommendations(id))).toBe(true);
    expect((await client.listMachineMissingKbs(id)).length).toBeGreaterThan(0);
    const alerts = [];
    for await (const a of client.listAlerts({ expandEvidence: true })) alerts.push(a);
    expect(alerts.length).toBe(data.alerts.length);
    expect(validate(Alert, alerts[0])).toEqual([]);
    expect((await client.getAlert(alerts[0].id)).id).toBe(alerts[0].id);
    const cve = data.deviceVulnerabilities(device)[0].cveId;
    expect((await client.getVulnerability(cve)).id).toBe(cve);
    expect((await client.listVulnerabilityMachineReferences(cve)).map((r) => r.id)).toContain(id);
    let vulnerabilities = 0;
    for await (const _ of client.listVulnerabilities()) vulnerabilities++;
    expect(vulnerabilities).toBe(data.vulnerabilities.length);
    let rows = 0;
    for await (const _ of client.listMachineVulnerabilityRows({ filter: `machineId eq '${id}'` })) rows++;
    expect(rows).toBe(data.deviceVulnerabilities(device).length);
    const softwareId = data.deviceSoftware(device)[0].softwareId;
    expect((await client.getSoftware(softwareId)).id).toBe(softwareId);
    expect((await client.listSoftwareMachineReferences(softwareId)).map((r) => r.id)).toContain(id);
    expect(Array.isArray(await client.listSoftwareVulnerabilities(softwareId))).toBe(true);
    let software = 0;
    for await (const _ of client.listSoftware()) software++;
    expect(software).toBe(data.software.length);
    const recommendation = data.recommendations[0].id;
    expect((await client.getRecommendation(recommendation)).id).toBe(recommendation);
    expect(Array.isArray(await client.listRecommendationMachineReferences(recommendation))).toBe(true);
    expect(typeof (await client.getExposureScore()).score).toBe('number');
    expect((await client.listExposureScoreByMachineGroups()).length).toBeGreaterThan(0);
    expect(Number.isInteger((await client.getConfigurationScore()).score)).toBe(true);
    const hunt = await client.runAdvancedQuery('DeviceInfo | take 3');
    expect(hunt.Results).toHaveLength(3);
    const graphHunt = await client.runHuntingQuery('DeviceInfo | take 2');
    expect(graphHunt.results).toHaveLength(2);
    const graphAlerts = [];
    for await (const a of client.listGraphAlerts()) graphAlerts.push(a);
    expect(graphAlerts.length).toBe(data.alerts.length);
    expect((await client.getGraphAlert(graphAlerts[0].id)).id).toBe(graphAlerts[0].id);
    const sha1 = data.alerts.flatMap((a) => a.evidence).find((e) => e.sha1)!.sha1!;
    expect((await client.getFile(sha1)).sha1).toBe(sha1);
    expect((await client.getFileStats(sha1)).sha1).toBe(sha1);
    expect((await client.listFileMachines(sha1)).length).toBeGreaterThan(0);
  });

  it('runs write operations: tags, device value, alerts, indicators, actions and their lifecycle', async () => {
    const device = emu.state.data.devices.find(
      (d) => d.supports.isolate && d.supports.avScan && d.supports.liveResponse && d.online,
    )!;
    const id = device.machine.id;
    expect((await client.tagMachine(id, 'VIP', 'Add')).machineTags).toContain('VIP');
    expect((await client.setDeviceValue(id, 'High')).deviceValue).toBe('High');
    const alert = emu.state.data.alerts.find((a) => a.status !== 'Resolved')!;
    expect((await client.updateAlert(alert.id, { status: 'InProgress', comment: 'triage' })).status).toBe(
      'InProgress',
    );
    await client.batchUpdateAlerts([alert.id], { assignedTo: 'soc@contoso.com' });
    expect((await client.getAlert(alert.id)).assignedTo).toBe('soc@contoso.com');
    const indicator = await client.submitIndicator({
      indicatorValue: 'evil.example.com',
      indicatorType: 'DomainName',
      action: 'Block',
      title: 't',
      description: 'd',
    });
    let listed = 0;
    for await (const i of client.listIndicators()) if (i.id === indicator.id) listed++;
    expect(listed).toBe(1);
    await client.deleteIndicator(String(indicator.id));
    const isolate = await client.isolateMachine(id, { comment: 'contain', isolationType: 'Full' });
    expect(validate(MachineAction, isolate)).toEqual([]);
    expect(isolate.status).toBe('Pending');
    const scan = await client.runAntivirusScan(id, { comment: 'scan', scanType: 'Quick' });
    const lr = await client.runLiveResponse(id, {
      comment: 'lr',
      commands: [{ type: 'RunScript', params: [{ key: 'ScriptName', value: 'a.ps1' }] }],
    });
    const cancelled = await client.cancelMachineAction(scan.id, { comment: 'no' });
    expect(cancelled.status).toBe('Cancelled');
    await control(emu, 'clock/advance', 'POST', { minutes: 5 });
    expect((await client.getMachineAction(isolate.id)).status).toBe('Succeeded');
    const link = await client.getLiveResponseResultDownloadLink(lr.id, 0);
    expect(link).toContain('/safedownload/');
    const actions = [];
    for await (const a of client.listMachineActions({ filter: `machineId eq '${id}'` })) actions.push(a.type);
    expect(actions.sort()).toEqual(['Isolate', 'LiveResponse', 'RunAntiVirusScan']);
    const investigation = await client.startInvestigation(id, { comment: 'x' });
    expect(investigation.machineId).toBe(id);
  });

  it('authenticates with a registered certificate (PEM bundle with its key)', async () => {
    const cert = generateCertificate({ commonName: 'client-contract' });
    const app = (await control(emu, 'apps', 'POST', {
      displayName: 'cert',
      roles: ['Machine.Read.All'],
      certificatePem: cert.certificatePem,
    })) as { clientId: string };
    const certClient = clientFor(emu, {
      clientId: app.clientId,
      credential: { certificatePem: `${cert.certificatePem}\n${cert.privateKeyPem}` },
    });
    expect((await certClient.getMachine(emu.state.data.devices[0].machine.id)).id).toBeTruthy();
  });

  it('names the missing permissions and the features they disable for an app with only some roles', async () => {
    const app = (await control(emu, 'apps', 'POST', {
      displayName: 'reader',
      roles: ['Machine.Read.All'],
    })) as { clientId: string; clientSecret: string };
    const reader = clientFor(emu, { clientId: app.clientId, credential: { clientSecret: app.clientSecret } });
    const err = await reader
      .isolateMachine(emu.state.data.devices[0].machine.id, { comment: 'x' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(PermissionMissing);
    expect(err.roles).toEqual(['Machine.Isolate']);
    expect(err.message).toContain('Machine.Isolate');
    const report = await testConnection(reader);
    expect(report.ok).toBe(true);
    expect(report.features.inventory.enabled).toBe(true);
    expect(report.features.isolate.enabled).toBe(false);
    expect(report.features.hunting.enabled).toBe(false);
    expect(report.permissions['Machine.Isolate']).toBe(false);
    expect(report.steps.find((s) => s.name === 'permissions')?.detail).toContain('Machine.Isolate');
  });

  it('reports a wrong secret and an unknown tenant as authentication errors a person can act on', async () => {
    const wrong = clientFor(emu, { credential: { clientSecret: 'wrong' } });
    const err = await wrong.getMachine('x').catch((e) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('InvalidClientSecret');
    expect(err.message).not.toContain('wrong');
    const report = await testConnection(wrong);
    expect(report.ok).toBe(false);
    expect(report.steps.find((s) => s.name === 'token')).toMatchObject({ ok: false });
    const tenant = clientFor(emu, { tenantId: '11111111-2222-3333-4444-555555555555' });
    const tenantErr = await tenant.getMachine('x').catch((e) => e);
    expect(tenantErr.code).toBe('TenantNotFound');
  });

  it('passes testConnection on the demo tenant with every step explained', async () => {
    const report = await testConnection(client);
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual([
      'dns',
      'connection',
      'token',
      'permissions',
      'api',
      'license',
      'clock',
    ]);
    expect(report.steps.every((s) => s.ok)).toBe(true);
    expect(Object.values(report.features).every((f) => f.enabled)).toBe(true);
  });

  it('survives a 429 storm, a 503, a hang and a GET answer cut off mid-body', async () => {
    const resilient = clientFor(emu, { timeoutInMs: 500 });
    await control(emu, 'faults', 'POST', {
      kind: '429',
      families: ['machines'],
      count: 3,
      retryAfterSeconds: 0,
    });
    expect((await resilient.getMachine(emu.state.data.devices[0].machine.id)).id).toBeTruthy();
    await control(emu, 'faults', 'POST', { kind: '503', families: ['alerts'], count: 1 });
    expect((await resilient.getAlert(emu.state.data.alerts[0].id)).id).toBeTruthy();
    await control(emu, 'faults', 'POST', { kind: 'hang', families: ['scores'], count: 1, hangMs: 5_000 });
    expect(typeof (await resilient.getExposureScore()).score).toBe('number');
    await control(emu, 'faults', 'POST', { kind: 'truncate', families: ['machines'], count: 2 });
    await control(emu, 'stats', 'DELETE');
    const machines = [];
    for await (const m of resilient.listMachines()) machines.push(m);
    expect(machines).toHaveLength(120);
    expect(((await control(emu, 'stats')) as Stats).calls.machines).toBe(3);
    await control(emu, 'faults', 'DELETE');
  });

  it('does not send a POST again when its answer is cut off: it may have taken effect', async () => {
    // The last such device: the write test above leaves a scan pending on the first.
    const device = emu.state.data.devices.filter((d) => d.online && d.supports.avScan).at(-1)!.machine.id;
    const before = emu.state.actions.list().length;
    await control(emu, 'faults', 'POST', { kind: 'truncate', families: ['machineActions'], count: 1 });
    await control(emu, 'stats', 'DELETE');
    const err = await client.runAntivirusScan(device, { comment: 'scan' }).catch((e) => e);
    expect(err).toBeInstanceOf(ResponseParseError);
    expect(err.message).toContain('runAntiVirusScan');
    expect(err.message).toContain('cut off');
    expect(((await control(emu, 'stats')) as Stats).calls.machineActions).toBe(1);
    expect(emu.state.actions.list().length).toBe(before + 1);
    await control(emu, 'faults', 'DELETE');
  });
});

describe('licence modes', () => {
  it('reports hunting unavailable on a Plan 1 tenant and raises LicenseFeatureUnavailable', async () => {
    const emu = await startEmulator({ devices: 5, license: 'p1', clock: 'manual', log: () => {} });
    try {
      const client = clientFor(emu);
      const report = await testConnection(client);
      expect(report.ok).toBe(true);
      const license = report.steps.find((s) => s.name === 'license')!;
      expect(license.ok).toBe(false);
      expect(license.detail).toContain('Defender for Business');
      expect(report.features.hunting.enabled).toBe(false);
      await expect(client.runAdvancedQuery('DeviceInfo | take 1')).rejects.toBeInstanceOf(
        LicenseFeatureUnavailable,
      );
    } finally {
      await emu.close();
    }
  });
});

describe('through a proxy', () => {
  let proxy: Server;
  const tunnels: string[] = [];
  beforeAll(async () => {
    proxy = createServer((_req, res) => res.writeHead(405).end());
    proxy.on('connect', (req, client: Socket, head) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
  });
  afterAll(() => {
    proxy.closeAllConnections();
    proxy.close();
  });

  it('carries token and API traffic through the proxy', async () => {
    const emu = await startEmulator({ devices: 5, clock: 'manual', log: () => {} });
    try {
      const { port } = proxy.address() as { port: number };
      const client = clientFor(emu, { proxy: `http://127.0.0.1:${port}` });
      expect((await client.getMachine(emu.state.data.devices[0].machine.id)).id).toBeTruthy();
      expect(tunnels).toContain(new URL(emu.apiUrl).host);
      const report = await testConnection(client);
      expect(report.steps.find((s) => s.name === 'connection')?.detail).toContain('via proxy');
    } finally {
      await emu.close();
    }
  });
});

describe('paging a large tenant', () => {
  it('lists 25,000+ devices exactly once, and reports a listing cut short as incomplete', async () => {
    const emu = await startEmulator({
      devices: 25_500,
      seed: 'paging',
      clock: 'manual',
      rateLimits: 'off',
      log: () => {},
    });
    try {
      const client = clientFor(emu, { maxRetries: 0 });
      const seen = new Set<string>();
      let total = 0;
      const listing = client.listMachines();
      for await (const m of listing) {
        seen.add(m.id);
        total++;
      }
      expect(total).toBe(25_500);
      expect(seen.size).toBe(25_500);
      expect(listing.state).toMatchObject({ complete: true, pages: 3, items: 25_500 });
      const cut = client.listMachines();
      let pages = 0;
      const failing = (async () => {
        for await (const _ of cut.byPage()) {
          pages++;
          if (pages === 1)
            await control(emu, 'faults', 'POST', { kind: '500', families: ['machines'], count: 5 });
        }
      })();
      await expect(failing).rejects.toThrow();
      expect(cut.state.complete).toBe(false);
      expect(cut.state.items).toBe(10_000);
    } finally {
      await emu.close();
    }
  });
});
