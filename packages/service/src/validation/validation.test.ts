import { randomBytes } from 'node:crypto';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestApi, type TestApi } from '../api/api.test-support.js';
import { createApiToken } from '../auth/api-tokens.js';
import { createRole } from '../auth/roles.js';
import { engines } from '../store/store.test-support.js';
import {
  callsByFamily as calls,
  control as ctl,
  EMULATOR_START,
  startTestEmulator,
} from '../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../tenants/emulator-tenant.test-support.js';
import { tenantValidationClients } from './validation-poll.js';
import { startValidationPoller, type ValidationPoller } from './validation-poller.js';
import type { Validation } from './validations.js';

const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };
const MINUTE = 60_000;

/**
 * The control surface through global fetch, once more when the first try meets a keep-alive socket the
 * emulator closed while the test was busy elsewhere (ECONNRESET): a transport race, not a result.
 */
async function again<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch {
    return fn();
  }
}
const control = <T>(emu: RunningEmulator, method: 'GET' | 'DELETE', path: string) =>
  again(() => ctl<T>(emu, method, path));
const callsByFamily = (emu: RunningEmulator) => again(() => calls(emu));

interface Scenario {
  id: string;
  deviceId: string;
  deviceName: string;
  time: string;
  alertIds: string[];
  detected: boolean;
}

