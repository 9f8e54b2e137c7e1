import { readFileSync } from 'node:fs';
import { Machine, ODataCollection, ODataEntity, validateStrict } from '@mde-bridge/client/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SAMPLES, startHarness } from './harness.js';
import { shapeDifferences } from './shape.js';

const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

describe('machines over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ devices: 120 });
  });
  afterAll(() => h.close());

  it('serves machines that validate strictly and have the real sample key set and value types', async () => {
    const res = await h.call('/api/machines');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(
      'application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8',
    );
    expect(res.headers.get('odata-version')).toBe('4.0');
    expect(validateStrict(ODataCollection(Machine), res.body)).toEqual([]);
    expect(res.body.value.length).toBe(120);
    expect(res.body['@odata.context']).toBe(`${h.emu.apiUrl}/api/$metadata#Machines`);
    expect(shapeDifferences(res.body, sample('machines_list.json'))).toEqual([]);
    expect(Object.keys(res.body.value[0])).toEqual(Object.keys(sample('machines_list.json').value[0]));
  });

  it('gets one machine by id or by computer DNS name, with the $entity context', async () => {
    const first = (await h.call('/api/machines?$top=1')).body.value[0];
    const byId = await h.call(`/api/machines/${first.id}`);
    expect(byId.body['@odata.context']).toBe(`${h.emu.apiUrl}/api/$metadata#Machines/$entity`);
    expect(validateStrict(ODataEntity(Machine), byId.body)).toEqual([]);
    const byName = await h.call(`/api/v1.0/MACHINES/${encodeURIComponent(first.computerDnsName)}`);
    expect(byName.status).toBe(200);
    expect(byName.body.computerDnsName).toBe(first.computerDnsName);
  });

  it('answers 404 ResourceNotFound for an unknown machine and 404 naming an unknown route', async () => {
    const missing = await h.call('/api/machines/0000000000000000000000000000000000000000');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ResourceNotFound');
    const route = await h.call('/api/nothing/here');
    expect(route.status).toBe(404);
    expect(route.body.error.message).toContain('/api/nothing/here');
    expect(route.body.error.target).toMatch(/^\|[0-9a-f]{8}-[0-9a-f]{16}\.$/);
  });

  it('returns no @odata.nextLink when $top is given, and one with $skip when it is not (pitfall: paging)', async () => {
    const top = await h.call('/api/machines?$top=50');
    expect(top.body.value).toHaveLength(50);
    expect(top.body['@odata.nextLink']).toBeUndefined();
    const walk: string[] = [];
    for (let skip = 0; ; skip += 50) {
      const page = await h.call(`/api/machines?$top=50&$skip=${skip}`);
      walk.push(...page.body.value.map((m: { id: string }) => m.id));
      if (page.body.value.length < 50) break;
    }
    expect(new Set(walk).size).toBe(120);
  });

  it('pages past 10,000 devices with nextLink and with $top/$skip, and caps $top at 10,000', async () => {
    const big = await startHarness({ devices: 10_050 });
    try {
      const first = await big.call('/api/machines');
      expect(first.body.value).toHaveLength(10_000);
      const next = new URL(first.body['@odata.nextLink']);
      expect(next.searchParams.get('$skip')).toBe('10000');
      const second = await big.call(`${next.pathname}${next.search}`);
      expect(second.body.value).toHaveLength(50);
      expect(second.body['@odata.nextLink']).toBeUndefined();
      const over = await big.call('/api/machines?$top=10001');
      expect(over.status).toBe(400);
      expect(over.body.error.code).toBe('ODataError');
      const counted = await big.call('/api/machines?$top=1&$count=true');
      expect(counted.body['@odata.count']).toBe(10_050);
    } finally {
      await big.close();
    }
  });

  it('filters with OData as Defender does, + decoded as a space, and names unsupported properties', async () => {
    const all = (await h.call('/api/machines')).body.value as {
      healthStatus: string;
      lastSeen: string;
      machineTags: string[];
    }[];
    const active = await h.call("/api/machines?$filter=healthStatus+eq+'Active'");
    expect(active.body.value.length).toBe(all.filter((m) => m.healthStatus === 'Active').length);
    const since = all.map((m) => m.lastSeen).sort()[60];
    const recent = await h.call(`/api/machines?$filter=lastSeen ge ${since}`);
    expect(recent.body.value.length).toBe(
      all.filter((m) => Date.parse(m.lastSeen) >= Date.parse(since)).length,
    );
    const bad = await h.call("/api/machines?$filter=agentVersion eq '1'");
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('ODataError');
    expect(bad.body.error.message).toContain('agentVersion');
    const option = await h.call('/api/machines?$search=x');
    expect(option.status).toBe(400);
    expect(option.body.error.message).toContain('$search');
  });

  it('finds a device by the IP it had at a time, from its IP history', async () => {
    const info = h.emu.state;
    const device = info.data.devices.find((d) => d.ipHistory.length > 1)!;
    const old = device.ipHistory[0];
    const at = new Date(old.toMs ? (old.fromMs + old.toMs) / 2 : old.fromMs + 60_000).toISOString();
    const res = await h.call(`/api/machines/findbyip(ip='${old.ip}',timestamp=${at})`);
    expect(res.status).toBe(200);
    expect(res.body.value.map((m: { id: string }) => m.id)).toContain(device.machine.id);
    const tooOld = await h.call(`/api/machines/findbyip(ip='${old.ip}',timestamp=2001-01-01T00:00:00Z)`);
    expect(tooOld.status).toBe(400);
    const badIp = await h.call(`/api/machines/findbyip(ip='999.1.1.1',timestamp=${at})`);
    expect(badIp.body.error.code).toBe('InvalidIpAddress');
  });

  it('rejects OData options on /machines/{id}/alerts but counts with $filter on /alerts/$count (pitfall)', async () => {
    const alert = h.emu.state.data.alerts[0];
    const opts = await h.call(`/api/machines/${alert.machineId}/alerts?$top=1`);
    expect(opts.status).toBe(400);
    const plain = await h.call(`/api/machines/${alert.machineId}/alerts`);
    expect(plain.status).toBe(200);
    const count = await h.call(`/api/machines/${alert.machineId}/alerts/$count?$filter=status ne 'Resolved'`);
    expect(count.status).toBe(200);
    expect(Number(count.text)).toBe(
      plain.body.value.filter((a: { status: string }) => a.status !== 'Resolved').length,
    );
  });

  it('adds and removes tags (case-sensitive body), and rejects a lower-case body key', async () => {
    const id = (await h.call('/api/machines?$top=1')).body.value[0].id;
    const add = await h.call(`/api/machines/${id}/tags`, {
      method: 'POST',
      json: { Value: 'VIP', Action: 'Add' },
    });
    expect(add.body.machineTags).toContain('VIP');
    const found = await h.call("/api/machines?$filter=machineTags/any(t: t eq 'VIP')");
    expect(found.body.value.map((m: { id: string }) => m.id)).toContain(id);
    const wrongCase = await h.call(`/api/machines/${id}/tags`, {
      method: 'POST',
      json: { value: 'x', action: 'Add' },
    });
    expect(wrongCase.status).toBe(400);
    expect(wrongCase.body.error.code).toBe('MissingRequiredParameter');
    const remove = await h.call(`/api/machines/${id}/tags`, {
      method: 'POST',
      json: { Value: 'VIP', Action: 'Remove' },
    });
    expect(remove.body.machineTags).not.toContain('VIP');
    const notJson = await h.call(`/api/machines/${id}/tags`, {
      method: 'POST',
      body: '{not json',
      headers: { 'Content-Type': 'application/json' },
    });
    expect(notJson.body.error.code).toBe('InvalidRequestBody');
  });
});
