/**
 * A network detection as an NDR or a SIEM posts it (CONTRACT.md `DetectionInput`), checked before anything is
 * stored or sent: the route's schema bounds the shapes, this module checks what a schema cannot (IP syntax,
 * the time window, at least one host identifier) so that every caller — the API, the stitcher — gets the
 * same refusals.
 */
import { isIP } from 'node:net';

export interface DetectionInput {
  id: string;
  source: string;
  hostIp?: string;
  hostName?: string;
  /** null: not given. */
  threatScore?: number | null;
  /** null: not given. */
  certaintyScore?: number | null;
  /** null: not given. */
  privilege?: number | null;
  category?: string;
  remoteIp?: string;
  /** null: not given. */
  remotePort?: number | null;
  protocol?: string;
  domain?: string;
  url?: string;
  timestamp: string;
}

/** A detection's timestamp may run this far ahead of our clock (the sender's clock skew). */
export const MAX_FUTURE_MS = 5 * 60_000;
/** Older detections are refused: nothing in the replica or Defender's 30-day window can be matched to them. */
export const MAX_AGE_MS = 30 * 24 * 60 * 60_000;

/** Bad input, naming the field of the body (`hostIp`, `timestamp` …); nothing was stored or sent. */
export class DetectionInputError extends Error {
  override name = 'DetectionInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Text fields: [min, max] length. */
const TEXT_LIMITS: Partial<Record<keyof DetectionInput, [number, number]>> = {
  id: [1, 200],
  source: [1, 100],
  hostName: [1, 255],
  category: [0, 100],
  protocol: [0, 16],
  domain: [0, 255],
  url: [0, 2048],
};
/** Integer fields: [min, max]. */
const INT_LIMITS: Partial<Record<keyof DetectionInput, [number, number]>> = {
  threatScore: [0, 100],
  certaintyScore: [0, 100],
  privilege: [0, 10],
  remotePort: [0, 65535],
};

/** The input, trimmed and normalised (IPs lower-cased, host name lower-cased without a trailing dot). */
export function parseDetectionInput(input: DetectionInput, now: Date): DetectionInput & { at: Date } {
  const out: DetectionInput = { ...input };
  for (const [key, [min, max]] of Object.entries(TEXT_LIMITS) as [keyof DetectionInput, [number, number]][]) {
    const value = input[key];
    if (value === undefined) continue;
    const text = String(value).trim();
    if (text.length < min || text.length > max)
      throw new DetectionInputError(key, `${key} must be ${min}–${max} characters`);
    (out as unknown as Record<string, unknown>)[key] = text;
  }
  for (const [key, [min, max]] of Object.entries(INT_LIMITS) as [keyof DetectionInput, [number, number]][]) {
    const value = input[key];
    if (value === null) delete (out as unknown as Record<string, unknown>)[key];
    if (value === undefined || value === null) continue;
    if (!Number.isInteger(value) || (value as number) < min || (value as number) > max)
      throw new DetectionInputError(key, `${key} must be an integer from ${min} to ${max}`);
  }
  for (const key of ['hostIp', 'remoteIp'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    const ip = value.trim();
    if (isIP(ip) === 0) throw new DetectionInputError(key, `'${value}' is not an IPv4 or IPv6 address`);
    out[key] = ip.toLowerCase();
  }
  if (out.hostName !== undefined) out.hostName = out.hostName.toLowerCase().replace(/\.$/, '');
  if (out.hostIp === undefined && !out.hostName) {
    throw new DetectionInputError('hostIp', 'give the host IP (hostIp) or its name (hostName), or both');
  }
  const text = input.timestamp?.trim() ?? '';
  const ms = ISO_TIME.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms))
    throw new DetectionInputError(
      'timestamp',
      `'${input.timestamp}' is not an ISO-8601 time (2026-11-22T10:00:00Z)`,
    );
  if (ms > now.getTime() + MAX_FUTURE_MS)
    throw new DetectionInputError('timestamp', `'${input.timestamp}' is more than 5 minutes in the future`);
  if (ms < now.getTime() - MAX_AGE_MS)
    throw new DetectionInputError('timestamp', `'${input.timestamp}' is more than 30 days old`);
  return { ...out, timestamp: new Date(ms).toISOString(), at: new Date(ms) };
}
