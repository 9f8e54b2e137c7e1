import { randomBytes } from 'node:crypto';
import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken } from '../../auth/api-tokens.js';
import { createRole } from '../../auth/roles.js';
import { createApprovalRule } from '../../response/approvals.js';
import { engines } from '../../store/store.test-support.js';
import { callsByFamily, control, EMULATOR_START, startTestEmulator } from '../../sync/sync.test-support.js';
import { addSyncedEmulatorTenant } from '../../tenants/emulator-tenant.test-support.js';
import { createTestApi, type TestApi } from '../api.test-support.js';

/**
 * POST /detections to a lock on the emulator: a policy that passes isolates the device for real, a dry run and
 * an approval send nothing, bad bodies are refused naming the field and change nothing, scoped callers see
 * only their device groups.
 */
const env = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

describe.each(engines)('detections and lockdown policies API on $name', (engine) => {
  let emu: RunningEmulator;
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let api: TestApi;
  const now = () => new Date(EMULATOR_START);
  const used = new Set<string>();
  let seq = 0;

  beforeAll(async () => {
    emu = await startTestEmulator(30, 'detections', {
      actionTiming: { pickupSeconds: 1, completeSeconds: 5 },
    });
    store = await engine.open();
    await addSyncedEmulatorTenant(store, emu, env, ['machines', 'actions']);
    api = await createTestApi({ store, now, deps: { env } });
  });
  afterAll(async () => {
    await api?.close();
    await store?.dispose();
    await emu?.close();
  });
  beforeEach(async () => {
    await store.db.deleteFrom('lockdown_policies').execute();
    await control(emu, 'DELETE', 'stats');
  });

  /** An online, isolatable device no other test used: its DNS name and machine ID. */
  function freshDevice(): { name: string; id: string } {
    const device = emu.state.data.devices.find(
      (d) =>
        d.online &&
        d.supports.isolate &&
        d.machine.onboardingStatus === 'Onboarded' &&
        d.machine.computerDnsName &&
        !used.has(d.machine.id) &&
        !emu.state.data.devices.some(
          (o) =>
            o !== d && o.machine.computerDnsName?.toLowerCase() === d.machine.computerDnsName?.toLowerCase(),
        ),
    );
    if (!device) throw new Error('the emulator has no fresh isolatable device left');
    used.add(device.machine.id);
    return { name: device.machine.computerDnsName as string, id: device.machine.id };
  }

  const as = (who: 'analyst' | 'admin' | 'reader' = 'admin') => api.as(who);
  const postPolicy = (payload: Record<string, unknown>) =>
    api.app.inject({ method: 'POST', url: '/api/v1/lockdown-policies', payload, ...as() });
  const policy = async (payload: Record<string, unknown>) => {
    const res = await postPolicy({
      name: `policy ${++seq}`,
      duration: '4h',
      thresholds: { minThreat: 70 },
      exclusions: { highValue: false },
      ...payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; name: string };
  };
  const postDetection = (payload: Record<string, unknown>, who: 'analyst' | 'reader' = 'analyst') =>
    api.app.inject({
      method: 'POST',
      url: '/api/v1/detections',
      payload: { id: `det-${++seq}`, source: 'ndr', threatScore: 90, timestamp: EMULATOR_START, ...payload },
      ...as(who),
    });
  const isolates = (machineId: string) =>
    emu.state.actions.list().filter((a) => a.machineId === machineId && a.type === 'Isolate');

  it('locks the host for real when a policy passes: one Defender isolate, the lockdown by the policy', async () => {
    const p = await policy({});
    const device = freshDevice();
    const res = await postDetection({ hostName: device.name, remoteIp: '203.0.113.7', remotePort: 443 });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      machineId: device.id,
      match: 'dns_name',
      lockdown: { outcome: 'locked', approvalId: null },
      stitch: { state: 'waiting' },
    });
    expect(body.lockdown.decisions).toMatchObject([
      { policyId: p.id, policyName: p.name, decision: 'locked', dryRun: false },
    ]);
    expect(isolates(device.id)).toHaveLength(1);
    const lock = await api.app.inject({
      method: 'GET',
      url: `/api/v1/hosts/${device.id}/lockdown`,
      ...as('reader'),
    });
    expect(lock.json()).toMatchObject({ id: body.lockdown.lockdownId, lockedBy: `policy:${p.name}` });
    expect(lock.json().comment).toContain(p.name);
    expect(['locking', 'active']).toContain(lock.json().state);
    const audit = await store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'policy.decision')
      .execute();
    expect(audit.some((a) => a.detail.includes(body.id) && a.detail.includes('"locked"'))).toBe(true);
  });

  it('two detections of one host at once lock it once; the other is already_locked', async () => {
    await policy({});
    const device = freshDevice();
    const [a, b] = await Promise.all([
      postDetection({ hostName: device.name }),
      postDetection({ hostName: device.name }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect([a.json().lockdown.outcome, b.json().lockdown.outcome].sort()).toEqual([
      'already_locked',
      'locked',
    ]);
    expect(isolates(device.id)).toHaveLength(1);
  });

  it('a dry run records would_lock and sends nothing to Defender', async () => {
    await policy({ dryRun: true });
    const device = freshDevice();
    const res = await postDetection({ hostName: device.name });
    expect(res.statusCode).toBe(201);
    expect(res.json().lockdown).toMatchObject({ outcome: 'would_lock', lockdownId: null });
    expect(res.json().lockdown.decisions[0]).toMatchObject({ decision: 'would_lock', dryRun: true });
    expect(isolates(device.id)).toHaveLength(0);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
    const decisions = await api.app.inject({
      method: 'GET',
      url: '/api/v1/policy-decisions?dryRun=true',
      ...as(),
    });
    expect(decisions.json().items[0]).toMatchObject({ detectionId: res.json().id, decision: 'would_lock' });
  });

  it('a policy with requireApproval leaves a pending approval and sends nothing', async () => {
    const p = await policy({ requireApproval: true });
    const device = freshDevice();
    const res = await postDetection({ hostName: device.name });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().lockdown.outcome).toBe('awaiting_approval');
    const approvalId = res.json().lockdown.approvalId as string;
    const row = await store.db
      .selectFrom('approvals')
      .selectAll()
      .where('id', '=', approvalId)
      .executeTakeFirst();
    expect(row).toMatchObject({
      state: 'pending',
      kind: 'lockdown',
      device_id: device.id,
      policy_id: p.id,
      detection_id: res.json().id,
    });
    expect(isolates(device.id)).toHaveLength(0);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
  });

  it("a device group with an approval rule makes a policy's lock wait too", async () => {
    await policy({});
    const device = freshDevice();
    const row = await store.db
      .selectFrom('devices')
      .select(['tenant', 'rbac_group_name'])
      .where('id', '=', device.id)
      .executeTakeFirstOrThrow();
    const rule = await createApprovalRule(store.db, {
      tenant: row.tenant,
      deviceGroup: row.rbac_group_name as string,
      by: { actorKind: 'user', actor: 'test' },
    });
    try {
      const res = await postDetection({ hostName: device.name });
      expect(res.json().lockdown.outcome).toBe('awaiting_approval');
      expect(res.json().lockdown.decisions[0].reason).toContain(row.rbac_group_name);
      expect(isolates(device.id)).toHaveLength(0);
    } finally {
      await store.db
        .deleteFrom('approval_rules')
        .where('id', '=', rule?.id ?? '')
        .execute();
    }
  });

  it('answers a re-posted detection (same source and id) with the stored one, 200, not re-evaluated', async () => {
    await policy({ dryRun: true });
    const device = freshDevice();
    const payload = { id: 'repeat-1', hostName: device.name };
    const first = await postDetection(payload);
    const again = await postDetection({ ...payload, threatScore: 5 });
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().threatScore).toBe(90);
    const rows = await store.db
      .selectFrom('policy_decisions')
      .selectAll()
      .where('detection_id', '=', first.json().id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('refuses bad detections with a 400 naming the field; nothing is stored or sent', async () => {
    await policy({});
    const device = freshDevice();
    const count = async () => (await store.db.selectFrom('detections').select('id').execute()).length;
    const before = await count();
    const future = new Date(Date.parse(EMULATOR_START) + 6 * 60_000).toISOString();
    for (const [payload, field] of [
      [{ hostIp: undefined, hostName: undefined }, 'body.hostIp'],
      [{ hostIp: '300.1.1.1' }, 'body.hostIp'],
      [{ hostName: device.name, remoteIp: 'not-an-ip' }, 'body.remoteIp'],
      [{ hostName: device.name, timestamp: future }, 'body.timestamp'],
      [{ hostName: device.name, threatScore: 101 }, 'body.threatScore'],
      [{ hostName: device.name, severity: 'High' }, 'body.severity'],
    ] as const) {
      const res = await postDetection(payload);
      expect(res.statusCode, `${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      expect(res.json().error.field).toBe(field);
    }
    expect(await count()).toBe(before);
    expect((await callsByFamily(emu)).machineActions ?? 0).toBe(0);
  });

  it('refuses a caller without detections.submit', async () => {
    const res = await postDetection({ hostName: 'ws01' }, 'reader');
    expect(res.statusCode).toBe(403);
  });

  it('validates policies (400 naming the field, 409 duplicate name) and keeps decisions after a delete', async () => {
    const bad = async (payload: Record<string, unknown>, field: string) => {
      const res = await postPolicy({
        name: `bad ${++seq}`,
        duration: '4h',
        thresholds: { minThreat: 50 },
        ...payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.field).toBe(field);
    };
    await bad({ thresholds: {} }, 'body.thresholds');
    await bad({ thresholds: { minThreat: null, minRiskLevel: null } }, 'body.thresholds');
    await bad({ thresholds: { minAlertSeverity: null, minPrivilege: null } }, 'body.thresholds');
    await bad({ thresholds: undefined }, 'body.thresholds');
    await bad({ duration: '5m' }, 'body.duration');
    await bad({ duration: '73h' }, 'body.duration');
    await bad({ thresholds: { minThreat: 101 } }, 'body.thresholds.minThreat');
    await bad({ tenantId: 'nobody' }, 'body.tenantId');
    await bad({ maxPerHour: 0 }, 'body.maxPerHour');
    expect(await store.db.selectFrom('lockdown_policies').selectAll().execute()).toHaveLength(0);

    const p = await policy({ dryRun: true, tenantId: 'contoso' });
    expect(
      (await postPolicy({ name: p.name, duration: '1h', thresholds: { minThreat: 1 } })).statusCode,
    ).toBe(409);
    const got = await api.app.inject({
      method: 'GET',
      url: `/api/v1/lockdown-policies/${p.id}`,
      ...as('analyst'),
    });
    expect(got.json()).toMatchObject({
      name: p.name,
      enabled: true,
      dryRun: true,
      isolationType: 'Full',
      maxPerHour: 5,
      requireApproval: false,
      thresholds: { minThreat: 70, minCertainty: null },
      exclusions: { tags: [], highValue: false, deviceGroups: [], allowList: [] },
    });
    const put = await api.app.inject({
      method: 'PUT',
      url: `/api/v1/lockdown-policies/${p.id}`,
      payload: {
        name: p.name,
        duration: '90m',
        dryRun: true,
        thresholds: { minCertainty: 10 },
        maxPerHour: 3,
      },
      ...as(),
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({
      duration: '90m',
      maxPerHour: 3,
      thresholds: { minThreat: null, minCertainty: 10 },
    });
    const det = await postDetection({ hostName: freshDevice().name, certaintyScore: 50 });
    expect(det.json().lockdown.outcome).toBe('would_lock');
    const del = await api.app.inject({ method: 'DELETE', url: `/api/v1/lockdown-policies/${p.id}`, ...as() });
    expect(del.statusCode).toBe(204);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/lockdown-policies/${p.id}`, ...as() })).statusCode,
    ).toBe(404);
    const decisions = await api.app.inject({
      method: 'GET',
      url: `/api/v1/policy-decisions?policyId=${p.id}`,
      ...as(),
    });
    expect(decisions.json()).toMatchObject({
      total: 1,
      items: [{ policyName: null, decision: 'would_lock' }],
    });
    const byReader = await api.app.inject({
      method: 'POST',
      url: '/api/v1/lockdown-policies',
      payload: { name: 'reader policy', duration: '1h', thresholds: { minThreat: 1 } },
      ...as('reader'),
    });
    expect(byReader.statusCode).toBe(403);
  });

  it('lists detections with filters; a device-group-scoped caller sees only its groups (no unmatched)', async () => {
    const device = freshDevice();
    const group = (
      await store.db
        .selectFrom('devices')
        .select('rbac_group_name')
        .where('id', '=', device.id)
        .executeTakeFirstOrThrow()
    ).rbac_group_name as string;
    const other = await store.db
      .selectFrom('devices')
      .select(['id', 'computer_dns_name'])
      .where('rbac_group_name', '!=', group)
      .executeTakeFirstOrThrow();
    const mine = (await postDetection({ hostName: device.name, domain: 'scoped.example' })).json();
    const theirs = (
      await postDetection({ hostName: other.computer_dns_name, domain: 'scoped.example' })
    ).json();
    const unmatched = (
      await postDetection({ hostName: 'nowhere.example.org', domain: 'scoped.example' })
    ).json();
    expect(unmatched.match).toBe('unmatched');

    const all = await api.app.inject({
      method: 'GET',
      url: '/api/v1/detections?q=scoped.example',
      ...as('reader'),
    });
    expect(
      all
        .json()
        .items.map((d: { id: string }) => d.id)
        .sort(),
    ).toEqual([mine.id, theirs.id, unmatched.id].sort());
    expect(all.json().items[0].lockdown.decisions).toBeUndefined();
    const byOutcome = await api.app.inject({
      method: 'GET',
      url: '/api/v1/detections?outcome=no_policy&stitch=waiting&q=scoped',
      ...as('reader'),
    });
    expect(byOutcome.json().total).toBe(2);
    const byTenant = await api.app.inject({
      method: 'GET',
      url: '/api/v1/detections?tenantId=contoso&q=scoped',
      ...as('reader'),
    });
    expect(byTenant.json().total).toBe(2);
    const later = await api.app.inject({
      method: 'GET',
      url: '/api/v1/detections?since=2026-11-21T00:00:00Z',
      ...as('reader'),
    });
    expect(later.json().total).toBe(0);
    for (const query of ['since=yesterday', 'tenantId=nobody']) {
      const refused = await api.app.inject({
        method: 'GET',
        url: `/api/v1/detections?${query}`,
        ...as('reader'),
      });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.field).toBe(`query.${query.split('=')[0]}`);
    }

    const role = await createRole(store.db, {
      name: `scoped ${++seq}`,
      permissions: ['hosts.view', 'config.view'],
      deviceGroups: [group],
    });
    const { token } = await createApiToken(store.db, {
      name: `scoped ${seq}`,
      roleId: role.id,
      createdBy: 'test',
    });
    const headers = { authorization: `Bearer ${token}` };
    const scoped = await api.app.inject({
      method: 'GET',
      url: '/api/v1/detections?q=scoped.example',
      headers,
    });
    expect(scoped.json().items.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/detections/${theirs.id}`, headers })).statusCode,
    ).toBe(404);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/detections/${unmatched.id}`, headers }))
        .statusCode,
    ).toBe(404);
    const one = await api.app.inject({ method: 'GET', url: `/api/v1/detections/${mine.id}`, headers });
    expect(one.json()).toMatchObject({
      id: mine.id,
      deviceName: device.name,
      lockdown: { outcome: 'no_policy', decisions: [] },
    });
    const host = await api.app.inject({
      method: 'GET',
      url: `/api/v1/hosts/${device.id}/detections`,
      headers,
    });
    expect(host.json().items.map((d: { id: string }) => d.id)).toEqual([mine.id]);
    expect(
      (await api.app.inject({ method: 'GET', url: `/api/v1/hosts/${other.id}/detections`, headers }))
        .statusCode,
    ).toBe(404);

    // A scoped sender posting about a device outside its groups learns nothing of that device.
    const submitter = await createRole(store.db, {
      name: `scoped sender ${++seq}`,
      permissions: ['detections.submit'],
      deviceGroups: [group],
    });
    const sender = await createApiToken(store.db, {
      name: `scoped sender ${seq}`,
      roleId: submitter.id,
      createdBy: 'test',
    });
    const sent = await api.app.inject({
      method: 'POST',
      url: '/api/v1/detections',
      payload: {
        id: `det-${++seq}`,
        source: 'ndr',
        hostName: other.computer_dns_name,
        timestamp: EMULATOR_START,
      },
      headers: { authorization: `Bearer ${sender.token}` },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(sent.json()).toMatchObject({
      hostName: other.computer_dns_name,
      tenantId: null,
      machineId: null,
      deviceName: null,
      match: 'out_of_scope',
    });
    const stored = await store.db
      .selectFrom('detections')
      .select('device_id')
      .where('id', '=', sent.json().id)
      .executeTakeFirstOrThrow();
    expect(stored.device_id).toBe(other.id);
  });
});
