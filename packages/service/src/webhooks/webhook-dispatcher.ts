import type { Logger } from '@mde-bridge/client';
import type { Store } from '../store/store.js';

export interface WebhookDispatcher {
  stop(): Promise<void>;
}

/** Delivers outbox events to webhook subscriptions (issue 6: not written yet). */
export function startWebhookDispatcher(_options: {
  store: Store;
  logger: Logger;
  fetch?: typeof fetch;
}): WebhookDispatcher {
  return { stop: async () => {} };
}