describe.each(engines)('detection validation on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let api: TestApi;
  let scenarios: Scenario[];
  let poller: ValidationPoller;
  /** The bridge's clock: the emulator's start, moved by the tests. */
  let nowMs = Date.parse(EMULATOR_START);
  const now = () => new Date(nowMs);

  beforeAll(async () => {
    emu = await startTestEmulator(200, 'validation');
    scenarios = await control<Scenario[]>(emu, 'GET', 'scenarios');
    store = await engine.open();
    await addSyncedEmulatorTenant(store, emu, env);
    api = await createTestApi({ store, now, deps: { env } });
    // Ticks only when a test asks (no timer): the clock is the test's.
    poller = startValidationPoller({
      store,
      clientFor: tenantValidationClients({ store, env }),
      now,
      setInterval: () => null,
      clearInterval: () => {},
    });
    await poller.started;
  });
  afterAll(async () => {
    await poller?.stop();
    await api?.close();
    await store?.dispose();
    await emu?.close();
  });
  beforeEach(async () => {
    await control(emu, 'DELETE', 'stats');
  });

  const post = (payload: Record<string, unknown>, who: 'analyst' | 'reader' = 'analyst') =>
    api.app.inject({ method: 'POST', url: '/api/v1/validations', payload, ...api.as(who) });
  const get = async (id: string): Promise<Validation> => {
    const response = await api.app.inject({
      method: 'GET',
      url: `/api/v1/validations/${id}`,
      ...api.as('analyst'),
    });
    expect(response.statusCode).toBe(200);
    return response.json() as Validation;
  };
  const at = (iso: string, plusMs: number) => new Date(Date.parse(iso) + plusMs).toISOString();
  const count = async () =>
    Number(
      (
        await store.db
          .selectFrom('validations')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('reports every detected scenario detected with its alerts and the latency from the activity', async () => {
    const detected = scenarios.filter((s) => s.detected);
    expect(detected.length).toBeGreaterThan(0);
    for (const s of detected) {
      const created = await post({
        host: s.deviceName,
        start: s.time,
        end: at(s.time, MINUTE),
        grace: '60m',
        expectedTechniques: ['T1218', 'T1071.001', 'T1003'],
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ state: 'polling', detected: null, polls: 0 });
      expect(await poller.tick()).toBeGreaterThanOrEqual(1);
      const v = await get(created.json().id);
      expect(v.state, s.id).toBe('detected');
      expect(v.detected).toBe(true);
      expect(v.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(s.alertIds));
      const truth = emu.state.data.alerts.filter((a) => s.alertIds.includes(a.id));
      const firstCreated = Math.min(...truth.map((a) => Date.parse(a.alertCreationTime)));
      const expectedLatency = (firstCreated - Date.parse(s.time)) / 1000;
      expect(Math.abs((v.latencySeconds ?? -1) - expectedLatency)).toBeLessThanOrEqual(1);
      expect(v.latencySeconds).toBeGreaterThan(0);
      expect(v.latencySeconds).toBeLessThanOrEqual(40 * 60);
      for (const a of v.alerts) {
        const source = emu.state.data.alerts.find((x) => x.id === a.id);
        expect(a).toMatchObject({
          title: source?.title,
          severity: source?.severity,
          detectionSource: source?.detectionSource,
          techniques: source?.mitreTechniques,
        });
      }
      const seen = new Set(truth.flatMap((a) => a.mitreTechniques));
      expect(v.techniques.missing).toContain('T1003');
      expect(v.techniques.seen.includes('T1218')).toBe([...seen].some((t) => t.startsWith('T1218')));
      expect(v.hostNames).toContain(s.deviceName.toLowerCase());
      expect(v.machineId).toBe(s.deviceId);
    }
    // One alert list call per validation, nothing else.
    expect((await callsByFamily(emu)).alerts).toBe(detected.length);
  });

  it('reports every missed scenario missed once the grace period has ended, not before', async () => {
    const missed = scenarios.filter((s) => !s.detected);
    expect(missed.length).toBeGreaterThan(0);
    for (const s of missed) {
      const created = await post({ host: s.deviceName, start: s.time, end: at(s.time, MINUTE), grace: '0m' });
      expect(created.statusCode, created.body).toBe(201);
      await poller.tick();
      const v = await get(created.json().id);
      expect(v).toMatchObject({
        state: 'missed',
        detected: false,
        alerts: [],
        latencySeconds: null,
        polls: 1,
      });
      expect(v.finishedAt).not.toBeNull();
    }
    // A window that ends now with 10 minutes' grace: polling until the grace is over, then missed.
    const s = missed[0];
    const created = await post({
      host: s.deviceName,
      start: new Date(nowMs - 2 * MINUTE).toISOString(),
      end: now().toISOString(),
      grace: '10m',
    });
    const id = created.json().id as string;
    await poller.tick();
    expect(await get(id)).toMatchObject({ state: 'polling', detected: null, polls: 1 });
    nowMs += 5 * MINUTE;
    await poller.tick();
    expect(await get(id)).toMatchObject({ state: 'polling', polls: 2 });
    nowMs += 5 * MINUTE;
    await poller.tick();
    expect(await get(id)).toMatchObject({ state: 'missed', detected: false, polls: 3 });
  });

  it("counts only the actor host's alerts, found by any name it goes by", async () => {
    const hit = scenarios.find((x) => x.detected) as Scenario;
    const other = scenarios.find((x) => !x.detected && x.deviceId !== hit.deviceId) as Scenario;
    // Another host in the detected scenario's window: Defender has alerts then, none of them this host's.
    const elsewhere = await post({
      host: other.deviceName,
      start: hit.time,
      end: at(hit.time, MINUTE),
      grace: '60m',
    });
    // The actor host known to the test harness by an alias, its Defender name given as an alternate.
    const alias = await post({
      host: 'redteam-actor-7',
      alternateHostnames: [hit.deviceName.toUpperCase()],
      start: hit.time,
      end: at(hit.time, MINUTE),
      grace: '60m',
    });
    expect(alias.statusCode, alias.body).toBe(201);
    await poller.tick();
    expect(await get(elsewhere.json().id)).toMatchObject({ state: 'missed', alerts: [] });
    const v = await get(alias.json().id);
    expect(v).toMatchObject({ state: 'detected', host: 'redteam-actor-7', machineId: hit.deviceId });
    expect(v.hostNames).toEqual(expect.arrayContaining(['redteam-actor-7', hit.deviceName.toLowerCase()]));
    expect(v.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(hit.alertIds));
  });

  it('keeps polling while the activity goes on even after an alert, then finishes detected', async () => {
    const s = scenarios.find((x) => x.detected) as Scenario;
    const created = await post({
      host: s.deviceName,
      start: s.time,
      end: new Date(nowMs + 5 * MINUTE).toISOString(),
    });
    const id = created.json().id as string;
    await poller.tick();
    const early = await get(id);
    expect(early).toMatchObject({ state: 'polling', detected: true });
    expect(early.alerts.map((a) => a.id)).toEqual(expect.arrayContaining(s.alertIds));
    nowMs += 6 * MINUTE;
    await poller.tick();
    expect(await get(id)).toMatchObject({ state: 'detected', detected: true, polls: 2 });
  });

  it('goes on after a restart: a new poller picks up a validation left polling', async () => {
    const s = scenarios.find((x) => x.detected) as Scenario;
    const created = await post({ host: s.deviceName, start: s.time, end: at(s.time, MINUTE), grace: '60m' });
    const restarted = startValidationPoller({
      store,
      clientFor: tenantValidationClients({ store, env }),
      now,
      setInterval: () => null,
      clearInterval: () => {},
    });
    await restarted.started;
    await restarted.stop();
    expect((await get(created.json().id)).state).toBe('detected');
  });

  it('keeps a caller limited to device groups to the hosts in its groups', async () => {
    const s = scenarios[0];
    const group = emu.state.data.devices.find((d) => d.machine.id === s.deviceId)?.machine.rbacGroupName;
    const role = await createRole(store.db, {
      name: 'validator-elsewhere',
      permissions: ['validation.run'],
      deviceGroups: [`not-${group ?? 'any'}`],
    });
    const { token } = await createApiToken(store.db, {
      name: 'validator',
      roleId: role.id,
      createdBy: 'test',
    });
    const headers = { authorization: `Bearer ${token}` };
    const refused = await api.app.inject({
      method: 'POST',
      url: '/api/v1/validations',
      payload: { host: s.deviceName, start: s.time, end: at(s.time, MINUTE) },
      headers,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.field).toBe('body.host');
    const list = await api.app.inject({ method: 'GET', url: '/api/v1/validations', headers });
    expect(list.json()).toMatchObject({ items: [], total: 0 });
    const anyId = (await store.db.selectFrom('validations').select('id').executeTakeFirstOrThrow()).id;
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/validations/${anyId}`, headers })).statusCode,
    ).toBe(404);
  });

  it('refuses bad input with a 400 naming the field, spending nothing', async () => {
    const s = scenarios[0];
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ host: s.deviceName, start: s.time, end: at(s.time, -MINUTE) }, 'body.end'],
      [{ host: 'no-such-host.example.org', start: s.time, end: at(s.time, MINUTE) }, 'body.host'],
      [{ host: s.deviceName, start: s.time, end: at(s.time, MINUTE), grace: '25h' }, 'body.grace'],
      [{ host: s.deviceName, start: s.time, end: at(s.time, MINUTE), grace: 'soon' }, 'body.grace'],
      [
        { host: s.deviceName, start: s.time, end: at(s.time, MINUTE), expectedTechniques: ['T1059', 'T12'] },
        'body.expectedTechniques/1',
      ],
      [
        { host: s.deviceName, start: at(EMULATOR_START, 60 * MINUTE), end: at(EMULATOR_START, 61 * MINUTE) },
        'body.start',
      ],
      [{ host: s.deviceName, start: 'yesterday', end: at(s.time, MINUTE) }, 'body.start'],
      [{ host: s.deviceName, start: s.time, end: at(s.time, MINUTE), tenantId: 'fabrikam' }, 'body.tenantId'],
    ];
    for (const [payload, field] of cases) {
      const response = await post(payload);
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', field });
      expect(response.json().error.message).toBeTruthy();
    }
    expect(await count()).toBe(before);
    await poller.tick();
    expect(await callsByFamily(emu)).toEqual({});
    expect((await post({ host: s.deviceName, start: s.time, end: s.time }, 'reader')).statusCode).toBe(403);
  });

  it("exports all validations as CSV and JSON downloads, and one validation's alerts as CSV", async () => {
    const list = await api.app.inject({ method: 'GET', url: '/api/v1/validations', ...api.as('analyst') });
    expect(list.statusCode).toBe(200);
    const total = list.json().total as number;
    expect(total).toBe(await count());
    const csv = await api.app.inject({
      method: 'GET',
      url: '/api/v1/validations?format=csv',
      ...api.as('analyst'),
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toMatch(
      /^attachment; filename="mde-bridge-validations-.*\.csv"$/,
    );
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^id,tenantId,host,machineId,start,end,graceSeconds,state,detected,/);
    expect(lines).toHaveLength(total + 1);
    const json = await api.app.inject({
      method: 'GET',
      url: '/api/v1/validations?format=json',
      ...api.as('analyst'),
    });
    expect(json.headers['content-disposition']).toMatch(/\.json"$/);
    const all = JSON.parse(json.body) as Validation[];
    expect(all).toHaveLength(total);
    const detected = all.find((v) => v.state === 'detected' && v.alerts.length > 0) as Validation;
    const alerts = await api.app.inject({
      method: 'GET',
      url: `/api/v1/validations/${detected.id}?format=csv`,
      ...api.as('analyst'),
    });
    expect(alerts.headers['content-type']).toMatch(/^text\/csv/);
    const rows = alerts.body.trim().split('\r\n');
    expect(rows[0]).toBe(
      'id,title,severity,techniques,detectionSource,category,firstActivity,createdAt,latencySeconds',
    );
    expect(rows.slice(1).map((r) => r.split(',')[0])).toEqual(detected.alerts.map((a) => a.id));
    const audited = await store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'validation.created')
      .execute();
    expect(audited).toHaveLength(total);
    expect(
      (await api.app.inject({ method: 'GET', url: '/api/v1/validations/nope', ...api.as('analyst') }))
        .statusCode,
    ).toBe(404);
  });
});
