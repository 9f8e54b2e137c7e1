/** Shared by the tests that work on an emulated tenant: the emulator registered as tenant `contoso`, its replica synced. */
import type { RunningEmulator } from '@mde-bridge/emulator';
import { secretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { clientFor } from '../sync/sync.test-support.js';
import type { Resource } from '../sync/sync-context.js';
import { syncTenant } from '../sync/sync-tenant.js';
import { emulatorTenantInput } from './emulator-tenant.js';
import { addTenant } from './tenant-repository.js';

/**
 * Registers the emulator as tenant `contoso` (its secret sealed with `env`'s master key) and syncs `only` from
 * it (default: machines); returns tenants.id.
 */
export async function addSyncedEmulatorTenant(
  store: Store,
  emu: RunningEmulator,
  env: NodeJS.ProcessEnv,
  only: readonly Resource[] = ['machines'],
): Promise<string> {
  const view = await addTenant(store.db, secretBox(env), emulatorTenantInput(emu, 'contoso'));
  await syncTenant({ store, tenant: view.id, client: clientFor(emu), only });
  return view.id;
}
