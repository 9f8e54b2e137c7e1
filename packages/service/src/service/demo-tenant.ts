import type { RunningEmulator } from '@mde-bridge/emulator';
import type { SecretBox } from '../secrets/secret-box.js';
import type { Store } from '../store/store.js';
import { emulatorTenantInput } from '../tenants/emulator-tenant.js';
import { addTenant } from '../tenants/tenant-repository.js';

export const DEMO_TENANT_NAME = 'demo';
/** The emulated directory's tenant ID, fixed so that the demo tenant's row stays the same across restarts. */
export const DEMO_DIRECTORY_ID = '00000000-0000-4000-8000-00000000de30';

/** Whether `start` should run the emulator: no tenant at all yet, or an enabled demo tenant to serve. */
export async function wantsDemo(store: Store): Promise<boolean> {
  const rows = await store.db.selectFrom('tenants').select(['is_demo', 'enabled']).execute();
  return rows.length === 0 || rows.some((r) => Number(r.is_demo) === 1 && Number(r.enabled) === 1);
}

/**
 * Points the demo tenant at this run's emulator: adds it on first start, and on later starts rewrites its URLs
 * and credential (the in-process emulator listens on a new port and issues a new application secret each
 * time). Only rows marked `is_demo` are ever touched.
 */
export async function attachDemoTenant(store: Store, box: SecretBox, emu: RunningEmulator): Promise<void> {
  const existing = await store.db
    .selectFrom('tenants')
    .select(['id', 'name'])
    .where('is_demo', '=', 1)
    .executeTakeFirst();
  if (!existing) {
    await addTenant(store.db, box, {
      ...emulatorTenantInput(emu, DEMO_TENANT_NAME),
      isDemo: true,
      settings: { description: 'Emulated demo tenant (not a Microsoft tenant)' },
    });
    return;
  }
  await store.db
    .updateTable('tenants')
    .set({
      tenant_id: emu.tenantId,
      client_id: emu.demoApp.clientId,
      credential_kind: 'secret',
      credential_ciphertext: box.seal(emu.demoApp.clientSecret, existing.name),
      certificate_pem: null,
      api_url: emu.apiUrl,
      login_url: emu.loginUrl,
      graph_url: emu.graphUrl,
      updated_at: new Date().toISOString(),
    })
    .where('id', '=', existing.id)
    .execute();
}
