import type { Governor } from '@mde-bridge/client';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** What a finished sync run reports (the scheduler's `onRunFinished`). */
export interface SyncRunFinished {
  tenantName: string;
  resource: string;
  status: 'succeeded' | 'failed';
  durationMs: number;
}

export interface Metrics {
  registry: Registry;
  recordSyncRun(run: SyncRunFinished): void;
  recordHttp(method: string, route: string, status: number, seconds: number): void;
  /** Read a tenant's governor at every scrape: Defender calls, 429s and waits by family. */
  watchGovernor(tenantName: string, governor: Governor): void;
}

/**
 * Prometheus metrics of one bridge process, in their own registry (so tests and several apps in one process
 * do not collide). Governor figures are read when scraped rather than pushed on every call.
 */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: 'mde_bridge_process_' });

  const syncRuns = new Counter({
    name: 'mde_bridge_sync_runs_total',
    help: 'Sync runs by tenant, resource and outcome',
    labelNames: ['tenant', 'resource', 'status'] as const,
    registers: [registry],
  });
  const syncDuration = new Histogram({
    name: 'mde_bridge_sync_duration_seconds',
    help: 'Sync run duration by tenant and resource',
    labelNames: ['tenant', 'resource'] as const,
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600],
    registers: [registry],
  });
  const httpRequests = new Counter({
    name: 'mde_bridge_http_requests_total',
    help: 'HTTP requests served, by method, route pattern and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'mde_bridge_http_request_duration_seconds',
    help: 'HTTP request duration by method and route pattern',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });

  const governors = new Map<string, Governor>();
  const perFamily = (
    name: string,
    help: string,
    read: (stats: ReturnType<Governor['stats']>) => Record<string, number>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['tenant', 'family'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const [tenant, governor] of governors) {
          for (const [family, value] of Object.entries(read(governor.stats()))) {
            this.set({ tenant, family }, value);
          }
        }
      },
    });
  // Counters in meaning (they only grow); exposed as gauges because they are read from the governor.
  perFamily(
    'mde_bridge_defender_api_calls',
    'Defender API calls permitted by the governor',
    (s) => s.granted,
  );
  perFamily('mde_bridge_defender_api_throttled', 'Defender 429 answers', (s) => s.throttled);
  perFamily('mde_bridge_governor_waits', 'Calls that waited for the rate-limit governor', (s) =>
    Object.fromEntries(Object.entries(s.waits).map(([family, w]) => [family, w.count])),
  );
  perFamily('mde_bridge_governor_wait_seconds', 'Time calls spent waiting for the governor', (s) =>
    Object.fromEntries(Object.entries(s.waits).map(([family, w]) => [family, w.totalMs / 1000])),
  );

  return {
    registry,
    recordSyncRun(run) {
      syncRuns.inc({ tenant: run.tenantName, resource: run.resource, status: run.status });
      syncDuration.observe({ tenant: run.tenantName, resource: run.resource }, run.durationMs / 1000);
    },
    recordHttp(method, route, status, seconds) {
      httpRequests.inc({ method, route, status: String(status) });
      httpDuration.observe({ method, route }, seconds);
    },
    watchGovernor(tenantName, governor) {
      governors.set(tenantName, governor);
    },
  };
}
