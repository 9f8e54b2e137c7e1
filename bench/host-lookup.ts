/**
 * Host look-up benchmark: BENCH_DEVICES synthetic devices (default 100,000) with IP history written straight
 * into a fresh SQLite file, the real API (buildApp, real authenticator, an API token) listening on
 * 127.0.0.1:0, then BENCH_CONCURRENCY requests in flight (default 20) for BENCH_SECONDS each (default 4):
 * GET /healthz (the bare route of the same server), GET /api/v1/hosts/lookup with random names and IPs
 * (current and historical), and POST /api/v1/host-sessions. Prints one JSON object: requests per second,
 * p50/p99 latency, and the look-up's ratio to the bare route.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApp } from '../packages/service/src/api/app.js';
import { createApiToken } from '../packages/service/src/auth/api-tokens.js';
import { createAuthenticator } from '../packages/service/src/auth/authenticator.js';
import { ensureBuiltinRoles } from '../packages/service/src/auth/roles.js';
import { migrate, openStore } from '../packages/service/src/store/store.js';

const devices = Number(process.env.BENCH_DEVICES ?? 100_000);
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 20);
const seconds = Number(process.env.BENCH_SECONDS ?? 4);
const machineId = (i: number) => createHash('sha1').update(`device-${i}`).digest('hex');
const nameOf = (i: number) => `host-${String(i).padStart(6, '0')}.corp.example.com`;
const ipOf = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
const oldIpOf = (i: number) => `172.16.${(i >> 8) & 255}.${i & 255}`;

const dir = mkdtempSync(join(tmpdir(), 'mde-bridge-bench-lookup-'));
const store = openStore(`sqlite:${join(dir, 'bench.db')}`);
const nowIso = new Date().toISOString();
const hourAgo = new Date(Date.now() - 3600_000).toISOString();

try {
  const migrated = await migrate(store);
  if (migrated.error) throw migrated.error;
  const sqlite = store.sqlite;
  if (!sqlite) throw new Error('the benchmark needs the SQLite store');
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
      created_at: nowIso,
      updated_at: nowIso,
    })
    .execute();
  const raw = JSON.stringify({ padding: 'x'.repeat(1500) });
  const loadStarted = performance.now();
  const insertDevice = sqlite.prepare(
    `insert into devices (tenant, id, computer_dns_name, dns_name, os_platform, health_status, onboarding_status,
      rbac_group_name, last_ip_address, last_seen, machine_tags, raw, synced_at)
     values ('bench', ?, ?, ?, 'Windows11', 'Active', 'Onboarded', 'Servers', ?, ?, '[]', ?, ?)`,
  );
  const insertIp = sqlite.prepare(
    `insert into device_ips (tenant, device_id, ip, first_seen_at, last_seen_at) values ('bench', ?, ?, ?, ?)`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < devices; i++) {
      const id = machineId(i);
      // Fresh rows (synced now): sessions answer from the replica, no Defender refresh is attempted.
      insertDevice.run(id, nameOf(i).toUpperCase(), nameOf(i), ipOf(i), hourAgo, raw, nowIso);
      insertIp.run(id, ipOf(i), '2026-10-16T00:00:00.000Z', hourAgo);
      if (i % 10 === 0) insertIp.run(id, oldIpOf(i), '2026-10-01T00:00:00.000Z', '2026-10-15T00:00:00.000Z');
    }
  })();
  sqlite.exec('analyze');
  const loadMs = Math.round(performance.now() - loadStarted);

  await ensureBuiltinRoles(store.db);
  const { token } = await createApiToken(store.db, {
    name: 'bench',
    roleId: 'read-only',
    createdBy: 'bench',
  });
  const app = await buildApp({
    store,
    authenticator: createAuthenticator(store.db),
    sync: { status: async () => [], trigger: () => ({ accepted: [], done: Promise.resolve() }) },
    logger: false,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const headers = { authorization: `Bearer ${token}` };
  try {
    const rand = () => Math.floor(Math.random() * devices);
    const lookups = [
      () => `hostname=${nameOf(rand())}`,
      () => `hostname=${nameOf(rand()).split('.')[0]}`,
      () => `ip=${ipOf(rand())}`,
      () => {
        const i = rand();
        return `ip=${oldIpOf(i - (i % 10))}&at=2026-10-10T00:00:00Z`;
      },
    ];
    const healthz = await load(() => fetch(`${base}/healthz`));
    const lookup = await load(() =>
      fetch(`${base}/api/v1/hosts/lookup?${lookups[rand() % lookups.length]()}`, { headers }),
    );
    const sessions = await load(() =>
      fetch(`${base}/api/v1/host-sessions`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ hostname: nameOf(rand()), ip: ipOf(rand()), source: 'bench' }),
      }),
    );
    console.log(
      JSON.stringify({
        bench: 'host-lookup',
        devices,
        loadMs,
        concurrency,
        secondsPerCase: seconds,
        healthz,
        lookup,
        hostSessions: sessions,
        lookupToBareRoute: {
          requestsPerSecond: round(lookup.requestsPerSecond / healthz.requestsPerSecond, 3),
          p50: round(lookup.p50Ms / healthz.p50Ms, 2),
          p99: round(lookup.p99Ms / healthz.p99Ms, 2),
        },
      }),
    );
  } finally {
    await app.close();
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

/** `concurrency` callers in a loop for `seconds`; every answer must be a 2xx or a 404 (an unmatched look-up). */
async function load(request: () => Promise<Response>) {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t0 = performance.now();
        const response = await request();
        await response.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        if (response.status >= 300 && response.status !== 404) throw new Error(`HTTP ${response.status}`);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))], 2);
  return {
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / elapsed, 1),
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    statuses,
  };
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
