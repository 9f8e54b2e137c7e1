import type { HostDetail } from '../../api/types.js';
import { EmptyState } from '../../components/status.js';

/** The Risk tab (C6): a Defender sub-tab with the exposure and alert risk badges. Arrives with issue 6. */
export function RiskTab({ host }: { host: HostDetail }) {
  return <EmptyState title="Risk">{`Risk levels for ${host.name} are not computed yet.`}</EmptyState>;
}
