import type { Insertable } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deviceRow, insertDevices, seedTenant } from '../hosts/host-seed.test-support.js';
import type { ResponseDeps } from '../response/request-action.js';
import type { Database } from '../store/schema.js';
import { engines } from '../store/store.test-support.js';
import type { Detection } from './detection.js';
import { type DetectionInput, DetectionInputError, parseDetectionInput } from './detection-input.js';
import { ingestDetection } from './ingest.js';
import { createLockdownPolicy, type LockdownPolicyInput } from './policies.js';

/**
 * The policy engine on a replica written straight into the store: every threshold pinned at its edge, every
 * exclusion, the hourly cap, unmatched hosts and idempotent intake. Policies are dry runs here, and the
 * Defender client factory throws: nothing may be sent (real locks are in api/routes/detections.test.ts).
 */
const NOW = '2026-11-22T12:00:00.000Z';
const by = { actorKind: 'user' as const, actor: 'tester' };

describe.each(engines)('automatic lockdown policies on $name', (engine) => {
  let store: Awaited<ReturnType<(typeof engines)[number]['open']>>;
  let nowMs = Date.parse(NOW);
  let sent = 0;
  let seq = 0;
  let deps: ResponseDeps;

  beforeAll(async () => {
    store = await engine.open();
    await seedTenant(store.db, 'contoso');
    await seedTenant(store.db, 'fabrikam');
    await insertDevices(store.db, [
      deviceRow('contoso', 'dev-plain', {
        computer_dns_name: 'ws01.contoso.com',
        last_ip_address: '10.0.0.1',
      }),
      deviceRow('contoso', 'dev-tagged', {
        computer_dns_name: 'ws02.contoso.com',
        machine_tags: '["VIP","Lab"]',
      }),
      deviceRow('contoso', 'dev-high', { computer_dns_name: 'dc01.contoso.com', device_value: 'High' }),
      deviceRow('contoso', 'dev-grouped', {
        computer_dns_name: 'pos01.contoso.com',
        rbac_group_name: 'Tills',
      }),
      deviceRow('contoso', 'dev-alerts', { computer_dns_name: 'ws03.contoso.com' }),
      deviceRow('contoso', 'dev-risky', { computer_dns_name: 'ws04.contoso.com' }),
      deviceRow('contoso', 'dev-locked', { computer_dns_name: 'ws05.contoso.com' }),
    ]);
    deps = {
      store,
      clientFor: async () => {
        sent++;
        throw new Error('this test sends nothing to Defender');
      },
      now: () => new Date(nowMs),
    };
  });
  afterAll(async () => {
    await store?.dispose();
  });
  beforeEach(async () => {
    nowMs = Date.parse(NOW);
    sent = 0;
    for (const table of [
      'policy_decisions',
      'lockdown_policies',
      'detections',
      'alerts',
      'device_risk',
    ] as const)
      await store.db.deleteFrom(table).execute();
  });

  const policy = (input: Partial<LockdownPolicyInput>) =>
    createLockdownPolicy(
      store.db,
      { name: `p${++seq}`, duration: '4h', dryRun: true, thresholds: { minThreat: 50 }, ...input },
      by,
      new Date(nowMs),
    );
  const detect = async (input: Partial<DetectionInput>): Promise<Detection> =>
    (
      await ingestDetection(
        deps,
        {
          id: `d${++seq}`,
          source: 'ndr',
          hostName: 'ws01.contoso.com',
          threatScore: 90,
          timestamp: NOW,
          ...input,
        },
        'tester',
      )
    ).detection;
  const decisionOf = (d: Detection) => d.lockdown.decisions?.map((x) => x.decision);

  describe('thresholds', () => {
    for (const [key, field, min] of [
      ['minThreat', 'threatScore', 70],
      ['minCertainty', 'certaintyScore', 70],
      ['minPrivilege', 'privilege', 7],
    ] as const) {
      it(`${key}: passes at ${min}, fails at ${min - 1} and without the score`, async () => {
        await policy({ thresholds: { [key]: min } });
        const base = { threatScore: undefined };
        expect(decisionOf(await detect({ ...base, [field]: min }))).toEqual(['would_lock']);
        const below = await detect({ ...base, [field]: min - 1 });
        expect(decisionOf(below)).toEqual(['below_threshold']);
        expect(below.lockdown.decisions?.[0].reason).toContain(`${min - 1} < ${min}`);
        expect(decisionOf(await detect(base))).toEqual(['below_threshold']);
      });
    }

    it('every set threshold must pass', async () => {
      await policy({ thresholds: { minThreat: 50, minCertainty: 50 } });
      expect(decisionOf(await detect({ threatScore: 90, certaintyScore: 49 }))).toEqual(['below_threshold']);
      expect(decisionOf(await detect({ threatScore: 90, certaintyScore: 50 }))).toEqual(['would_lock']);
    });

    it('minAlertSeverity: an active alert at least that severe; lower or resolved ones do not count', async () => {
      await policy({ thresholds: { minAlertSeverity: 'Medium' } });
      const alert = (id: string, severity: string, status: string): Insertable<Database['alerts']> => ({
        tenant: 'contoso',
        id,
        machine_id: 'dev-alerts',
        title: id,
        severity,
        status,
        category: null,
        detection_source: null,
        alert_creation_time: NOW,
        last_update_time: NOW,
        resolved_time: null,
        raw: '{}',
        first_synced_at: NOW,
        synced_at: NOW,
      });
      const host = { hostName: 'ws03.contoso.com' };
      expect(decisionOf(await detect(host))).toEqual(['below_threshold']);
      await store.db
        .insertInto('alerts')
        .values([alert('a1', 'Low', 'New'), alert('a2', 'High', 'Resolved')])
        .execute();
      const low = await detect(host);
      expect(decisionOf(low)).toEqual(['below_threshold']);
      expect(low.lockdown.decisions?.[0].reason).toContain('Low');
      await store.db
        .insertInto('alerts')
        .values(alert('a3', 'Medium', 'InProgress'))
        .execute();
      expect(decisionOf(await detect(host))).toEqual(['would_lock']);
    });

    it('minRiskLevel: the overall risk level at least that; not computed fails', async () => {
      await policy({ thresholds: { minRiskLevel: 'high' } });
      const host = { hostName: 'ws04.contoso.com' };
      expect(decisionOf(await detect(host))).toEqual(['below_threshold']);
      const risk = (overall: string) => ({
        tenant: 'contoso',
        device_id: 'dev-risky',
        overall,
        exposure: overall,
        alert: 'None',
        reasons: '[]',
        top_cve_id: null,
        top_cve_description: null,
        top_cve_cvss_v3: null,
        top_cve_severity: null,
        top_cve_exploit: 0,
        vulnerability_count: 0,
        top_alert_id: null,
        top_alert_title: null,
        top_alert_severity: null,
        computed_at: NOW,
      });
      await store.db.insertInto('device_risk').values(risk('Medium')).execute();
      expect(decisionOf(await detect(host))).toEqual(['below_threshold']);
      await store.db.updateTable('device_risk').set({ overall: 'High' }).execute();
      expect(decisionOf(await detect(host))).toEqual(['would_lock']);
    });
  });

  describe('exclusions', () => {
    it('a device tag in tags (case-insensitive)', async () => {
      await policy({ exclusions: { tags: ['vip'] } });
      const d = await detect({ hostName: 'ws02.contoso.com' });
      expect(decisionOf(d)).toEqual(['excluded']);
      expect(d.lockdown.decisions?.[0].reason).toContain("tagged 'VIP'");
      expect(decisionOf(await detect({}))).toEqual(['would_lock']);
    });

    it('device value High unless highValue is false', async () => {
      await policy({});
      expect(decisionOf(await detect({ hostName: 'dc01.contoso.com' }))).toEqual(['excluded']);
      await store.db.deleteFrom('lockdown_policies').execute();
      await policy({ exclusions: { highValue: false } });
      expect(decisionOf(await detect({ hostName: 'dc01.contoso.com' }))).toEqual(['would_lock']);
    });

    it('a device group in deviceGroups', async () => {
      await policy({ exclusions: { deviceGroups: ['tills'] } });
      expect(decisionOf(await detect({ hostName: 'pos01.contoso.com' }))).toEqual(['excluded']);
      expect(decisionOf(await detect({}))).toEqual(['would_lock']);
    });

    it('the allow-list by device name, short name, machine ID and the detection IP', async () => {
      await policy({ exclusions: { allowList: ['WS01.contoso.com'] } });
      expect(decisionOf(await detect({}))).toEqual(['excluded']);
      await store.db.deleteFrom('lockdown_policies').execute();
      await policy({ exclusions: { allowList: ['ws01'] } });
      expect(decisionOf(await detect({}))).toEqual(['excluded']);
      await store.db.deleteFrom('lockdown_policies').execute();
      await policy({ exclusions: { allowList: ['dev-plain'] } });
      expect(decisionOf(await detect({}))).toEqual(['excluded']);
      await store.db.deleteFrom('lockdown_policies').execute();
      await policy({ exclusions: { allowList: ['192.0.2.50'] } });
      const byIp = await detect({ hostIp: '192.0.2.50' });
      expect(decisionOf(byIp)).toEqual(['excluded']);
      expect(byIp.lockdown.decisions?.[0].reason).toContain('192.0.2.50');
      expect(decisionOf(await detect({ hostIp: '192.0.2.51' }))).toEqual(['would_lock']);
    });
  });

  it('caps a policy at maxPerHour: the N+1th in the hour is capped (dry-run would_lock counts), the hour after is not', async () => {
    const p = await policy({ maxPerHour: 2 });
    expect(decisionOf(await detect({}))).toEqual(['would_lock']);
    nowMs += 10 * 60_000;
    expect(decisionOf(await detect({ hostName: 'ws03.contoso.com' }))).toEqual(['would_lock']);
    nowMs += 10 * 60_000;
    const capped = await detect({ hostName: 'ws04.contoso.com' });
    expect(decisionOf(capped)).toEqual(['capped']);
    expect(capped.lockdown.outcome).toBe('capped');
    // Below-threshold decisions do not count towards the cap.
    nowMs += 41 * 60_000;
    expect(decisionOf(await detect({ threatScore: 1 }))).toEqual(['below_threshold']);
    expect(decisionOf(await detect({}))).toEqual(['would_lock']);
    const rows = await store.db
      .selectFrom('policy_decisions')
      .select('decision')
      .where('policy_id', '=', p.id)
      .execute();
    expect(rows.map((r) => r.decision).sort()).toEqual(
      ['below_threshold', 'capped', 'would_lock', 'would_lock', 'would_lock'].sort(),
    );
    expect(sent).toBe(0);
  });

  it('a host with an active lockdown is already_locked', async () => {
    await policy({});
    await store.db
      .insertInto('lockdowns')
      .values({
        id: 'lock-1',
        tenant: 'contoso',
        device_id: 'dev-locked',
        state: 'active',
        active_key: 'contoso|dev-locked',
        comment: 'manual',
        locked_by: 'someone',
        locked_at: NOW,
        ends_at: '2026-11-22T16:00:00.000Z',
        released_at: null,
        released_by: null,
        released_late: 0,
        isolate_request_id: null,
        release_request_id: null,
      })
      .execute();
    const d = await detect({ hostName: 'ws05.contoso.com' });
    expect(decisionOf(d)).toEqual(['already_locked']);
    expect(d.lockdown.lockdownId).toBe('lock-1');
  });

  it('an unknown host is unmatched; without policies the outcome is no_policy', async () => {
    const none = await detect({ hostName: 'nowhere.example.com' });
    expect(none).toMatchObject({ match: 'unmatched', machineId: null, lockdown: { outcome: 'no_policy' } });
    await policy({});
    const d = await detect({ hostName: 'nowhere.example.com' });
    expect(decisionOf(d)).toEqual(['unmatched']);
    expect(d.lockdown.outcome).toBe('unmatched');
  });

  it('matches by name at the timestamp and orders decisions by policy creation; disabled and other-tenant policies are not asked', async () => {
    const first = await policy({ thresholds: { minThreat: 95 } });
    await policy({ enabled: false });
    await policy({ tenantId: 'fabrikam' });
    const last = await policy({ tenantId: 'contoso' });
    const d = await detect({});
    expect(d).toMatchObject({
      tenantId: 'contoso',
      machineId: 'dev-plain',
      match: 'dns_name',
      deviceName: 'ws01.contoso.com',
    });
    expect(d.lockdown.decisions?.map((x) => [x.policyId, x.decision])).toEqual([
      [first.id, 'below_threshold'],
      [last.id, 'would_lock'],
    ]);
    expect(d.lockdown.outcome).toBe('would_lock');
    const audit = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'policy.decision')
      .execute();
    expect(audit.filter((a) => a.detail.includes(d.id))).toHaveLength(2);
  });

  it('a refused lock is failed with the reason (not reported as locked)', async () => {
    await policy({ dryRun: false });
    const d = await detect({});
    expect(decisionOf(d)).toEqual(['failed']);
    expect(d.lockdown.decisions?.[0].reason).toContain('sends nothing');
    expect(d.lockdown.outcome).toBe('failed');
    const lock = await store.db
      .selectFrom('lockdowns')
      .selectAll()
      .where('device_id', '=', 'dev-plain')
      .execute();
    expect(lock.map((l) => l.state)).toEqual(['failed']);
    await store.db.deleteFrom('lockdowns').where('device_id', '=', 'dev-plain').execute();
    await store.db.deleteFrom('response_requests').where('device_id', '=', 'dev-plain').execute();
  });

  it('stores a detection once per source and id; the repeat is not re-evaluated', async () => {
    await policy({});
    const input = {
      id: 'same-1',
      source: 'ndr',
      hostName: 'ws01.contoso.com',
      threatScore: 90,
      timestamp: NOW,
    };
    const a = await ingestDetection(deps, input, 'tester');
    const b = await ingestDetection(deps, { ...input, threatScore: 10 }, 'tester');
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.detection.id).toBe(a.detection.id);
    expect(b.detection.threatScore).toBe(90);
    expect(await store.db.selectFrom('policy_decisions').selectAll().execute()).toHaveLength(1);
    // Another source with the same id is another detection.
    expect((await ingestDetection(deps, { ...input, source: 'siem' }, 'tester')).created).toBe(true);
  });

  it('removes a detection the policies could not decide on, so the retry is evaluated in full', async () => {
    await policy({});
    const input = {
      id: 'broken-1',
      source: 'ndr',
      hostName: 'ws01.contoso.com',
      threatScore: 90,
      timestamp: NOW,
    };
    let calls = 0;
    // The clock answers the intake, then fails like a store error would while the policy decides.
    const failing: ResponseDeps = {
      ...deps,
      now: () => {
        if (++calls > 1) throw new Error('store unavailable');
        return new Date(nowMs);
      },
    };
    await expect(ingestDetection(failing, input, 'tester')).rejects.toThrow('store unavailable');
    expect(await store.db.selectFrom('detections').selectAll().execute()).toHaveLength(0);
    expect(await store.db.selectFrom('policy_decisions').selectAll().execute()).toHaveLength(0);

    const retried = await ingestDetection(deps, input, 'tester');
    expect(retried.created).toBe(true);
    expect(decisionOf(retried.detection)).toEqual(['would_lock']);
  });

  it('marks a matched detection with a remote IP, domain or URL as waiting for stitching, others skipped', async () => {
    expect((await detect({ remoteIp: '203.0.113.9' })).stitch.state).toBe('waiting');
    expect((await detect({ domain: 'evil.example' })).stitch.state).toBe('waiting');
    expect((await detect({})).stitch.state).toBe('skipped');
    expect((await detect({ hostName: 'nowhere.example.com', remoteIp: '203.0.113.9' })).stitch.state).toBe(
      'skipped',
    );
  });

  it('maps a stored root cause into rootCause (evidence only in the full view)', async () => {
    const d = await detect({ remoteIp: '203.0.113.9' });
    await store.db
      .updateTable('detections')
      .set({
        stitch_state: 'stitched',
        root_cause: JSON.stringify({
          process: { fileName: 'evil.exe' },
          confidence: 0.9,
          evidence: [{ a: 1 }],
        }),
        stitched_at: NOW,
        stitch_attempts: 1,
      })
      .where('id', '=', d.id)
      .execute();
    const again = await ingestDetection(
      deps,
      { id: d.externalId, source: 'ndr', hostName: 'ws01.contoso.com', timestamp: NOW },
      'tester',
    );
    expect(again.detection.rootCause).toMatchObject({
      process: { fileName: 'evil.exe' },
      evidence: [{ a: 1 }],
    });
    expect(again.detection.stitch).toEqual({ state: 'stitched', error: null, stitchedAt: NOW, attempts: 1 });
  });
});

