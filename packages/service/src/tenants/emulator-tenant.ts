/**
 * An emulator as a tenant to register: the one place that maps a running emulator's directory, demo
 * application and URLs onto `addTenant`'s input (the demo tenant, tests, benchmarks).
 */
import type { RunningEmulator } from '@mde-bridge/emulator';
import type { NewTenant } from './tenant-repository.js';

/**
 * `addTenant` input for the emulator's demo application (client secret, custom cloud, the emulator's URLs).
 * @example await addTenant(store.db, box, { ...emulatorTenantInput(emu, 'demo'), isDemo: true });
 */
export function emulatorTenantInput(emu: RunningEmulator, name: string): NewTenant {
  return {
    name,
    tenantId: emu.tenantId,
    clientId: emu.demoApp.clientId,
    credential: { clientSecret: emu.demoApp.clientSecret },
    cloud: 'custom',
    apiUrl: emu.apiUrl,
    loginUrl: emu.loginUrl,
    graphUrl: emu.graphUrl,
  };
}
