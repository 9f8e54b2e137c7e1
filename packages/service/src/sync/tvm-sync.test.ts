import type { RunningEmulator } from '@mde-bridge/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines } from '../store/store.test-support.js';
import { syncHealth } from './health-sync.js';
import { syncMachines } from './machines-sync.js';
import { syncScores } from './scores-sync.js';
import { syncSoftware } from './software-sync.js';
import { clientFor, control, startTestEmulator } from './sync.test-support.js';
import { syncTenant } from './sync-tenant.js';
import { tenantSyncStatus } from './tenant-sync-status.js';
import { syncVulnerabilities } from './vulnerabilities-sync.js';

interface Info {
  counts: Record<string, number>;
}

const keyOf = (r: {
  device_id: string;
  cve_id: string;
  product_vendor: string;
  product_name: string;
  product_version: string;
}) => [r.device_id, r.cve_id, r.product_vendor, r.product_name, r.product_version].join('|');

describe.each(engines)('vulnerabilities, software, scores and health on $name', (engine) => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startTestEmulator(300, 'tvm');
  });
  afterAll(() => emu.close());

  function truthRows() {
    const rows = new Map<string, { fixing_kb_id: string | null; severity: string }>();
    for (const d of emu.state.data.devices) {
      for (const v of emu.state.data.deviceVulnerabilities(d)) {
        rows.set(
          keyOf({
            device_id: d.machine.id,
            cve_id: v.cveId,
            product_vendor: v.productVendor,
            product_name: v.productName,
            product_version: v.productVersion,
          }),
          { fixing_kb_id: v.fixingKbId, severity: v.severity },
        );
      }
    }
    return rows;
  }

  it('replicates the export, the catalogues and the scores, and maps device health', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu, { pageSize: 1000 });
      const results = await syncTenant({ store, tenant: 't1', client });
      expect(Object.keys(results).sort()).toEqual(
        ['actions', 'alerts', 'health', 'machines', 'scores', 'software', 'vulnerabilities'].sort(),
      );

      const rows = await store.db
        .selectFrom('device_vulnerabilities')
        .select([
          'device_id',
          'cve_id',
          'product_vendor',
          'product_name',
          'product_version',
          'fixing_kb_id',
          'severity',
        ])
        .where('tenant', '=', 't1')
        .execute();
      const truth = truthRows();
      expect(truth.size).toBeGreaterThan(1000);
      expect(rows.length).toBe(truth.size);
      const mismatched = rows.filter((r) => {
        const t = truth.get(keyOf(r));
        return !t || t.fixing_kb_id !== r.fixing_kb_id || t.severity !== r.severity;
      });
      expect(mismatched).toEqual([]);

      const info = await control<Info>(emu, 'GET', 'info');
      const status = await tenantSyncStatus(store.db, 't1');
      for (const key of ['vulnerabilities', 'deviceVulnerabilities', 'software', 'recommendations']) {
        expect(status.counts[key as keyof typeof status.counts], key).toBe(info.counts[key]);
      }
      expect(status.counts.deviceVulnerabilities).toBe(truth.size);
      expect(status.lastRuns.vulnerabilities?.status).toBe('succeeded');
      expect(status.lastRuns.health?.status).toBe('succeeded');

      const scores = await store.db.selectFrom('scores').selectAll().where('tenant', '=', 't1').execute();
      const kinds = new Set(scores.map((s) => s.kind));
      expect(kinds.has('exposure')).toBe(true);
      expect(kinds.has('configuration')).toBe(true);
      const exposure = await client.getExposureScore();
      expect(Number(scores.find((s) => s.kind === 'exposure')?.score)).toBeCloseTo(exposure.score);
      const groups = await client.listExposureScoreByMachineGroups();
      expect(scores.filter((s) => s.kind === 'exposureByGroup').length).toBe(
        new Set(groups.map((g) => g.rbacGroupName ?? '')).size,
      );

      const health = await store.db
        .selectFrom('device_health')
        .select(['device_id', 'state', 'changed_at'])
        .where('tenant', '=', 't1')
        .execute();
      expect(health.length).toBe(emu.state.data.devices.length);
      const byId = new Map(health.map((h) => [h.device_id, h.state]));
      for (const { machine: m } of emu.state.data.devices) {
        const expected =
          m.onboardingStatus !== 'Onboarded'
            ? m.onboardingStatus === 'Unsupported'
              ? 'not_applicable'
              : 'installation_issue'
            : m.healthStatus === 'Active'
              ? 'healthy'
              : [
                    'Inactive',
                    'NoSensorData',
                    'NoSensorDataImpairedCommunication',
                    'ImpairedCommunication',
                  ].includes(m.healthStatus)
                ? 'heartbeat_issue'
                : 'not_applicable';
        expect(byId.get(m.id), `${m.id} ${m.onboardingStatus}/${m.healthStatus}`).toBe(expected);
      }
      expect(new Set(health.map((h) => h.state)).size).toBeGreaterThan(1);

      // changed_at stays while the state stays; a state change moves it.
      const victim = health.find((h) => h.state === 'healthy')!;
      await new Promise((r) => setTimeout(r, 5));
      await store.db
        .updateTable('devices')
        .set({ health_status: 'Inactive' })
        .where('tenant', '=', 't1')
        .where('id', '=', victim.device_id)
        .execute();
      await syncHealth({ store, tenant: 't1', client });
      const after = await store.db
        .selectFrom('device_health')
        .select(['device_id', 'state', 'changed_at'])
        .where('tenant', '=', 't1')
        .execute();
      const afterById = new Map(after.map((h) => [h.device_id, h]));
      expect(afterById.get(victim.device_id)?.state).toBe('heartbeat_issue');
      expect(afterById.get(victim.device_id)!.changed_at > victim.changed_at).toBe(true);
      const unchanged = health.filter((h) => h.device_id !== victim.device_id);
      expect(unchanged.every((h) => afterById.get(h.device_id)?.changed_at === h.changed_at)).toBe(true);

      // Running the resources again changes no counts.
      await syncSoftware({ store, tenant: 't1', client });
      await syncScores({ store, tenant: 't1', client });
      expect((await tenantSyncStatus(store.db, 't1')).counts).toEqual(status.counts);
    } finally {
      await store.dispose();
    }
  });

  it('deletes rows no longer reported only after a complete export; an export cut short deletes nothing', async () => {
    const store = await engine.open();
    try {
      const client = clientFor(emu, { pageSize: 1000, maxRetries: 0 });
      const ctx = { store, tenant: 't1', client };
      await syncMachines(ctx);
      await syncVulnerabilities(ctx);
      const total = truthRows().size;
      const stale = {
        tenant: 't1',
        device_id: emu.state.data.devices[0].machine.id,
        cve_id: 'CVE-1999-0001',
        product_vendor: 'fixed',
        product_name: 'gone',
        product_version: '1.0',
        fixing_kb_id: null,
        severity: 'High',
        sync_generation: 1,
      };
      await store.db.insertInto('device_vulnerabilities').values(stale).execute();
      const count = async () =>
        Number(
          (
            await store.db
              .selectFrom('device_vulnerabilities')
              .select((eb) => eb.fn.countAll().as('n'))
              .where('tenant', '=', 't1')
              .executeTakeFirstOrThrow()
          ).n,
        );
      expect(await count()).toBe(total + 1);

      // The export fails after its first page.
      const real = client.listMachineVulnerabilityRows.bind(client);
      client.listMachineVulnerabilityRows = (o) => {
        const list = real(o);
        return {
          get state() {
            return list.state;
          },
          [Symbol.asyncIterator]: list[Symbol.asyncIterator],
          async *byPage() {
            let index = 0;
            for await (const page of list.byPage()) {
              yield page;
              if (index++ === 0)
                await control(emu, 'POST', 'faults', {
                  kind: '500',
                  families: ['vulnerabilities'],
                  count: 5,
                });
            }
          },
        };
      };
      await expect(syncVulnerabilities(ctx)).rejects.toThrow();
      await control(emu, 'DELETE', 'faults');
      expect(await count()).toBe(total + 1);
      const failed = await store.db
        .selectFrom('sync_runs')
        .select(['status', 'removed', 'upserted'])
        .where('resource', '=', 'vulnerabilities')
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      expect(failed.status).toBe('failed');
      expect(Number(failed.removed)).toBe(0);
      expect(Number(failed.upserted)).toBeGreaterThan(0);

      client.listMachineVulnerabilityRows = real;
      const complete = await syncVulnerabilities(ctx);
      expect(complete.removed).toBe(1);
      expect(await count()).toBe(total);
    } finally {
      await store.dispose();
    }
  });
});
