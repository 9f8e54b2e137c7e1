import { useState } from 'react';
import { api } from '../api/client.js';
import type { Detection } from '../api/types-detections.js';
import { useApi } from '../api/use-api.js';
import { Badge } from '../components/badge.js';
import {
  DecisionsTable,
  DetectionHost,
  OutcomeBadge,
  remoteText,
  StitchBadge,
} from '../components/detection-parts.js';
import { PageHeader } from '../components/page-header.js';
import { RootCauseView } from '../components/root-cause.js';
import { EmptyState, ErrorMessage, Loading, Notice } from '../components/status.js';
import { formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';

// One detection (issue 7): everything the sender gave, the device it was matched to, each lockdown policy's
// decision, and the stitched root cause (issue 8) with "Stitch now" for a hunter.

const value = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === '' ? <span className="muted">—</span> : String(v);

export function DetectionPage({ id }: { id: string }) {
  const { can } = useSession();
  const path = `/detections/${encodeURIComponent(id)}`;
  const detection = useApi(() => api.get<Detection>(path), `detection:${id}`);
  const [stitching, setStitching] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  if (detection.error) {
    return (
      <>
        <PageHeader
          title="Detection not found"
          subtitle={<Link href="/detections">Back to detections</Link>}
        />
        <ErrorMessage
          error={
            detection.error.status === 404
              ? new Error(
                  `No detection ${id} is visible to you (its device may be outside your device groups).`,
                )
              : detection.error
          }
          onRetry={detection.error.status === 404 ? undefined : detection.reload}
        />
      </>
    );
  }
  if (!detection.data) return <Loading />;
  const d = detection.data;

  const stitchNow = async () => {
    setStitching(true);
    setMessage(null);
    try {
      const next = await api.post<Detection>(`${path}/stitch`);
      setMessage(
        next.stitch.state === 'stitched'
          ? { ok: true, text: 'Stitched: the root cause is shown below.' }
          : {
              ok: next.stitch.state !== 'failed',
              text: `Stitching ended ${humanize(next.stitch.state).toLowerCase()}${next.stitch.error ? `: ${next.stitch.error}` : '.'}`,
            },
      );
    } catch (failure) {
      setMessage({ ok: false, text: (failure as Error).message });
    } finally {
      setStitching(false);
      detection.reload();
    }
  };

  const decisions = d.lockdown.decisions ?? [];
  return (
    <>
      <div className="breadcrumbs">
        <Link href="/detections">Detections</Link> / {d.externalId}
      </div>
      <PageHeader
        title={`Detection from ${d.source}`}
        subtitle={
          <span className="header-facts">
            <span>{formatTime(d.timestamp)}</span>
            <span className="muted">·</span>
            <span className="mono">{remoteText(d)}</span>
          </span>
        }
        actions={
          <div className="badge-row">
            <OutcomeBadge value={d.lockdown.outcome} />
            <StitchBadge state={d.stitch.state} />
          </div>
        }
      />
      <div className="detection-grid">
        <section className="card" aria-labelledby="detection-facts">
          <h2 id="detection-facts" className="card-heading">
            Detection
          </h2>
          <dl className="facts">
            <dt>Source</dt>
            <dd>{d.source}</dd>
            <dt>Sender's ID</dt>
            <dd className="mono">{d.externalId}</dd>
            <dt>Time</dt>
            <dd>{formatTime(d.timestamp)}</dd>
            <dt>Received</dt>
            <dd>
              {formatTime(d.receivedAt)} <span className="muted small">from {d.receivedBy}</span>
            </dd>
            <dt>Host IP</dt>
            <dd className="mono">{value(d.hostIp)}</dd>
            <dt>Host name</dt>
            <dd>{value(d.hostName)}</dd>
            <dt>Threat score</dt>
            <dd>{value(d.threatScore)}</dd>
            <dt>Certainty score</dt>
            <dd>{value(d.certaintyScore)}</dd>
            <dt>Observed privilege</dt>
            <dd>{value(d.privilege)}</dd>
            <dt>Category</dt>
            <dd>{value(d.category)}</dd>
            <dt>Remote IP</dt>
            <dd className="mono">{value(d.remoteIp)}</dd>
            <dt>Remote port</dt>
            <dd>{value(d.remotePort)}</dd>
            <dt>Protocol</dt>
            <dd>{value(d.protocol)}</dd>
            <dt>Domain</dt>
            <dd className="mono">{value(d.domain)}</dd>
            <dt>URL</dt>
            <dd className="mono break">{value(d.url)}</dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="detection-device">
          <h2 id="detection-device" className="card-heading">
            Matched device
          </h2>
          <dl className="facts">
            <dt>Device</dt>
            <dd>
              <DetectionHost detection={d} />
            </dd>
            <dt>Matched by</dt>
            <dd>
              <Badge tone={d.machineId ? 'ok' : 'neutral'} label={humanize(d.match)} />
            </dd>
            <dt>Tenant</dt>
            <dd>{value(d.tenantId)}</dd>
            <dt>Machine ID</dt>
            <dd className="mono">{value(d.machineId)}</dd>
            <dt>Lockdown outcome</dt>
            <dd>
              <OutcomeBadge value={d.lockdown.outcome} />
            </dd>
            {d.lockdown.lockdownId && d.machineId && (
              <>
                <dt>Lockdown</dt>
                <dd>
                  <Link href={`/hosts/${encodeURIComponent(d.machineId)}`}>
                    See the lockdown on the host page
                  </Link>
                </dd>
              </>
            )}
            {d.lockdown.approvalId && (
              <>
                <dt>Approval</dt>
                <dd>
                  <Link href="/approvals">Waiting for approval — see Approvals</Link>
                </dd>
              </>
            )}
          </dl>
        </section>
      </div>
      <section className="card card-flush" aria-labelledby="detection-decisions">
        <h2 id="detection-decisions" className="card-title">
          Lockdown decisions
        </h2>
        {decisions.length === 0 ? (
          <EmptyState title="No policy decided anything for this detection.">
            {d.lockdown.outcome === 'no_policy'
              ? 'No enabled lockdown policy applied to its tenant when it arrived.'
              : null}
          </EmptyState>
        ) : (
          <DecisionsTable decisions={decisions} caption="Lockdown decisions" show="policy" />
        )}
      </section>
      <section className="card" aria-labelledby="detection-root-cause">
        <div className="card-title-row">
          <h2 id="detection-root-cause">Root cause</h2>
          {can('hunting.run') && (
            <button type="button" className="button" disabled={stitching} onClick={stitchNow}>
              {stitching ? 'Stitching…' : 'Stitch now'}
            </button>
          )}
        </div>
        <p className="muted small">
          Stitch state: {humanize(d.stitch.state)}
          {d.stitch.attempts ? ` · ${d.stitch.attempts} attempt${d.stitch.attempts === 1 ? '' : 's'}` : ''}
          {d.stitch.stitchedAt ? ` · ${formatTime(d.stitch.stitchedAt)}` : ''}
          {d.stitch.error ? ` · ${d.stitch.error}` : ''}
        </p>
        {message && <Notice tone={message.ok ? 'success' : 'error'}>{message.text}</Notice>}
        <RootCauseView rootCause={d.rootCause} />
      </section>
    </>
  );
}
