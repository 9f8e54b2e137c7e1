import { readFileSync } from 'node:fs';
import { MachineAction, ODataEntity, validateStrict } from '@mde-bridge/client/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, SAMPLES, startHarness } from './harness.js';
import { shapeDifferences } from './shape.js';

const sample = (name: string) => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8'));

describe('machine actions over HTTP', () => {
  let h: Harness;
  let windows: { id: string }[];
  beforeAll(async () => {
    h = await startHarness({
      devices: 80,
      actionTiming: { pickupSeconds: 10, completeSeconds: 60, offlineTimeoutMinutes: 60 },
    });
    windows = h.emu.state.data.devices
      .filter((d) => d.supports.isolate && d.supports.selectiveIsolate && d.supports.avScan && d.online)
      .map((d) => d.machine);
  });
  afterAll(() => h.close());

  it('isolates: 201 + Pending action shaped like the real one, then InProgress and Succeeded on the clock', async () => {
    const id = windows[0].id;
    const res = await h.call(`/api/machines/${id}/isolate`, {
      method: 'POST',
      json: { Comment: 'contain', IsolationType: 'Full' },
    });
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('Pending');
    expect(res.body.type).toBe('Isolate');
    expect(res.body.requestSource).toBe('PublicApi');
    expect(res.body['@odata.context']).toBe(`${h.emu.apiUrl}/api/$metadata#MachineActions/$entity`);
    expect(validateStrict(ODataEntity(MachineAction), res.body)).toEqual([]);
    expect(shapeDifferences(res.body, sample('machine_action_offboard_pending.json'))).toEqual([]);
    await h.control('clock/advance', 'POST', { minutes: 0.5 });
    expect((await h.call(`/api/machineactions/${res.body.id}`)).body.status).toBe('InProgress');
    await h.control('clock/advance', 'POST', { minutes: 1 });
    const done = await h.call(`/api/machineactions/${res.body.id}`);
    expect(done.body.status).toBe('Succeeded');
    expect(Date.parse(done.body.lastUpdateDateTimeUtc)).toBeGreaterThan(
      Date.parse(done.body.creationDateTimeUtc),
    );
  });

  it('refuses a second action of the same type while one is pending with ActiveRequestAlreadyExists', async () => {
    const id = windows[1].id;
    const first = await h.call(`/api/machines/${id}/runAntiVirusScan`, {
      method: 'POST',
      json: { Comment: 'a', ScanType: 'Quick' },
    });
    expect(first.status).toBe(201);
    const second = await h.call(`/api/machines/${id}/runAntiVirusScan`, {
      method: 'POST',
      json: { Comment: 'b', ScanType: 'Full' },
    });
    expect(second.status).toBe(400);
    expect(second.body.error.code).toBe('ActiveRequestAlreadyExists');
    const actions = await h.call(
      `/api/machineactions?$filter=machineId eq '${id}' and type eq 'RunAntiVirusScan'`,
    );
    expect(actions.body.value).toHaveLength(1);
  });

  it('answers GET on an action route with an empty 405 and Allow: POST', async () => {
    const res = await h.call(`/api/machines/${windows[2].id}/isolate`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect(res.text).toBe('');
  });

  it('answers a non-GUID action id with 400 BadRequest like the real sample', async () => {
    const res = await h.call('/api/machineactions/556b3952acb0bff29816d267822305781cc183ec');
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: 'BadRequest', message: sample('error_invalid_machineaction_id.json').error.message },
    });
    expect(shapeDifferences(res.body, sample('error_invalid_machineaction_id.json'))).toEqual([]);
  });

  it('rejects a bad body: missing Comment, wrong enum, wrong case', async () => {
    const id = windows[3].id;
    const none = await h.call(`/api/machines/${id}/isolate`, {
      method: 'POST',
      json: { IsolationType: 'Full' },
    });
    expect(none.body.error.code).toBe('MissingRequiredParameter');
    const bad = await h.call(`/api/machines/${id}/isolate`, {
      method: 'POST',
      json: { Comment: 'x', IsolationType: 'Partial' },
    });
    expect(bad.body.error.code).toBe('InvalidRequestBody');
    const array = await h.call(`/api/machines/${id}/isolate`, { method: 'POST', json: [1] });
    expect(array.body.error.code).toBe('InvalidRequestBody');
    expect((await h.call(`/api/machineactions?$filter=machineId eq '${id}'`)).body.value).toHaveLength(0);
  });

  it('answers OsPlatformNotSupported where the device cannot do the action', async () => {
    const unsupported = h.emu.state.data.devices.find((d) => !d.supports.isolate);
    expect(unsupported, 'the generator makes some devices that cannot isolate').toBeDefined();
    const res = await h.call(`/api/machines/${unsupported!.machine.id}/isolate`, {
      method: 'POST',
      json: { Comment: 'x' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('OsPlatformNotSupported');
  });

  it('times out actions on an offline device, and fails them when the device is set to fail', async () => {
    const offline = windows[4].id;
    await h.control(`devices/${offline}`, 'POST', { online: false });
    const a = await h.call(`/api/machines/${offline}/isolate`, { method: 'POST', json: { Comment: 'x' } });
    const failing = windows[5].id;
    await h.control(`devices/${failing}`, 'POST', { actionOutcome: 'Failed' });
    const b = await h.call(`/api/machines/${failing}/isolate`, { method: 'POST', json: { Comment: 'x' } });
    await h.control('clock/advance', 'POST', { minutes: 5 });
    expect((await h.call(`/api/machineactions/${a.body.id}`)).body.status).toBe('Pending');
    expect((await h.call(`/api/machineactions/${b.body.id}`)).body.status).toBe('Failed');
    await h.control('clock/advance', 'POST', { minutes: 60 });
    expect((await h.call(`/api/machineactions/${a.body.id}`)).body.status).toBe('TimeOut');
  });

  it('cancels a pending action and refuses to cancel a finished one', async () => {
    const id = windows[6].id;
    const a = await h.call(`/api/machines/${id}/restrictCodeExecution`, {
      method: 'POST',
      json: { Comment: 'x' },
    });
    const cancel = await h.call(`/api/machineactions/${a.body.id}/cancel`, {
      method: 'POST',
      json: { Comment: 'oops' },
    });
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('Cancelled');
    expect(cancel.body.cancellationComment).toBe('oops');
    const again = await h.call(`/api/machineactions/${a.body.id}/cancel`, {
      method: 'POST',
      json: { Comment: 'x' },
    });
    expect(again.status).toBe(400);
  });

  it('derives isolation state from a machineactions sweep ordered by creation time', async () => {
    const id = windows[7].id;
    await h.call(`/api/machines/${id}/isolate`, { method: 'POST', json: { Comment: 'x' } });
    await h.control('clock/advance', 'POST', { minutes: 2 });
    await h.call(`/api/machines/${id}/unisolate`, { method: 'POST', json: { Comment: 'y' } });
    const res = await h.call(
      `/api/machineactions?$filter=machineId eq '${id}' and (type eq 'Isolate' or type eq 'Unisolate')&$orderby=creationDateTimeUtc desc&$top=5`,
    );
    expect(res.body.value.map((a: { type: string; status: string }) => `${a.type}:${a.status}`)).toEqual([
      'Unisolate:Pending',
      'Isolate:Succeeded',
    ]);
  });

  it('runs live response to completion and serves the result through a download link', async () => {
    const device = h.emu.state.data.devices.find((d) => d.supports.liveResponse && d.online)!;
    const res = await h.call(`/api/machines/${device.machine.id}/runliveresponse`, {
      method: 'POST',
      json: {
        Comment: 'lr',
        Commands: [{ type: 'RunScript', params: [{ key: 'ScriptName', value: 'minidump.ps1' }] }],
      },
    });
    expect(res.status).toBe(201);
    expect(
      shapeDifferences(res.body, sample('machine_action_live_response_pending.json')).filter(
        (p) => !p.startsWith('extra'),
      ),
    ).toEqual([]);
    await h.control('clock/advance', 'POST', { minutes: 2 });
    const link = await h.call(
      `/api/machineactions/${res.body.id}/GetLiveResponseResultDownloadLink(index=0)`,
    );
    expect(link.status).toBe(200);
    const file = await fetch(link.body.value);
    expect(await file.json()).toMatchObject({ script_name: 'minidump.ps1', exit_code: 0 });
  });
});
