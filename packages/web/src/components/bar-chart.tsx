import type { FacetValue } from '../api/types.js';
import { humanize } from '../format.js';
import { toneOf } from './badge.js';

/** Horizontal CSS bars, one per value, coloured by the same tones as the badges; no chart library. */
export function BarChart({
  title,
  data,
  toned = true,
  limit = 8,
}: {
  title: string;
  data: FacetValue[];
  /** Colour bars by the badge tones (severity, health…) and spell values out; false for names such as OSes. */
  toned?: boolean;
  limit?: number;
}) {
  const sorted = [...data].sort((a, b) => b.count - a.count);
  const shown = sorted.slice(0, limit);
  const other = sorted.slice(limit).reduce((sum, item) => sum + item.count, 0);
  if (other > 0) shown.push({ value: 'Other', count: other });
  const max = Math.max(1, ...shown.map((item) => item.count));
  return (
    <figure className="chart">
      <figcaption className="chart-title">{title}</figcaption>
      {shown.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <ul className="bars">
          {shown.map((item) => (
            <li key={item.value} className="bar-row">
              <span className="bar-label" title={item.value}>
                {toned ? humanize(item.value) : item.value}
              </span>
              <span className="bar-track">
                <span
                  className={`bar-fill tone-${toned ? toneOf(item.value) : 'info'}`}
                  style={{ width: `${(item.count / max) * 100}%` }}
                />
              </span>
              <span className="bar-value">{item.count.toLocaleString()}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
