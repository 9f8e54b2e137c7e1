import type { Logger } from '@mde-bridge/client';
import type { RunFinishedEvent } from '../jobs/in-process-scheduler.js';
import { profileEndpoints } from '../profiles/profile-endpoints.js';
import { trackResponseRequests } from '../response/track-requests.js';
import { recomputeRisk } from '../risk/recompute-risk.js';
import type { Store } from '../store/store.js';

/** Resources whose rows feed risk levels; devices also feed profiles. */
const RISK_INPUTS = new Set(['machines', 'alerts', 'actions', 'vulnerabilities', 'health']);

/**
 * What follows a successful sync run: profiles after devices, then risk. One chain per tenant so that two
 * runs finishing together never recompute the same tenant concurrently; failures are logged, never thrown
 * into the scheduler.
 */
export function afterSync(store: Store, logger: Logger): (event: RunFinishedEvent) => void {
  const chains = new Map<string, Promise<void>>();
  return (event) => {
    if (event.status !== 'succeeded' || !RISK_INPUTS.has(event.resource)) return;
    const previous = chains.get(event.tenantId) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        if (event.resource === 'machines') await profileEndpoints(store.db, event.tenantId);
        if (event.resource === 'actions') await trackResponseRequests(store.db, event.tenantId);
        await recomputeRisk(store.db, event.tenantId);
      })
      .catch((err: unknown) => {
        logger.error({ err, tenant: event.tenantName, resource: event.resource }, 'post-sync step failed');
      });
    chains.set(event.tenantId, next);
  };
}
