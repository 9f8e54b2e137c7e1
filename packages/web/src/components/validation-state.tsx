import type { ValidationState } from '../api/types-hunting.js';
import { formatDuration } from '../format.js';
import { Badge, type Tone } from './badge.js';

// How a validation run's state and latency read everywhere (list, report).

const stateTone: Record<ValidationState, Tone> = {
  detected: 'ok',
  missed: 'critical',
  polling: 'progress',
  failed: 'high',
};

const stateLabel: Record<ValidationState, string> = {
  detected: 'Detected',
  missed: 'Missed',
  polling: 'Polling',
  failed: 'Failed',
};

export function ValidationStateBadge({ state }: { state: ValidationState }) {
  return <Badge tone={stateTone[state] ?? 'neutral'} label={stateLabel[state] ?? state} />;
}

/** Seconds from activity to alert: "4m 12s", "0s", or an em dash when there is none. */
export function formatLatency(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds <= 0) return '0s';
  return formatDuration(Math.round(seconds) * 1000);
}
