import { humanize } from '../format.js';

export type Tone = 'critical' | 'high' | 'medium' | 'low' | 'ok' | 'info' | 'neutral' | 'progress';

// One vocabulary for every coloured badge: Defender's severities, health states, exposure and risk levels and
// the bridge's isolation states all map onto a handful of tones, so a colour means the same thing everywhere.
const tones: Record<string, Tone> = {
  critical: 'critical',
  high: 'high',
  medium: 'medium',
  low: 'low',
  informational: 'info',
  none: 'ok',
  active: 'ok',
  inactive: 'neutral',
  impairedcommunication: 'medium',
  nosensordata: 'high',
  nosensordatabutactive: 'medium',
  misconfigured: 'medium',
  isolated: 'critical',
  isolating: 'progress',
  releasing: 'progress',
  not_isolated: 'ok',
  failed: 'high',
  unknown: 'neutral',
  new: 'high',
  inprogress: 'progress',
  in_progress: 'progress',
  resolved: 'ok',
  pending: 'progress',
  sending: 'progress',
  running: 'progress',
  succeeded: 'ok',
  success: 'ok',
  failure: 'high',
  denied: 'medium',
  timeout: 'medium',
  cancelled: 'neutral',
  enabled: 'ok',
  disabled: 'neutral',
  onboarded: 'ok',
};

export function toneOf(value: string | null | undefined): Tone {
  if (!value) return 'neutral';
  return tones[value.toLowerCase().replace(/\s+/g, '')] ?? 'neutral';
}

/** A coloured pill: `<Badge value="High" />`, or an explicit tone and label. */
export function Badge({ value, tone, label }: { value?: string | null; tone?: Tone; label?: string }) {
  const text = label ?? (value ? humanize(value) : '—');
  return <span className={`badge badge-${tone ?? toneOf(value)}`}>{text}</span>;
}
