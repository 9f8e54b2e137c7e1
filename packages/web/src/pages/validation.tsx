import { useEffect, useState } from 'react';
import { api, apiUrl } from '../api/client.js';
import type { Validation, ValidationAlert } from '../api/types-hunting.js';
import { useApi } from '../api/use-api.js';
import { Badge } from '../components/badge.js';
import { type Column, DataTable } from '../components/data-table.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorMessage, Loading } from '../components/status.js';
import { formatLatency, ValidationStateBadge } from '../components/validation-state.js';
import { formatDuration, formatTime, humanize } from '../format.js';
import { Link } from '../router.js';

// One validation run's report: detected or missed, the time from activity to first alert, the expected techniques
// seen and missing, the matching alerts. While the bridge is still polling Defender the page refreshes itself.

const POLL_MS = 3000;

const alertColumns: Column<ValidationAlert>[] = [
  { key: 'severity', header: 'Severity', render: (a) => <Badge value={a.severity} /> },
  { key: 'title', header: 'Title', render: (a) => <span className="strong">{a.title}</span> },
  {
    key: 'techniques',
    header: 'Techniques',
    render: (a) =>
      a.techniques.length ? (
        <span className="tag-list">
          {a.techniques.map((t) => (
            <span key={t} className="tag">
              {t}
            </span>
          ))}
        </span>
      ) : (
        '—'
      ),
  },
  { key: 'source', header: 'Detection source', render: (a) => a.detectionSource ?? '—' },
  { key: 'category', header: 'Category', render: (a) => humanize(a.category) },
  { key: 'first', header: 'First activity', className: 'nowrap', render: (a) => formatTime(a.firstActivity) },
  { key: 'created', header: 'Alert created', className: 'nowrap', render: (a) => formatTime(a.createdAt) },
  { key: 'latency', header: 'Latency', render: (a) => formatLatency(a.latencySeconds) },
];

function Banner({ validation: v }: { validation: Validation }) {
  if (v.state === 'detected') {
    return (
      <div className="notice notice-success validation-banner" role="status">
        <span>
          <span className="strong">Detected.</span> Defender raised {v.alerts.length}{' '}
          {v.alerts.length === 1 ? 'alert' : 'alerts'} for this activity; the first came{' '}
          {formatLatency(v.latencySeconds)} after it started.
        </span>
      </div>
    );
  }
  if (v.state === 'missed') {
    return (
      <div className="notice notice-error validation-banner" role="status">
        <span>
          <span className="strong">Missed.</span> No Defender alert for {v.host} between the start of the
          activity and the end of the grace period ({formatTime(v.pollUntil)}).
        </span>
      </div>
    );
  }
  if (v.state === 'failed') {
    return (
      <div className="notice notice-error validation-banner" role="alert">
        <span>
          <span className="strong">The validation failed.</span>{' '}
          {v.error ?? 'The bridge could not poll Defender.'}
        </span>
      </div>
    );
  }
  const from = new Date(v.createdAt).getTime();
  const until = new Date(v.pollUntil).getTime();
  const share = until > from ? Math.min(1, Math.max(0, (Date.now() - from) / (until - from))) : 0;
  return (
    <div className="notice notice-info validation-banner validation-polling" role="status">
      <div className="stack validation-polling-body">
        <span>
          <span className="strong">Polling Defender.</span> {v.polls} {v.polls === 1 ? 'poll' : 'polls'} so
          far
          {v.alerts.length > 0 &&
            `, ${v.alerts.length} matching ${v.alerts.length === 1 ? 'alert' : 'alerts'} already`}
          ; watching until {formatTime(v.pollUntil)}. This page refreshes by itself.
        </span>
        <div
          className="meter"
          role="progressbar"
          aria-label="Polling progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(share * 100)}
        >
          <div className="meter-fill meter-progress" style={{ width: `${Math.round(share * 100)}%` }} />
        </div>
      </div>
    </div>
  );
}

