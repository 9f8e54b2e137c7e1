/** Shared by the hunting tests: emulators in the licence / API modes hunting cares about, registered as tenants. */
import { randomBytes } from 'node:crypto';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { secretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { EMULATOR_START } from '../sync/sync.test-support.js';
import { emulatorTenantInput } from '../tenants/emulator-tenant.js';
import { addTenant } from '../tenants/tenant-repository.js';

export const huntingEnv = { MDE_BRIDGE_MASTER_KEY: randomBytes(32).toString('base64') };

export function startHuntingEmulator(extra: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  return startEmulator({
    devices: 20,
    seed: 'hunting',
    clock: 'manual',
    rateLimits: 'off',
    startTime: EMULATOR_START,
    log: () => {},
    ...extra,
  });
}

/** Registers the emulator as a tenant; returns tenants.id. */
export async function addEmulatorTenant(
  store: Store,
  emu: RunningEmulator,
  name: string,
  settings?: Record<string, unknown>,
): Promise<string> {
  const view = await addTenant(store.db, secretBox(huntingEnv), {
    ...emulatorTenantInput(emu, name),
    settings,
  });
  return view.id;
}

/** The emulator's own count of hunting calls: MDE/XDR (`hunting` family) and Graph (`graph` family). */
export async function emulatorHuntingCalls(emu: RunningEmulator): Promise<{ mde: number; graph: number }> {
  const res = await fetch(`${emu.apiUrl}/_emulator/stats`);
  const stats = (await res.json()) as { calls: Record<string, number> };
  return { mde: stats.calls.hunting ?? 0, graph: stats.calls.graph ?? 0 };
}
