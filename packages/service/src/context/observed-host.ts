import { isIP } from 'node:net';

/** A host as the network side saw it (a host session, a look-up), checked and normalised. */
export interface ObservedHost {
  /** An IPv4 or IPv6 address, as given (IPv6 lower-cased). */
  ip?: string;
  /** Lower-case, without a trailing dot. */
  hostname?: string;
  /** Lower-case, without trailing dots, de-duplicated. */
  alternateNames: string[];
  /** When the host was seen; absent = now. */
  at?: Date;
}

/** Raw input, from a request body, a query string or CLI flags. */
export interface ObservedHostInput {
  ip?: string;
  hostname?: string;
  alternateNames?: readonly string[];
  at?: string;
}

/** Bad input, naming the field (`body.ip`, `query.at`, `--hostname`…); nothing was read or written. */
export class ObservedHostError extends Error {
  override name = 'ObservedHostError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** A seen-at time may run this far ahead of our clock (the sensor's or the NDR's clock skew). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** DNS labels, NetBIOS names: letters, digits, `-`, `_`, dots between labels; 253 characters at most. */
const HOSTNAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Checks an observed host: a well-formed IP, a non-empty host name, a parseable time not in the future
 * (beyond `MAX_CLOCK_SKEW_MS`), at least an IP or a host name. `field` turns a key into the name reported
 * (`(k) => \`body.${k}\``).
 */
export function parseObservedHost(
  input: ObservedHostInput,
  now: Date,
  field: (key: 'ip' | 'hostname' | 'alternateNames' | 'at') => string,
): ObservedHost {
  const out: ObservedHost = { alternateNames: [] };
  if (input.ip !== undefined) {
    const ip = input.ip.trim();
    if (isIP(ip) === 0)
      throw new ObservedHostError(field('ip'), `'${input.ip}' is not an IPv4 or IPv6 address`);
    out.ip = ip.toLowerCase();
  }
  if (input.hostname !== undefined) out.hostname = hostname(input.hostname, field('hostname'));
  for (const [i, name] of (input.alternateNames ?? []).entries()) {
    const alt = hostname(name, `${field('alternateNames')}/${i}`);
    if (alt !== out.hostname && !out.alternateNames.includes(alt)) out.alternateNames.push(alt);
  }
  if (input.at !== undefined) {
    const ms = ISO_TIME.test(input.at.trim()) ? Date.parse(input.at.trim()) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new ObservedHostError(
        field('at'),
        `'${input.at}' is not an ISO-8601 time (2026-11-22T10:00:00Z)`,
      );
    }
    if (ms > now.getTime() + MAX_CLOCK_SKEW_MS) {
      throw new ObservedHostError(field('at'), `'${input.at}' is in the future`);
    }
    out.at = new Date(ms);
  }
  if (out.ip === undefined && out.hostname === undefined) {
    throw new ObservedHostError(field('hostname'), 'give an IP address or a host name (or both)');
  }
  return out;
}

function hostname(value: string, name: string): string {
  const h = value.trim().toLowerCase().replace(/\.$/, '');
  if (h === '') throw new ObservedHostError(name, 'the host name is empty');
  if (h.length > 253 || !HOSTNAME.test(h)) throw new ObservedHostError(name, `'${value}' is not a host name`);
  return h;
}

/** The first label of a host name (`web01` of `web01.corp.example.com`). */
export function shortName(hostname: string): string {
  const dot = hostname.indexOf('.');
  return dot < 0 ? hostname : hostname.slice(0, dot);
}
