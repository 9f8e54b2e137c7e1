import type { Detection, PolicyDecision } from '../api/types-detections.js';
import { formatRelative, formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { Badge, type Tone } from './badge.js';
import type { Column } from './data-table.js';

// Pieces shared by the detections list, the detection page and the host page's Detections tab (issue 7), so a
// detection's outcome, host and root cause read the same everywhere.

const outcomeTones: Record<string, Tone> = {
  locked: 'critical',
  awaiting_approval: 'progress',
  would_lock: 'medium',
  failed: 'high',
  capped: 'medium',
  already_locked: 'info',
  excluded: 'neutral',
  below_threshold: 'ok',
  unmatched: 'neutral',
  no_policy: 'neutral',
};

const outcomeLabels: Record<string, string> = {
  locked: 'Locked',
  awaiting_approval: 'Awaiting approval',
  would_lock: 'Would lock (dry run)',
  failed: 'Lock failed',
  capped: 'Capped',
  already_locked: 'Already locked',
  excluded: 'Excluded',
  below_threshold: 'Below threshold',
  unmatched: 'Unmatched',
  no_policy: 'No policy',
};

export const outcomeOptions = Object.entries(outcomeLabels).map(([value, label]) => ({ value, label }));

/** A lockdown outcome or a policy decision as a coloured pill. */
export function OutcomeBadge({ value }: { value: string | null }) {
  if (!value) return <span className="muted">—</span>;
  return <Badge tone={outcomeTones[value] ?? 'neutral'} label={outcomeLabels[value] ?? humanize(value)} />;
}

const stitchTones: Record<string, Tone> = {
  waiting: 'neutral',
  running: 'progress',
  stitched: 'ok',
  not_found: 'medium',
  failed: 'high',
  skipped: 'neutral',
};

export function StitchBadge({ state, short = false }: { state: string; short?: boolean }) {
  const label = short ? humanize(state) : `Stitch: ${humanize(state)}`;
  return <Badge tone={stitchTones[state] ?? 'neutral'} label={label} />;
}

/** The matched device as a link to its page, else the host as the sender gave it, marked unmatched. */
export function DetectionHost({ detection: d }: { detection: Detection }) {
  if (d.machineId) {
    return (
      <Link href={`/hosts/${encodeURIComponent(d.machineId)}`} onClick={(event) => event.stopPropagation()}>
        {d.deviceName ?? d.hostName ?? d.machineId}
      </Link>
    );
  }
  return (
    <span>
      {d.hostName ?? d.hostIp ?? '—'}{' '}
      <span className="muted small">{d.match === 'ambiguous' ? 'ambiguous' : 'unmatched'}</span>
    </span>
  );
}

/** `203.0.113.7:443` (or `[2001:db8::1]:443`) and the domain under it. */
export function remoteText(d: Pick<Detection, 'remoteIp' | 'remotePort' | 'domain'>): string {
  const ip = d.remoteIp?.includes(':') && d.remotePort !== null ? `[${d.remoteIp}]` : d.remoteIp;
  const endpoint = ip ? (d.remotePort !== null ? `${ip}:${d.remotePort}` : ip) : null;
  return [endpoint, d.domain].filter(Boolean).join(' · ') || '—';
}

/** "80 / 90 / 6": threat, certainty and observed privilege, each or a dash. */
export function scoresText(d: Pick<Detection, 'threatScore' | 'certaintyScore' | 'privilege'>): string {
  const part = (value: number | null) => (value === null || value === undefined ? '—' : String(value));
  return `${part(d.threatScore)} / ${part(d.certaintyScore)} / ${part(d.privilege)}`;
}

/** The root cause process's file name once stitched, else the stitch state. */
export function RootCauseCell({ detection: d }: { detection: Detection }) {
  if (d.rootCause) {
    return (
      <span className="mono" title={d.rootCause.process.folderPath ?? undefined}>
        {d.rootCause.process.fileName}
      </span>
    );
  }
  return <StitchBadge state={d.stitch.state} short />;
}

export const detectionColumns = (withHost: boolean): Column<Detection>[] => [
  {
    key: 'time',
    header: 'Time',
    sort: 'timestamp',
    className: 'nowrap',
    render: (d) => (
      <Link href={`/detections/${encodeURIComponent(d.id)}`} title={formatTime(d.timestamp)}>
        {formatRelative(d.timestamp)}
      </Link>
    ),
  },
  { key: 'source', header: 'Source', render: (d) => d.source },
  ...(withHost
    ? [{ key: 'host', header: 'Host', render: (d: Detection) => <DetectionHost detection={d} /> }]
    : []),
  {
    key: 'scores',
    header: 'Threat / cert. / priv.',
    sort: 'threatScore',
    className: 'nowrap',
    render: (d) => scoresText(d),
  },
  { key: 'remote', header: 'Remote', render: (d) => <span className="mono small">{remoteText(d)}</span> },
  { key: 'outcome', header: 'Lockdown', render: (d) => <OutcomeBadge value={d.lockdown.outcome} /> },
  { key: 'root', header: 'Root cause', render: (d) => <RootCauseCell detection={d} /> },
];

/** The decisions of every policy for one detection (or one policy's recent decisions). */
export function DecisionsTable({
  decisions,
  caption,
  show,
}: {
  decisions: PolicyDecision[];
  caption: string;
  /** Which identifying column to show: the policy (on a detection) or the detection and host (on a policy). */
  show: 'policy' | 'detection';
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{show === 'policy' ? 'Policy' : 'Detection'}</th>
            {show === 'detection' && <th scope="col">Host</th>}
            <th scope="col">Decision</th>
            <th scope="col">Reason</th>
            <th scope="col">Result</th>
            <th scope="col">Decided</th>
          </tr>
        </thead>
        <tbody>
          {decisions.map((d) => (
            <tr key={d.id}>
              <td>
                {show === 'policy' ? (
                  <Link href="/settings/lockdown-policies">{d.policyName ?? 'Deleted policy'}</Link>
                ) : (
                  <Link href={`/detections/${encodeURIComponent(d.detectionId)}`}>Detection</Link>
                )}
              </td>
              {show === 'detection' && (
                <td>
                  {d.machineId ? (
                    <Link href={`/hosts/${encodeURIComponent(d.machineId)}`}>
                      {d.hostName ?? d.machineId}
                    </Link>
                  ) : (
                    (d.hostName ?? '—')
                  )}
                </td>
              )}
              <td className="nowrap">
                <OutcomeBadge value={d.decision} /> {d.dryRun && <Badge tone="info" label="Dry run" />}
              </td>
              <td className="small">{d.reason}</td>
              <td className="small">
                {d.lockdownId && d.machineId && (
                  <Link href={`/hosts/${encodeURIComponent(d.machineId)}`}>Lockdown on the host page</Link>
                )}
                {d.approvalId && <Link href="/approvals?state=pending">Approval</Link>}
                {!d.lockdownId && !d.approvalId && <span className="muted">—</span>}
              </td>
              <td className="nowrap" title={formatTime(d.decidedAt)}>
                {formatRelative(d.decidedAt)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
