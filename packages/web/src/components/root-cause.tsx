import type { Process, RootCause } from '../api/types-hunting.js';
import { formatTime } from '../format.js';
import { Link } from '../router.js';
import { Badge, type Tone } from './badge.js';

// The stitched root cause of a network detection (C12): the process that made the connection, its parents
// nearest first as an indented chain, how sure the stitcher is, the connection it matched, the other processes
// that also fitted, and the hunting query it ran (which opens in the hunting page).

const levelTone: Record<RootCause['confidenceLevel'], Tone> = { high: 'ok', medium: 'medium', low: 'high' };

function account(process: Process): string | null {
  if (!process.accountName) return null;
  return process.accountDomain ? `${process.accountDomain}\\${process.accountName}` : process.accountName;
}

function ProcessFacts({ process, primary }: { process: Process; primary: boolean }) {
  const user = account(process);
  return (
    <div className={`process ${primary ? 'process-primary' : ''}`}>
      <div className="process-head">
        <span className="process-name">{process.fileName}</span>
        <span className="muted small">PID {process.processId}</span>
        {process.creationTime && (
          <span className="muted small" title={process.creationTime}>
            started {formatTime(process.creationTime)}
          </span>
        )}
      </div>
      <dl className="process-facts">
        {process.commandLine && (
          <>
            <dt>Command line</dt>
            <dd>
              <code className="selectable">{process.commandLine}</code>
            </dd>
          </>
        )}
        {process.folderPath && (
          <>
            <dt>Folder</dt>
            <dd>
              <code>{process.folderPath}</code>
            </dd>
          </>
        )}
        {user && (
          <>
            <dt>Account</dt>
            <dd>{user}</dd>
          </>
        )}
        {process.sha256 && (
          <>
            <dt>SHA-256</dt>
            <dd>
              <code className="selectable">{process.sha256}</code>
            </dd>
          </>
        )}
        {!process.sha256 && process.sha1 && (
          <>
            <dt>SHA-1</dt>
            <dd>
              <code className="selectable">{process.sha1}</code>
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

function endpoint(connection: RootCause['connection']): string {
  const ip = connection.remoteIp ?? '';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  if (host && connection.remotePort !== null) return `${host}:${connection.remotePort}`;
  return host || '—';
}

export function RootCauseView({ rootCause }: { rootCause: RootCause | null }) {
  if (!rootCause) return <p className="muted">Not stitched yet.</p>;
  const { process, parents, connection, candidates } = rootCause;
  const chain = [process, ...parents];
  return (
    <div className="root-cause">
      <div className="root-cause-confidence">
        <span className="muted">Confidence</span>
        <Badge
          tone={levelTone[rootCause.confidenceLevel] ?? 'neutral'}
          label={`${rootCause.confidenceLevel.charAt(0).toUpperCase()}${rootCause.confidenceLevel.slice(1)} · ${Math.round(rootCause.confidence * 100)}%`}
        />
      </div>

      <ol className="process-chain" aria-label="Process chain">
        {chain.map((p, depth) => (
          <li
            key={`${p.processId}-${p.creationTime ?? depth}`}
            className="process-chain-item"
            style={{ marginLeft: `${depth * 22}px` }}
          >
            <div className="process-chain-role muted small">
              {depth === 0 ? 'Connecting process' : depth === 1 ? 'Started by' : `Parent ${depth}`}
            </div>
            <ProcessFacts process={p} primary={depth === 0} />
          </li>
        ))}
      </ol>
      {parents.length === 0 && <p className="muted small">Defender's telemetry shows no parent process.</p>}

      <h3>Connection</h3>
      <dl className="facts">
        <dt>Time</dt>
        <dd title={connection.timestamp}>{formatTime(connection.timestamp)}</dd>
        <dt>Remote</dt>
        <dd>
          <code>{endpoint(connection)}</code>
          {connection.remoteUrl && (
            <>
              {' '}
              <code className="muted">{connection.remoteUrl}</code>
            </>
          )}
        </dd>
        <dt>Protocol</dt>
        <dd>{connection.protocol ?? '—'}</dd>
        {connection.actionType && (
          <>
            <dt>Event</dt>
            <dd>{connection.actionType}</dd>
          </>
        )}
      </dl>

      {candidates.length > 0 && (
        <details className="advanced">
          <summary>
            {candidates.length} other {candidates.length === 1 ? 'candidate' : 'candidates'}
          </summary>
          <div className="table-wrap">
            <table className="table table-compact">
              <caption className="visually-hidden">Other candidate processes</caption>
              <thead>
                <tr>
                  <th scope="col">Process</th>
                  <th scope="col">PID</th>
                  <th scope="col">Command line</th>
                  <th scope="col">Connected</th>
                  <th scope="col">Score</th>
                </tr>
              </thead>
              <tbody>
                {candidates.map((c, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: candidates are ranked; the rank is the key.
                  <tr key={index}>
                    <td className="strong">{c.process.fileName}</td>
                    <td>{c.process.processId}</td>
                    <td>
                      <code className="clamp">{c.process.commandLine ?? '—'}</code>
                    </td>
                    <td className="nowrap">{formatTime(c.timestamp)}</td>
                    <td>{c.score <= 1 ? `${Math.round(c.score * 100)}%` : c.score.toFixed(2)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </details>
      )}

      <details className="advanced">
        <summary>Hunting query used</summary>
        <pre className="detail-json">{rootCause.query}</pre>
        <Link href={`/hunting?query=${encodeURIComponent(rootCause.query)}`}>Open in hunting</Link>
      </details>
    </div>
  );
}