describe('detection input', () => {
  const now = new Date(NOW);
  const base = { id: 'x', source: 'ndr', hostIp: '10.0.0.1', timestamp: NOW };
  const fieldOf = (input: Partial<DetectionInput>) => {
    try {
      parseDetectionInput({ ...base, ...input } as DetectionInput, now);
      return null;
    } catch (e) {
      if (e instanceof DetectionInputError) return e.field;
      throw e;
    }
  };

  it('needs a host identifier, named as hostIp', () => {
    expect(fieldOf({ hostIp: undefined })).toBe('hostIp');
    expect(fieldOf({ hostIp: undefined, hostName: 'ws01' })).toBeNull();
  });
  it('checks IP syntax with node:net (IPv4 and IPv6)', () => {
    expect(fieldOf({ hostIp: '10.0.0.256' })).toBe('hostIp');
    expect(fieldOf({ remoteIp: 'evil.example' })).toBe('remoteIp');
    expect(fieldOf({ hostIp: 'FE80::1' })).toBeNull();
  });
  it('accepts a timestamp up to 5 minutes ahead and 30 days back, not beyond', () => {
    expect(fieldOf({ timestamp: '2026-11-22T12:05:00Z' })).toBeNull();
    expect(fieldOf({ timestamp: '2026-11-22T12:05:01Z' })).toBe('timestamp');
    expect(fieldOf({ timestamp: '2026-10-23T12:00:00Z' })).toBeNull();
    expect(fieldOf({ timestamp: '2026-10-23T11:59:59Z' })).toBe('timestamp');
    expect(fieldOf({ timestamp: 'yesterday' })).toBe('timestamp');
  });
  it('bounds scores', () => {
    expect(fieldOf({ threatScore: 101 })).toBe('threatScore');
    expect(fieldOf({ privilege: 11 })).toBe('privilege');
    expect(fieldOf({ certaintyScore: 0 })).toBeNull();
  });
  it('takes a null score as not given (never as 0)', () => {
    const parsed = parseDetectionInput({ ...base, threatScore: null, remotePort: null }, now);
    expect(parsed.threatScore).toBeUndefined();
    expect(parsed.remotePort).toBeUndefined();
  });
});
