/**
 * Host list benchmark: BENCH_DEVICES synthetic devices (default 100,000) written straight into a fresh SQLite
 * file, then the queries behind GET /hosts (default page, deep page, search by name, machine ID and IP,
 * combined filters, each sort) and GET /hosts/facets, each run a few times. Prints one JSON object with the
 * median milliseconds per case.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostFacets } from '../packages/service/src/hosts/host-facets.js';
import { type HostListRequest, listHosts } from '../packages/service/src/hosts/host-queries.js';
import { migrate, openStore } from '../packages/service/src/store/store.js';

/** Defender machine IDs are 40 lower-case hex digits. */
const machineId = (i: number) => createHash('sha1').update(`device-${i}`).digest('hex');
const devices = Number(process.env.BENCH_DEVICES ?? 100_000);
const RUNS = 5;
const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-bench-api-'));
const store = openStore(`sqlite:${join(dir, 'bench.db')}`);

try {
  const migrated = await migrate(store);
  if (migrated.error) throw migrated.error;
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('the benchmark needs the SQLite store');
  const at = '2026-11-01T00:00:00.000Z';
  await store.db
    .insertInto('tenants')
    .values({
      id: 'bench',
      name: 'bench',
      tenant_id: '11111111-2222-3333-4444-555555555555',
      client_id: '66666666-7777-8888-9999-000000000000',
      cloud: 'commercial',
      credential_kind: 'secret',
      credential_ciphertext: 'v1:x:y:z',
      settings: '{}',
      created_at: at,
      updated_at: at,
    })
    .execute();

  const os = ['Windows11', 'Windows10', 'WindowsServer2022', 'Linux', 'macOS'];
  const health = ['Active', 'Active', 'Active', 'Inactive', 'ImpairedCommunication', 'NoSensorData'];
  const levels = ['None', 'Low', 'Medium', 'High', null];
  const groups = ['Servers', 'Workstations', 'Kiosks', 'Lab', null];
  const tags = ['[]', '["prod"]', '["prod","web"]', '["dev"]', '[]'];
  // Defender's Machine JSON is a few KB; the row's size is what makes table scans expensive.
  const raw = JSON.stringify({
    ipAddresses: Array.from({ length: 12 }, (_, n) => ({
      ipAddress: `fe80::${n}`,
      macAddress: '00155D000000',
      type: 'Ethernet',
      operationalStatus: 'Up',
    })),
    vmMetadata: null,
    padding: 'x'.repeat(800),
  });
  const loadStarted = performance.now();
  const insertDevice = sqlite.prepare(
    `insert into devices (tenant, id, computer_dns_name, dns_name, os_platform, health_status, onboarding_status,
      risk_score, exposure_level, rbac_group_name, last_ip_address, last_seen, machine_tags, raw, removed_at, synced_at)
     values ('bench', ?, ?, ?, ?, ?, 'Onboarded', ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertIp = sqlite.prepare(
    `insert into device_ips (tenant, device_id, ip, first_seen_at, last_seen_at) values ('bench', ?, ?, ?, ?)`,
  );
  const insertIsolation = sqlite.prepare(
    `insert into isolation_states (tenant, machine_id, state, updated_at) values ('bench', ?, 'isolated', ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < devices; i++) {
      const id = machineId(i);
      const name = `host-${String(i).padStart(6, '0')}.corp.example.com`;
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      const seen = new Date(Date.parse(at) + (i % 10_000) * 60_000).toISOString();
      insertDevice.run(
        id,
        name.toUpperCase(),
        name,
        os[i % os.length],
        health[i % health.length],
        levels[i % levels.length],
        levels[(i >> 2) % levels.length],
        groups[i % groups.length],
        ip,
        seen,
        tags[i % tags.length],
        raw,
        i % 50 === 0 ? at : null,
        at,
      );
      insertIp.run(id, ip, at, seen);
      if (i % 10 === 0)
        insertIp.run(id, `172.16.${(i >> 8) & 255}.${i & 255}`, '2026-10-01T00:00:00.000Z', at);
      if (i % 100 === 7) insertIsolation.run(id, at);
    }
  })();
  sqlite.exec('analyze');
  const loadMs = Math.round(performance.now() - loadStarted);

  const cases: Record<string, HostListRequest> = {
    firstPage: {},
    deepPage: { page: Math.floor(devices / 50 / 2) },
    searchName: { q: 'host-0421' },
    searchMachineIdPrefix: { q: machineId(4242).slice(0, 12) },
    // Device 4240's earlier address (every tenth device has one).
    searchIpHistory: { q: '172.16.16.144' },
    filters: { os: 'Windows11', health: 'Active', group: 'Servers' },
    isolated: { isolation: 'isolated' },
    tag: { tag: 'web' },
    sortLastSeenDesc: { sort: 'lastSeen', order: 'desc' },
    sortRiskDesc: { sort: 'risk', order: 'desc' },
    sortOs: { sort: 'os' },
    limitedToGroup: {},
  };
  const timings: Record<string, { medianMs: number; total: number }> = {};
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const [name, request] of Object.entries(cases)) {
    const scope = name === 'limitedToGroup' ? ['Lab'] : null;
    const ms: number[] = [];
    let total = 0;
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      total = (await listHosts(store.db, request, scope)).total;
      ms.push(performance.now() - started);
    }
    timings[name] = { medianMs: Math.round(median(ms) * 10) / 10, total };
  }
  const facetMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    await hostFacets(store.db, null);
    facetMs.push(performance.now() - started);
  }
  console.log(
    JSON.stringify({
      bench: 'api-hosts',
      devices,
      loadMs,
      list: timings,
      facets: { medianMs: Math.round(median(facetMs) * 10) / 10 },
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
