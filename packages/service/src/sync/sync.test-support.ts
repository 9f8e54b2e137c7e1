/** Shared by the sync tests: a manual-clock emulator, a client for it, its control surface, replica checks. */
import { DefenderClient, type DefenderClientOptions } from '@mde-bridge/client';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { expect } from 'vitest';
import { isoMs } from '../store/schema.js';
import type { Store } from '../store/store.js';

/**
 * Hour-aligned: the emulator's clock moves the tenant in hourly buckets and dates a bucket's changes
 * anywhere inside its hour, so a start inside an hour would date the first bucket's changes before a
 * cursor taken at the start (DEVIATIONS.md: the real service changes continuously).
 */
export const EMULATOR_START = '2026-11-20T12:00:00Z';

/** A quiet, manual-clock emulator without rate limits, started at EMULATOR_START; `extra` adds or overrides options. */
export function startTestEmulator(
  devices: number,
  seed: string | number = 'sync',
  extra: Partial<EmulatorOptions> = {},
) {
  return startEmulator({
    devices,
    seed,
    clock: 'manual',
    rateLimits: 'off',
    startTime: EMULATOR_START,
    log: () => {},
    ...extra,
  });
}

export function clientFor(emu: RunningEmulator, extra: Partial<DefenderClientOptions> = {}): DefenderClient {
  return new DefenderClient({
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    credential: { clientSecret: emu.demoApp.clientSecret },
    cloud: 'custom',
    apiUrl: emu.apiUrl,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
    timeoutInMs: 2000,
    ...extra,
  });
}

export async function control<T = unknown>(
  emu: RunningEmulator,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${emu.apiUrl}/_emulator/${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} /_emulator/${path}: ${res.status} ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

export const advanceClock = (emu: RunningEmulator, minutes: number) =>
  control(emu, 'POST', 'clock/advance', { minutes });

export async function callsByFamily(emu: RunningEmulator): Promise<Record<string, number>> {
  return (await control<{ calls: Record<string, number> }>(emu, 'GET', 'stats')).calls;
}

/** The stored devices (non-removed) hold exactly the emulator's devices, field for field where it matters. */
export async function expectDevicesEqual(
  store: Store,
  tenant: string,
  emu: RunningEmulator,
  fields: { health?: boolean } = { health: true },
): Promise<void> {
  const rows = await store.db
    .selectFrom('devices')
    .select(['id', 'last_seen', 'health_status', 'removed_at'])
    .where('tenant', '=', tenant)
    .execute();
  const live = rows.filter((r) => r.removed_at === null);
  const truth = emu.state.data.devices.map((d) => d.machine);
  expect(live.length).toBe(truth.length);
  const byId = new Map(live.map((r) => [r.id, r]));
  const mismatches = truth.filter((m) => {
    const r = byId.get(m.id);
    return !r || r.last_seen !== isoMs(m.lastSeen) || (fields.health && r.health_status !== m.healthStatus);
  });
  expect(mismatches.map((m) => m.id)).toEqual([]);
}

/** Exactly one primary record per DNS name among non-removed devices, chosen as machines-sync documents. */
export async function expectOnePrimaryPerDnsName(store: Store, tenant: string, emu: RunningEmulator) {
  const rows = await store.db
    .selectFrom('devices')
    .select(['id', 'dns_name', 'is_primary', 'removed_at'])
    .where('tenant', '=', tenant)
    .execute();
  const primaries = new Map<string, string[]>();
  for (const r of rows) {
    if (r.removed_at !== null) expect(Number(r.is_primary)).toBe(0);
    else if (Number(r.is_primary) === 1)
      primaries.set(r.dns_name, [...(primaries.get(r.dns_name) ?? []), r.id]);
  }
  const groups = new Map<string, (typeof emu.state.data.devices)[number]['machine'][]>();
  for (const d of emu.state.data.devices) {
    const name = d.machine.computerDnsName.toLowerCase();
    groups.set(name, [...(groups.get(name) ?? []), d.machine]);
  }
  let duplicated = 0;
  for (const [name, machines] of groups) {
    if (machines.length > 1) duplicated++;
    const expected = [...machines].sort(
      (a, b) =>
        Number(b.onboardingStatus === 'Onboarded') - Number(a.onboardingStatus === 'Onboarded') ||
        Number(a.isPotentialDuplication) - Number(b.isPotentialDuplication) ||
        (isoMs(b.lastSeen) ?? '').localeCompare(isoMs(a.lastSeen) ?? '') ||
        (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    )[0];
    expect(primaries.get(name), name).toEqual([expected.id]);
  }
  return duplicated;
}

/** Alerts stored equal the emulator's (one row each, the same lastUpdateTime and status). */
export async function expectAlertsEqual(store: Store, tenant: string, emu: RunningEmulator) {
  const rows = await store.db
    .selectFrom('alerts')
    .select(['id', 'last_update_time', 'status'])
    .where('tenant', '=', tenant)
    .execute();
  const truth = emu.state.data.alerts;
  expect(rows.length).toBe(truth.length);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const mismatches = truth.filter((a) => {
    const r = byId.get(a.id);
    return !r || r.last_update_time !== isoMs(a.lastUpdateTime) || r.status !== a.status;
  });
  expect(mismatches.map((a) => a.id)).toEqual([]);
}
