/**
 * A sync in its own process, for the SIGKILL test: `node --import tsx sync-child.test-support.ts` with
 * MDE_SYNC_CHILD = JSON {db, tenant, emulator: {apiUrl, tenantId, clientId, clientSecret}, pageSize,
 * delayMs}. Each API call is held back `delayMs` so the parent can kill it between pages. Prints the
 * result as JSON.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DefenderClient } from '@mde-bridge/client';
import { migrate, openStore } from '../store/store.js';
import { syncTenant } from './sync-tenant.js';

const config = JSON.parse(process.env.MDE_SYNC_CHILD ?? '{}');
const store = openStore(config.db);
const migrated = await migrate(store);
if (migrated.error) throw migrated.error;
const { apiUrl, tenantId, clientId, clientSecret } = config.emulator;
const client = new DefenderClient({
  tenantId,
  clientId,
  credential: { clientSecret },
  cloud: 'custom',
  apiUrl,
  loginUrl: apiUrl,
  graphUrl: apiUrl,
  timeoutInMs: 5000,
  pageSize: config.pageSize,
  fetch: async (input, init) => {
    if (String(input).includes('/api/')) await sleep(config.delayMs ?? 0);
    return fetch(input, init);
  },
});
const result = await syncTenant({
  store,
  tenant: config.tenant,
  client,
  only: ['machines', 'alerts', 'actions'],
});
process.stdout.write(`${JSON.stringify(result)}\n`);
await store.close();
