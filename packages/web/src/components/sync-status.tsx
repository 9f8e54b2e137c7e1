import { api } from '../api/client.js';
import type { ResourceSchedule, TenantSchedule } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatDuration, formatNumber, formatRelative, formatTime, humanize } from '../format.js';
import { Badge } from './badge.js';
import { ErrorMessage, Loading } from './status.js';

const pollMs = 3000;

function RunState({ schedule }: { schedule: ResourceSchedule }) {
  if (schedule.running) {
    const { items, pages, startedAt } = schedule.running;
    return (
      <div className="progress-cell">
        <div
          className="progress"
          role="progressbar"
          aria-label={`${humanize(schedule.resource)} sync in progress`}
          aria-valuetext={`${items} items fetched`}
        >
          <span className="progress-bar" />
        </div>
        <span className="muted small">
          {formatNumber(items)} items · {pages} pages · started {formatRelative(startedAt)}
        </span>
      </div>
    );
  }
  const last = schedule.lastRun;
  if (!last) return <Badge tone="neutral" label="Never run" />;
  return (
    <span title={last.error ?? undefined}>
      <Badge value={last.status} />
      {last.error && <span className="cell-error">{last.error}</span>}
    </span>
  );
}

/** Per tenant and resource: last run, its outcome, the next run, and a live bar while a run is going. */
export function SyncStatusTables({ tenantId }: { tenantId?: string }) {
  const status = useApi(
    () => api.get<{ items: TenantSchedule[] }>('/sync/status', { tenant: tenantId }),
    `sync-status:${tenantId ?? ''}`,
    pollMs,
  );
  if (status.error && !status.data) return <ErrorMessage error={status.error} onRetry={status.reload} />;
  if (!status.data) return <Loading />;
  if (status.data.items.length === 0) return <p className="muted">No tenant is configured yet.</p>;
  return (
    <div className="stack">
      {status.data.items.map((tenant) => (
        <div key={tenant.tenantId} className="sync-tenant">
          {!tenantId && (
            <h3 className="sync-tenant-name">
              {tenant.tenantName} {!tenant.enabled && <Badge tone="neutral" label="Disabled" />}
            </h3>
          )}
          <div className="table-wrap">
            <table className="table table-compact">
              <caption className="visually-hidden">Sync status of {tenant.tenantName}</caption>
              <thead>
                <tr>
                  <th scope="col">Resource</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Fetched</th>
                  <th scope="col">Every</th>
                  <th scope="col">Next run</th>
                </tr>
              </thead>
              <tbody>
                {tenant.resources.map((schedule) => (
                  <tr key={schedule.resource}>
                    <td>{humanize(schedule.resource)}</td>
                    <td>
                      <RunState schedule={schedule} />
                    </td>
                    <td title={formatTime(schedule.lastRun?.finishedAt ?? schedule.lastRun?.startedAt)}>
                      {formatRelative(schedule.lastRun?.finishedAt ?? schedule.lastRun?.startedAt)}
                    </td>
                    <td>{formatNumber(schedule.lastRun?.fetched)}</td>
                    <td>{formatDuration(schedule.intervalMs)}</td>
                    <td title={formatTime(schedule.nextRunAt)}>
                      {schedule.nextRunAt ? formatRelative(schedule.nextRunAt) : 'Not scheduled'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      ))}
    </div>
  );
}
