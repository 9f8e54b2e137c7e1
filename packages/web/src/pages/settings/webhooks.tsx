import { EmptyState } from '../../components/status.js';

/** Webhook subscriptions and their delivery log. Arrives with issue 6. */
export function WebhooksPage() {
  return <EmptyState title="Webhooks">{'No webhooks yet.'}</EmptyState>;
}
