import { describe, expect, it } from 'vitest';
import type { TableSource } from '../hunting/types.js';
import { generateTenant } from './index.js';

describe('scale', () => {
  it('generates 100,000 devices (timing printed, not asserted) and scans lazily', () => {
    const now = Date.parse('2025-06-15T12:00:00Z');
    const heap0 = process.memoryUsage().heapUsed;
    const t0 = performance.now();
    const t = generateTenant({
      seed: 'scale',
      devices: 100_000,
      nowMs: now,
      tenantId: 'c0ffee00-0000-4000-8000-000000000000',
    });
    const genMs = performance.now() - t0;
    const heapMb = (process.memoryUsage().heapUsed - heap0) / 1e6;
    expect(t.devices).toHaveLength(100_000);
    // A scan without hints over the whole tenant is lazy: the first rows come at once.
    const table = t.tables(() => now).find((x) => x.name === 'DeviceNetworkEvents') as TableSource;
    const t1 = performance.now();
    let rows = 0;
    for (const _ of table.scan({})) if (++rows >= 5000) break;
    const scanMs = performance.now() - t1;
    const t2 = performance.now();
    const vulns = t.deviceVulnerabilities(t.devices[99_999]).length;
    const vulnMs = performance.now() - t2;
    console.log(
      `[data] 100,000 devices: generated in ${genMs.toFixed(0)} ms, heap +${heapMb.toFixed(0)} MB ` +
        `(${t.alerts.length} alerts, ${t.scenarios.length} scenarios, ${t.vulnerabilities.length} CVEs); ` +
        `first 5,000 network rows in ${scanMs.toFixed(0)} ms; one device's ${vulns} vulnerabilities in ${vulnMs.toFixed(2)} ms`,
    );
    expect(rows).toBe(5000);
    expect(t.scenarios.length).toBeLessThanOrEqual(2000);
  });
});
