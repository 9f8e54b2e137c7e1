import type { HuntingResult } from '../api/types-hunting.js';
import { formatNumber } from '../format.js';

// A hunting result as a plain table: the columns the query returned, in its order, scrolling sideways when wide.
// Very large results show their first rows; the downloads carry everything.

const SHOWN = 1000;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export function HuntingResults({ result }: { result: HuntingResult }) {
  const columns = result.columns.length
    ? result.columns.map((c) => c.name)
    : Object.keys(result.rows[0] ?? {});
  const rows = result.rows.slice(0, SHOWN);
  return (
    <div className="hunting-results">
      {result.rows.length === 0 ? (
        <p className="muted hunting-empty">The query returned no rows.</p>
      ) : (
        <div className="table-wrap hunting-table-wrap">
          <table className="table table-compact hunting-table">
            <caption className="visually-hidden">Query results</caption>
            <thead>
              <tr>
                {columns.map((name) => (
                  <th key={name} scope="col" title={result.columns.find((c) => c.name === name)?.type}>
                    {name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: result rows have no identity of their own.
                <tr key={index}>
                  {columns.map((name) => (
                    <td key={name} className="mono">
                      {cell(row[name])}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.rows.length > SHOWN && (
        <p className="muted small hunting-truncated">
          Showing the first {formatNumber(SHOWN)} of {formatNumber(result.rows.length)} rows. Download the
          result for all of them.
        </p>
      )}
    </div>
  );
}
