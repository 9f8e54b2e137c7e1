import { readFileSync } from 'node:fs';
import { GraphHuntingResponse, HuntingResponse, validateStrict } from '@mde-bridge/client/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scenario } from '../generator/types.js';
import { type Harness, SAMPLES, startHarness } from './harness.js';
import { shapeDifferences } from './shape.js';

const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

describe('advanced hunting over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    // Windows re-uses process IDs: a process is DeviceId + ProcessId + its creation time, so the join below
    // matches on all three (on the ID alone an older process with the same ID can come first).
    h = await startHarness({ devices: 100, rateLimits: 'off' });
  });
  afterAll(() => h.close());

  it('answers the MDE shape {Stats, Schema, Results} with the real sample key set', async () => {
    const res = await h.call('/api/advancedqueries/run', {
      method: 'POST',
      json: {
        Query:
          'DeviceProcessEvents | where Timestamp > ago(1d) | project Timestamp, FileName, InitiatingProcessFileName | take 2',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(validateStrict(HuntingResponse, res.body)).toEqual([]);
    expect(res.body.Results).toHaveLength(2);
    expect(shapeDifferences(res.body, sample('advanced_hunting_result.json'))).toEqual([]);
  });

  it('answers Graph runHuntingQuery in its lower-case shape', async () => {
    const res = await h.call('/v1.0/security/runHuntingQuery', {
      method: 'POST',
      json: {
        Query: 'DeviceProcessEvents | project Timestamp, FileName, InitiatingProcessFileName | take 2',
      },
    });
    expect(res.status).toBe(200);
    expect(validateStrict(GraphHuntingResponse, res.body)).toEqual([]);
    expect(shapeDifferences(res.body, sample('graph_run_hunting_query_result.json'))).toEqual([]);
  });

  it('answers a syntax error with 400 BadRequest and the parser diagnostic, spending no result', async () => {
    const res = await h.call('/api/advancedqueries/run', {
      method: 'POST',
      json: { Query: 'DeviceInfo | where (' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BadRequest');
    expect(res.body.error.message).toContain('A recognition error occurred');
    const op = await h.call('/api/advancedqueries/run', {
      method: 'POST',
      json: { Query: 'DeviceInfo | evaluate bag_unpack(x)' },
    });
    expect(op.status).toBe(400);
    const body = await h.call('/api/advancedqueries/run', { method: 'POST', json: { query: 'DeviceInfo' } });
    expect(body.body.error.code).toBe('MissingRequiredParameter');
  });

  it('finds every scenario connection and its process chain, consistent with the answer key', async () => {
    const scenarios = (await h.control('scenarios')).body as Scenario[];
    expect(scenarios.length).toBeGreaterThanOrEqual(3);
    for (const s of scenarios.slice(0, 3)) {
      const t = Date.parse(s.time);
      const from = new Date(t - 5 * 60_000).toISOString();
      const to = new Date(t + 5 * 60_000).toISOString();
      const query = `DeviceNetworkEvents
        | where DeviceId == '${s.deviceId}' and Timestamp between (datetime(${from}) .. datetime(${to}))
        | where RemoteIP == '${s.remoteIp}' and RemotePort == ${s.remotePort}
        | join kind=inner (DeviceProcessEvents | where DeviceId == '${s.deviceId}' | project DeviceId, ProcessId, ProcessCreationTime, FileName, ProcessCommandLine, ParentId = InitiatingProcessId) on DeviceId, $left.InitiatingProcessId == $right.ProcessId, $left.InitiatingProcessCreationTime == $right.ProcessCreationTime
        | project InitiatingProcessFileName, InitiatingProcessId, ProcessCommandLine, ParentId`;
      const res = await h.call('/api/advancedqueries/run', { method: 'POST', json: { Query: query } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      const row = res.body.Results[0];
      expect(row.InitiatingProcessFileName).toBe(s.processChain[0].fileName);
      expect(row.InitiatingProcessId).toBe(s.processChain[0].processId);
      expect(row.ParentId).toBe(s.processChain[1].processId);
    }
  });

  it('links detected scenarios to alerts that exist, raised after the activity', async () => {
    const scenarios = (await h.control('scenarios')).body as Scenario[];
    const detected = scenarios.filter((s) => s.detected);
    expect(detected.length).toBeGreaterThan(0);
    for (const s of detected) {
      for (const id of s.alertIds) {
        const alert = await h.call(`/api/alerts/${id}`);
        expect(alert.status).toBe(200);
        expect(alert.body.machineId).toBe(s.deviceId);
        expect(Date.parse(alert.body.alertCreationTime)).toBeGreaterThanOrEqual(Date.parse(s.time));
      }
    }
    expect(scenarios.filter((s) => !s.detected).every((s) => s.alertIds.length === 0)).toBe(true);
  });
});
