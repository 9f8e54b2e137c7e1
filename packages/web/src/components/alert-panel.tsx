import { api } from '../api/client.js';
import type { Alert } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { formatTime, humanize } from '../format.js';
import { Link } from '../router.js';
import { Badge } from './badge.js';
import { ErrorMessage, Loading } from './status.js';

function evidenceLabel(item: Record<string, unknown>): string {
  const pick = (...keys: string[]) => keys.map((key) => item[key]).find((value) => typeof value === 'string');
  return (
    (pick('fileName', 'processCommandLine', 'ipAddress', 'url', 'domainName', 'accountName', 'registryKey') as
      | string
      | undefined) ?? ''
  );
}

/** The side panel for one alert (GET /alerts/:id, with its evidence). */
export function AlertPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const alert = useApi(() => api.get<Alert>(`/alerts/${encodeURIComponent(id)}`), `alert:${id}`);
  const a = alert.data;
  return (
    <aside className="side-panel" aria-label="Alert details">
      <div className="side-panel-head">
        <h2>{a?.title ?? 'Alert'}</h2>
        <button type="button" className="button button-ghost button-small" onClick={onClose}>
          Close
        </button>
      </div>
      {alert.error && <ErrorMessage error={alert.error} onRetry={alert.reload} />}
      {!a && !alert.error && <Loading />}
      {a && (
        <>
          <div className="badge-row">
            <Badge value={a.severity} />
            <Badge value={a.status} />
          </div>
          <dl className="facts">
            <dt>Alert ID</dt>
            <dd>
              <code className="selectable">{a.id}</code>
            </dd>
            <dt>Host</dt>
            <dd>
              {a.machineId ? (
                <Link href={`/hosts/${encodeURIComponent(a.machineId)}`}>{a.hostName ?? a.machineId}</Link>
              ) : (
                '—'
              )}
            </dd>
            <dt>Tenant</dt>
            <dd>{a.tenantName}</dd>
            <dt>Category</dt>
            <dd>{humanize(a.category)}</dd>
            <dt>Detection source</dt>
            <dd>{a.detectionSource ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(a.createdAt)}</dd>
            <dt>Last update</dt>
            <dd>{formatTime(a.lastUpdateTime)}</dd>
            <dt>Resolved</dt>
            <dd>{formatTime(a.resolvedAt)}</dd>
            <dt>MITRE techniques</dt>
            <dd>
              {a.mitreTechniques.length ? (
                <span className="tag-list">
                  {a.mitreTechniques.map((t) => (
                    <span key={t} className="tag">
                      {t}
                    </span>
                  ))}
                </span>
              ) : (
                '—'
              )}
            </dd>
          </dl>
          <h3>Evidence ({a.evidence?.length ?? 0})</h3>
          {!a.evidence?.length ? (
            <p className="muted">Defender attached no evidence to this alert.</p>
          ) : (
            <ul className="evidence-list">
              {a.evidence.map((item, index) => (
                // Evidence entries carry no id of their own.
                // biome-ignore lint/suspicious/noArrayIndexKey: the list is static for a given alert.
                <li key={index}>
                  <div className="evidence-head">
                    <Badge tone="info" label={String(item.entityType ?? 'Entity')} />{' '}
                    <span className="strong">{evidenceLabel(item)}</span>
                  </div>
                  <details>
                    <summary>All fields</summary>
                    <pre>{JSON.stringify(item, null, 2)}</pre>
                  </details>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </aside>
  );
}
