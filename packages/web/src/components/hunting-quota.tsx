import type { ApiError } from '../api/client.js';
import type { HuntingQuota, UsedOfLimit } from '../api/types-hunting.js';
import { ErrorMessage, Loading } from './status.js';

// The hunting quota of one tenant as the bridge's ledger counts it: calls per minute and hour, CPU seconds per
// hour and day (Defender's published limits), or why the tenant cannot hunt at all.

function Meter({ label, value, unit }: { label: string; value: UsedOfLimit; unit?: string }) {
  const share = value.limit > 0 ? Math.min(1, value.used / value.limit) : 0;
  const tone = share >= 0.9 ? 'critical' : share >= 0.7 ? 'medium' : 'ok';
  const text = `${value.used.toLocaleString(undefined, { maximumFractionDigits: 1 })} of ${value.limit.toLocaleString()}${unit ?? ''}`;
  return (
    <div className="quota-meter">
      <div className="quota-meter-head">
        <span>{label}</span>
        <span className="strong">{text}</span>
      </div>
      <div className="meter" aria-hidden="true">
        <div className={`meter-fill meter-${tone}`} style={{ width: `${Math.round(share * 100)}%` }} />
      </div>
    </div>
  );
}

export function HuntingQuotaPanel({
  quota,
  error,
  onRetry,
}: {
  quota: HuntingQuota | undefined;
  error: ApiError | undefined;
  onRetry: () => void;
}) {
  return (
    <section className="card hunting-side-card" aria-labelledby="hunting-quota-title">
      <h2 id="hunting-quota-title">Quota</h2>
      {error ? (
        <ErrorMessage error={error} onRetry={onRetry} />
      ) : !quota ? (
        <Loading />
      ) : !quota.available ? (
        <div className="notice notice-warning" role="status">
          <span>
            <span className="strong">Hunting unavailable.</span>{' '}
            {quota.reason ?? 'This tenant cannot run hunting queries.'}
          </span>
        </div>
      ) : (
        <div className="stack quota-meters">
          <Meter label="Calls this minute" value={quota.calls.minute} />
          <Meter label="Calls this hour" value={quota.calls.hour} />
          <Meter label="CPU this hour" value={quota.cpuSeconds.hour} unit=" s" />
          <Meter label="CPU today" value={quota.cpuSeconds.day} unit=" s" />
          <div className="muted small">
            Via {quota.api === 'graph' ? 'Microsoft Graph' : 'the Defender API'}
          </div>
        </div>
      )}
    </section>
  );
}