function Techniques({ validation: v }: { validation: Validation }) {
  if (v.expectedTechniques.length === 0 && v.techniques.seen.length === 0) {
    return <p className="muted">No techniques were expected and none were seen.</p>;
  }
  return (
    <dl className="facts">
      <dt>Seen</dt>
      <dd>
        {v.techniques.seen.length ? (
          <span className="badge-row">
            {v.techniques.seen.map((t) => (
              <Badge key={t} tone="ok" label={t} />
            ))}
          </span>
        ) : (
          <span className="muted">None</span>
        )}
      </dd>
      {v.expectedTechniques.length > 0 && (
        <>
          <dt>Missing</dt>
          <dd>
            {v.techniques.missing.length ? (
              <span className="badge-row">
                {v.techniques.missing.map((t) => (
                  <Badge key={t} tone="critical" label={t} />
                ))}
              </span>
            ) : (
              <span className="muted">None: every expected technique was seen</span>
            )}
          </dd>
        </>
      )}
    </dl>
  );
}

export function ValidationPage({ id }: { id: string }) {
  const path = `/validations/${encodeURIComponent(id)}`;
  const [polling, setPolling] = useState(true);
  const report = useApi(() => api.get<Validation>(path), path, polling ? POLL_MS : undefined);
  const state = report.data?.state;
  useEffect(() => {
    if (state) setPolling(state === 'polling');
  }, [state]);
  const v = report.data;
  if (!v) return report.error ? <ErrorMessage error={report.error} onRetry={report.reload} /> : <Loading />;

  return (
    <>
      <div className="breadcrumbs">
        <Link href="/validations">Validations</Link>
      </div>
      <PageHeader
        title={`Validation: ${v.host}`}
        subtitle={
          <span className="header-facts">
            <ValidationStateBadge state={v.state} />
            <span>
              {formatTime(v.start)} – {formatTime(v.end)}
            </span>
          </span>
        }
        actions={
          <a className="button" href={apiUrl(path, { format: 'csv' })} download>
            Export alerts as CSV
          </a>
        }
      />
      <div className="stack">
        <Banner validation={v} />
        <div className="cards">
          <div className="card">
            <div className="stat-value">{formatLatency(v.latencySeconds)}</div>
            <div className="stat-label">Latency to first alert</div>
          </div>
          <div className="card">
            <div className="stat-value">{v.alerts.length.toLocaleString()}</div>
            <div className="stat-label">Matching alerts</div>
          </div>
          <div className="card">
            <div className="stat-value">
              {v.expectedTechniques.length
                ? `${v.expectedTechniques.length - v.techniques.missing.length} / ${v.expectedTechniques.length}`
                : v.techniques.seen.length.toLocaleString()}
            </div>
            <div className="stat-label">
              {v.expectedTechniques.length ? 'Expected techniques seen' : 'Techniques seen'}
            </div>
          </div>
        </div>
        <div className="details-grid">
          <section className="card" aria-labelledby="validation-techniques">
            <h2 id="validation-techniques">Techniques</h2>
            <Techniques validation={v} />
          </section>
          <section className="card" aria-labelledby="validation-run">
            <h2 id="validation-run">Run</h2>
            <dl className="facts">
              <dt>Host names</dt>
              <dd>{v.hostNames.join(', ') || v.host}</dd>
              <dt>Device</dt>
              <dd>
                {v.machineId ? (
                  <Link href={`/hosts/${encodeURIComponent(v.machineId)}`}>{v.machineId}</Link>
                ) : (
                  '—'
                )}
              </dd>
              <dt>Grace period</dt>
              <dd>{v.graceSeconds > 0 ? formatDuration(v.graceSeconds * 1000) : 'None'}</dd>
              <dt>Polls</dt>
              <dd>{v.polls.toLocaleString()}</dd>
              <dt>Requested by</dt>
              <dd>{v.requestedBy ?? '—'}</dd>
              <dt>Started</dt>
              <dd>{formatTime(v.createdAt)}</dd>
              <dt>Finished</dt>
              <dd>{v.finishedAt ? formatTime(v.finishedAt) : 'Still polling'}</dd>
            </dl>
          </section>
        </div>
        <section className="card card-flush" aria-labelledby="validation-alerts">
          <h2 id="validation-alerts" className="card-title">
            Alerts
          </h2>
          {v.alerts.length === 0 ? (
            <EmptyState title={v.state === 'polling' ? 'No matching alert yet.' : 'No matching alerts.'} />
          ) : (
            <DataTable
              caption="Validation alerts"
              columns={alertColumns}
              rows={v.alerts}
              rowKey={(a) => a.id}
            />
          )}
        </section>
      </div>
    </>
  );
}
