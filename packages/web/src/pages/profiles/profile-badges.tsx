import type { MatchScore, ProfileKind, ResponseAction } from '../../api/types.js';
import { Badge, type Tone } from '../../components/badge.js';

const kindLabels: Record<ProfileKind, string> = { os: 'OS', os_version: 'OS version', standard: 'Standard' };
const scoreTones: Record<MatchScore, Tone> = {
  'Very High': 'ok',
  High: 'info',
  Medium: 'medium',
  Low: 'low',
};
const actionLabels: Record<ResponseAction, string> = {
  isolate: 'Isolate',
  release: 'Release',
  scan: 'AV scan',
  restrict: 'Restrict apps',
  unrestrict: 'Unrestrict apps',
  collect: 'Investigation package',
};

export function KindBadge({ kind }: { kind: ProfileKind }) {
  return <Badge tone={kind === 'standard' ? 'neutral' : 'info'} label={kindLabels[kind]} />;
}

export function MatchScoreBadge({ score }: { score: MatchScore }) {
  return <Badge tone={scoreTones[score]} label={score} />;
}

/** The response actions a profile's OS supports, one badge each (a dash when none). */
export function ActionBadges({ actions }: { actions: ResponseAction[] }) {
  if (actions.length === 0) return <span className="muted">—</span>;
  return (
    <span className="badge-row">
      {actions.map((action) => (
        <Badge key={action} tone="neutral" label={actionLabels[action]} />
      ))}
    </span>
  );
}
