import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seedReplica } from '../api/routes/data-fixtures.test-support.js';
import { deviceRow, insertDevices, seedTenant } from '../hosts/host-seed.test-support.js';
import type { Store } from '../store/store.js';
import { engines } from '../store/store.test-support.js';
import { getDeviceRisk, getRiskHistory } from './device-risk.js';
import { RISK_BATCH, recomputeRisk } from './recompute-risk.js';

const NOW = new Date('2026-11-22T12:00:00.000Z');
const LATER = new Date('2026-11-22T13:00:00.000Z');

describe.each(engines)('recomputeRisk on $name', (engine) => {
  let store: Store & { dispose(): Promise<void> };
  beforeEach(async () => {
    store = await engine.open();
  });
  afterEach(async () => {
    await store.dispose();
  });

  const levels = async (tenant: string) =>
    Object.fromEntries(
      (
        await store.db
          .selectFrom('device_risk')
          .select(['device_id', 'overall', 'exposure', 'alert'])
          .where('tenant', '=', tenant)
          .execute()
      ).map((r) => [r.device_id, `${r.overall}/${r.exposure}/${r.alert}`]),
    );
  const riskEvents = () =>
    store.db.selectFrom('events').selectAll().where('type', '=', 'risk.changed').orderBy('id').execute();
  const historyCount = async () =>
    Number(
      (
        await store.db
          .selectFrom('risk_history')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('writes every live device of the tenant with its levels, top vulnerability and top alert', async () => {
    await seedReplica(store.db);
    await recomputeRisk(store.db, 'contoso', NOW);

    expect(await levels('contoso')).toEqual({
      a100: 'Critical/Critical/High',
      b200: 'Critical/Critical/Low',
      c300: 'Medium/None/None',
      e500: 'Low/None/None',
    });
    expect(await levels('fabrikam')).toEqual({});

    const a100 = await getDeviceRisk(store.db, 'contoso', 'a100');
    expect(a100).toEqual({
      overall: 'Critical',
      exposure: 'Critical',
      alert: 'High',
      reasons: [
        'CVE-2026-0001 (Critical, CVSS 9.8, exploit available) is the most severe of 2 vulnerabilities: exposure risk Critical.',
        "Active High alert 'Suspicious PowerShell' (da1): alert risk High.",
        "Defender rates the device's risk score High.",
        "Defender rates the device's exposure level Medium.",
      ],
      topVulnerability: {
        cveId: 'CVE-2026-0001',
        description: 'CVE-2026-0001 in a browser',
        cvssV3: 9.8,
        severity: 'Critical',
        exploitAvailable: true,
      },
      vulnerabilityCount: 2,
      topAlert: { id: 'da1', title: 'Suspicious PowerShell', severity: 'High' },
      computedAt: NOW.toISOString(),
    });
    const b200 = await getDeviceRisk(store.db, 'contoso', 'b200');
    expect(b200?.reasons[0]).toContain('CVE-2026-0003 (High, CVSS 7.5, exploit available)');
    expect(b200?.reasons.some((r) => r.startsWith('Defender reports the sensor Inactive'))).toBe(true);
    expect(b200?.topAlert).toEqual({ id: 'da3', title: 'Ransomware behaviour', severity: 'Informational' });
    expect(await getDeviceRisk(store.db, 'contoso', 'd400')).toBeNull();
  });

  it('records history only when a level changes, and an event only when the overall level changes', async () => {
    await seedReplica(store.db);
    await recomputeRisk(store.db, 'contoso', NOW);
    // The first computation is each device's first history point; it is no change worth an event.
    expect(await historyCount()).toBe(4);
    expect(await riskEvents()).toEqual([]);

    await recomputeRisk(store.db, 'contoso', LATER);
    expect(await historyCount()).toBe(4);
    expect(await riskEvents()).toEqual([]);
    // Unchanged rows are not rewritten: they keep the time their values were computed.
    expect((await getDeviceRisk(store.db, 'contoso', 'a100'))?.computedAt).toBe(NOW.toISOString());

    // Resolving the alert changes the alert level but not the overall one: history, no event.
    await store.db.updateTable('alerts').set({ status: 'Resolved' }).where('id', '=', 'da1').execute();
    await recomputeRisk(store.db, 'contoso', LATER);
    expect(await historyCount()).toBe(5);
    expect(await riskEvents()).toEqual([]);

    // Patching the CVEs drops the overall level to Defender's own High rating: history and an event.
    await store.db.deleteFrom('device_vulnerabilities').where('device_id', '=', 'a100').execute();
    await recomputeRisk(store.db, 'contoso', LATER);
    const history = await getRiskHistory(store.db, 'contoso', 'a100');
    expect(history.map((h) => `${h.overall}/${h.exposure}/${h.alert}`)).toEqual([
      'High/None/None',
      'Critical/Critical/None',
      'Critical/Critical/High',
    ]);
    const events = await riskEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ tenant: 'contoso', subject: 'a100', at: LATER.toISOString() });
    expect(JSON.parse(events[0].data)).toMatchObject({
      machineId: 'a100',
      name: 'alpha.contoso.com',
      previous: { overall: 'Critical', exposure: 'Critical', alert: 'None' },
      current: { overall: 'High', exposure: 'None', alert: 'None' },
    });
  });

  it('drops the risk of a device Defender no longer lists', async () => {
    await seedReplica(store.db);
    await recomputeRisk(store.db, 'contoso', NOW);
    await store.db
      .updateTable('devices')
      .set({ removed_at: NOW.toISOString() })
      .where('id', '=', 'c300')
      .execute();
    await recomputeRisk(store.db, 'contoso', LATER);
    expect(Object.keys(await levels('contoso')).sort()).toEqual(['a100', 'b200', 'e500']);
  });

  it('computes a tenant larger than one batch, vulnerabilities and alerts landing on the right devices', async () => {
    await seedTenant(store.db, 'big');
    const total = RISK_BATCH * 2 + 7;
    const id = (n: number) => `m${String(n).padStart(5, '0')}`;
    await insertDevices(
      store.db,
      Array.from({ length: total }, (_, n) =>
        deviceRow('big', id(n), { risk_score: 'None', exposure_level: 'None', last_seen: NOW.toISOString() }),
      ),
    );
    await store.db
      .insertInto('vulnerabilities')
      .values({
        tenant: 'big',
        id: 'CVE-2026-1111',
        severity: 'Medium',
        cvss_v3: 6.1,
        public_exploit: 0,
        exploit_verified: 0,
        exploit_in_kit: 0,
        description: 'A medium one',
        published_on: null,
        updated_on: null,
        exposed_machines: 3,
        raw: '{}',
        synced_at: NOW.toISOString(),
      })
      .execute();
    // Devices at each side of the batch boundaries.
    const exposed = [RISK_BATCH - 1, RISK_BATCH, total - 1];
    await store.db
      .insertInto('device_vulnerabilities')
      .values(
        exposed.map((n) => ({
          tenant: 'big',
          device_id: id(n),
          cve_id: 'CVE-2026-1111',
          product_vendor: 'v',
          product_name: 'p',
          product_version: '1',
          fixing_kb_id: null,
          severity: 'Medium',
          sync_generation: 1,
        })),
      )
      .execute();
    await store.db
      .insertInto('alerts')
      .values({
        tenant: 'big',
        id: 'big-alert',
        machine_id: id(RISK_BATCH + 1),
        title: 'Something',
        severity: 'Low',
        status: 'InProgress',
        category: null,
        detection_source: null,
        alert_creation_time: null,
        last_update_time: NOW.toISOString(),
        resolved_time: null,
        raw: '{}',
        first_synced_at: NOW.toISOString(),
        synced_at: NOW.toISOString(),
      })
      .execute();

    await recomputeRisk(store.db, 'big', NOW);

    const all = await levels('big');
    expect(Object.keys(all)).toHaveLength(total);
    const notNone = Object.entries(all).filter(([, l]) => l !== 'None/None/None');
    expect(Object.fromEntries(notNone)).toEqual({
      [id(RISK_BATCH - 1)]: 'Medium/Medium/None',
      [id(RISK_BATCH)]: 'Medium/Medium/None',
      [id(RISK_BATCH + 1)]: 'Low/None/Low',
      [id(total - 1)]: 'Medium/Medium/None',
    });
  });
});
