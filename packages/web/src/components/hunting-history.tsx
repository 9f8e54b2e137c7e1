import { api } from '../api/client.js';
import type { ListPage } from '../api/types.js';
import type { HuntingRun } from '../api/types-hunting.js';
import { useApi } from '../api/use-api.js';
import { formatNumber, formatRelative, formatTime, humanize } from '../format.js';
import { Badge } from './badge.js';
import { EmptyState, ErrorMessage, Loading } from './status.js';

// The caller's recent hunting runs, newest first; "Load" puts a past query back into the editor.

export function HuntingHistory({
  refreshKey,
  onLoad,
}: {
  refreshKey: number;
  onLoad: (query: string) => void;
}) {
  const history = useApi(
    () => api.get<ListPage<HuntingRun>>('/hunting/history', { page: 1, pageSize: 25 }),
    `hunting-history-${refreshKey}`,
  );
  return (
    <section className="card hunting-side-card" aria-labelledby="hunting-history-title">
      <h2 id="hunting-history-title">History</h2>
      {history.error ? (
        <ErrorMessage error={history.error} onRetry={history.reload} />
      ) : !history.data ? (
        <Loading />
      ) : history.data.items.length === 0 ? (
        <EmptyState title="No queries run yet." />
      ) : (
        <ul className="query-list" aria-label="Query history">
          {history.data.items.map((run) => (
            <li key={run.id}>
              <div className="query-list-head">
                <Badge value={run.state === 'refused' ? 'denied' : run.state} label={humanize(run.state)} />
                <span className="muted small" title={formatTime(run.startedAt)}>
                  {formatRelative(run.startedAt)}
                  {run.state === 'succeeded' && ` · ${formatNumber(run.rowCount)} rows`}
                  {run.purpose !== 'user' && ` · ${run.purpose}`}
                </span>
                <button type="button" className="button button-small" onClick={() => onLoad(run.query)}>
                  Load
                </button>
              </div>
              <code className="query-preview" title={run.query}>
                {run.query}
              </code>
              {run.error && <div className="field-error small">{run.error}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
