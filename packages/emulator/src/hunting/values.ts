/**
 * Scalar values inside the engine, and their conversions.
 *
 * Internal representation (chosen so that predicates over millions of rows are plain JS comparisons):
 * string -> string (never null: Kusto strings are empty, not null), int/long/real -> number,
 * bool -> boolean, datetime -> epoch milliseconds (number, may carry sub-millisecond fractions),
 * timespan -> milliseconds (number), guid -> string, dynamic -> JSON value; null is null for every type
 * but string.
 */
import type { KqlType, KqlValue } from './types.js';

/** Milliseconds from 0001-01-01 to 1970-01-01: Kusto bins datetimes relative to the former. */
export const EPOCH_OFFSET_MS = 62_135_596_800_000;
export const MS_PER_DAY = 86_400_000;

/** The analyzer's type name for an expression, reduced to the engine's types. */
export function toKqlType(name: string | undefined | null): KqlType {
  switch (name) {
    case 'string':
    case 'int':
    case 'long':
    case 'real':
    case 'bool':
    case 'datetime':
    case 'timespan':
    case 'dynamic':
    case 'guid':
      return name;
    case 'decimal':
      return 'real';
    default:
      return 'dynamic';
  }
}

export function isNumericType(t: KqlType): boolean {
  return t === 'int' || t === 'long' || t === 'real' || t === 'datetime' || t === 'timespan';
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** `2020-08-30T06:38:35.7664356Z` (always 7 fraction digits), or null when out of range. */
export function formatDateTime(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const whole = Math.floor(ms);
  const d = new Date(whole);
  if (Number.isNaN(d.getTime())) return null;
  const year = d.getUTCFullYear();
  if (year < 1 || year > 9999) return null;
  const ticks = Math.round((ms - whole) * 10_000) + d.getUTCMilliseconds() * 10_000;
  return (
    `${pad(year, 4)}-${pad(d.getUTCMonth() + 1, 2)}-${pad(d.getUTCDate(), 2)}T` +
    `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}.${pad(Math.min(ticks, 9_999_999), 7)}Z`
  );
}

/** .NET constant format `[-][d.]hh:mm:ss[.fffffff]`, as Kusto serialises timespans. */
export function formatTimeSpan(ms: number): string | null {
  if (!Number.isFinite(ms)) return null;
  const neg = ms < 0;
  let ticks = Math.round(Math.abs(ms) * 10_000);
  const frac = ticks % 10_000_000;
  ticks = (ticks - frac) / 10_000_000;
  const s = ticks % 60;
  ticks = (ticks - s) / 60;
  const m = ticks % 60;
  ticks = (ticks - m) / 60;
  const h = ticks % 24;
  const days = (ticks - h) / 24;
  return (
    `${neg ? '-' : ''}${days ? `${days}.` : ''}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}` +
    (frac ? `.${pad(frac, 7)}` : '')
  );
}

/** An internal value as JSON (inside dynamic values, and in `tostring` of dynamic). */
export function toJsonValue(v: unknown, type: KqlType): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'datetime':
      return formatDateTime(v as number);
    case 'timespan':
      return formatTimeSpan(v as number);
    case 'real':
      return Number.isFinite(v) ? v : String(v);
    default:
      return v;
  }
}

/** An internal value as it leaves the engine in {@link HuntingResult} rows. */
export function toOutputValue(v: unknown, type: KqlType): KqlValue {
  if (v === null || v === undefined) return type === 'string' ? '' : null;
  switch (type) {
    case 'datetime': {
      const d = new Date(Math.floor(v as number));
      return Number.isNaN(d.getTime()) ? null : d;
    }
    case 'timespan':
      return formatTimeSpan(v as number);
    case 'real':
      return Number.isFinite(v) ? (v as number) : String(v);
    default:
      return v as KqlValue;
  }
}

/** Kusto's `tostring()`. */
export function toStringValue(v: unknown, type: KqlType): string {
  if (v === null || v === undefined) return '';
  switch (type) {
    case 'string':
    case 'guid':
      return v as string;
    case 'datetime':
      return formatDateTime(v as number) ?? '';
    case 'timespan':
      return formatTimeSpan(v as number) ?? '';
    case 'dynamic':
      return typeof v === 'string' ? v : JSON.stringify(v);
    default:
      return String(v);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Input normalisation (rows from TableSource.scan)

/** A function normalising one column's raw value to the internal representation. */
export function normalizer(type: KqlType): (v: unknown) => unknown {
  switch (type) {
    case 'string':
    case 'guid':
      return (v) =>
        v === null || v === undefined
          ? type === 'string'
            ? ''
            : null
          : typeof v === 'string'
            ? v
            : String(v);
    case 'datetime':
      return (v) => {
        if (v instanceof Date) return v.getTime();
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return parseDateTimeText(v);
        return null;
      };
    case 'int':
    case 'long':
    case 'real':
    case 'timespan':
      return (v) => (typeof v === 'number' ? v : v === null || v === undefined ? null : toNumberOrNull(v));
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : v === null || v === undefined ? null : toBool(v));
    default:
      return (v) => (v === undefined ? null : v instanceof Date ? formatDateTime(v.getTime()) : v);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Literal and text parsing

const ISO_RE =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(?:(Z|UTC|GMT)|([+-])(\d{2}):?(\d{2}))?$/i;

/** Kusto datetime text (ISO 8601 and RFC 822/1123 forms; no zone = UTC) -> epoch ms, or null. */
export function parseDateTimeText(text: string): number | null {
  let t = text.trim();
  if (t.length >= 2 && (t[0] === "'" || t[0] === '"') && t[t.length - 1] === t[0]) t = t.slice(1, -1).trim();
  const m = ISO_RE.exec(t);
  if (m) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    const day = Number(m[3]);
    const hour = m[4] === undefined ? 0 : Number(m[4]);
    const minute = m[5] === undefined ? 0 : Number(m[5]);
    const second = m[6] === undefined ? 0 : Number(m[6]);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59)
      return null;
    const fracMs = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * 1000;
    let ms = Date.UTC(year, month - 1, day, hour, minute, second);
    if (year < 100) {
      const d = new Date(ms);
      d.setUTCFullYear(year);
      ms = d.getTime();
    }
    if (new Date(ms).getUTCDate() !== day) return null;
    if (m[9] !== undefined) {
      const off = (Number(m[10]) * 60 + Number(m[11])) * 60_000;
      ms += m[9] === '-' ? off : -off;
    }
    return ms + Math.round(fracMs * 10_000) / 10_000;
  }
  // RFC 822 / 1123 ("Sat, 8 Nov 2014 15:05:02 GMT") and similar: let Date.parse try, with UTC default.
  if (/^[A-Za-z]{3},?\s/.test(t) || /\d{1,2}\s+[A-Za-z]{3}\s+\d{2,4}/.test(t)) {
    const withZone = /(GMT|UTC|Z|[+-]\d{4})$/i.test(t) ? t : `${t} GMT`;
    const ms = Date.parse(withZone);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

const UNIT_MS: Record<string, number> = {
  d: MS_PER_DAY,
  day: MS_PER_DAY,
  days: MS_PER_DAY,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  m: 60_000,
  min: 60_000,
  minute: 60_000,
  minutes: 60_000,
  s: 1000,
  sec: 1000,
  second: 1000,
  seconds: 1000,
  ms: 1,
  milli: 1,
  millis: 1,
  millisecond: 1,
  milliseconds: 1,
  microsecond: 0.001,
  microseconds: 0.001,
  tick: 0.0001,
  ticks: 0.0001,
};

/** `1h`, `1.5d`, `30m`, `time(1.02:03:04)`, `timespan(2d)`, `10:00`, ... -> ms; null if not a timespan. */
export function parseTimeSpanText(text: string): number | null {
  let t = text.trim();
  const wrapped = /^(?:time|timespan)\s*\((.*)\)$/is.exec(t);
  if (wrapped) t = wrapped[1].trim();
  if (t === '' || t.toLowerCase() === 'null') return null;
  const unit = /^([+-]?\d+(?:\.\d+)?)\s*([a-z]+)$/i.exec(t);
  if (unit) {
    const factor = UNIT_MS[unit[2].toLowerCase()];
    return factor === undefined ? null : Number(unit[1]) * factor;
  }
  if (/^[+-]?\d+(?:\.\d+)?$/.test(t)) return Number(t) * MS_PER_DAY; // time(2) is two days
  const clock = /^([+-])?(?:(\d+)\.)?(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?$/.exec(t);
  if (clock) {
    const ms =
      Number(clock[2] ?? 0) * MS_PER_DAY +
      Number(clock[3]) * 3_600_000 +
      Number(clock[4]) * 60_000 +
      Number(clock[5] ?? 0) * 1000 +
      (clock[6] ? Number(`0.${clock[6]}`) * 1000 : 0);
    return clock[1] === '-' ? -ms : ms;
  }
  return null;
}

/** Inner text of a typed literal `long(5)` / `datetime(...)`, or the text itself. */
export function unwrapLiteral(text: string): string {
  const m = /^[a-z0-9_]+\s*\(([\s\S]*)\)$/i.exec(text.trim());
  return m ? m[1].trim() : text.trim();
}

export function parseNumberLiteral(text: string): number | null {
  const t = unwrapLiteral(text);
  const lower = t.toLowerCase();
  if (lower === 'null') return null;
  if (lower === 'nan') return Number.NaN;
  if (lower === '+inf' || lower === 'inf') return Number.POSITIVE_INFINITY;
  if (lower === '-inf') return Number.NEGATIVE_INFINITY;
  if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
  const n = Number(t);
  return Number.isNaN(n) ? null : n;
}

// ---------------------------------------------------------------------------------------------------------
// Conversions (to*)

export function toNumberOrNull(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return null;
    if (/^[+-]?0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t, 16);
    const n = Number(t);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

export function toBool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    const n = Number(t);
    return t !== '' && !Number.isNaN(n) ? n !== 0 : null;
  }
  return null;
}

/** Kusto `parse_json`: JSON text -> value; anything else stays as it is (invalid JSON stays a string). */
export function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return v ?? null;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Comparison

/** Total order used by sort/top/min/max: numbers, then strings (ordinal), booleans; null handled by caller. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
    if (Number.isNaN(b)) return 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  const sa = typeof a === 'string' ? a : JSON.stringify(a);
  const sb = typeof b === 'string' ? b : JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** A string key identifying a value (grouping, distinct, join keys, dcount). */
export function valueKey(v: unknown): string {
  if (v === null || v === undefined) return 'n';
  switch (typeof v) {
    case 'string':
      return `s${v}`;
    case 'number':
      return `d${v}`;
    case 'boolean':
      return v ? 'T' : 'F';
    default:
      return `j${JSON.stringify(v)}`;
  }
}

// ---------------------------------------------------------------------------------------------------------
// String operators

function isAlnumCode(c: number): boolean {
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return /[\p{L}\p{N}]/u.test(String.fromCharCode(c));
}

/**
 * Kusto `has` family: `needle` occurs in `hay` aligned to term boundaries (a term is a maximal run of
 * alphanumeric characters). `prefix`: only the start must be a boundary (`hasprefix`); `suffix`: only
 * the end (`hassuffix`). Case-insensitive unless `cs`.
 */
export function hasTerm(
  hay: string,
  needle: string,
  cs: boolean,
  mode: 'term' | 'prefix' | 'suffix' = 'term',
): boolean {
  if (needle.length === 0) return true;
  const h = cs ? hay : hay.toLowerCase();
  const n = cs ? needle : needle.toLowerCase();
  const checkStart = mode !== 'suffix' && isAlnumCode(n.charCodeAt(0));
  const checkEnd = mode !== 'prefix' && isAlnumCode(n.charCodeAt(n.length - 1));
  let from = 0;
  for (;;) {
    const i = h.indexOf(n, from);
    if (i < 0) return false;
    const okStart = !checkStart || i === 0 || !isAlnumCode(h.charCodeAt(i - 1));
    const end = i + n.length;
    const okEnd = !checkEnd || end === h.length || !isAlnumCode(h.charCodeAt(end));
    if (okStart && okEnd) return true;
    from = i + 1;
  }
}

/** Strings of a scalar or of a dynamic array (for `in`, `has_any`, ...): flattens one level of arrays. */
export function flattenList(values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) {
    if (Array.isArray(v)) out.push(...v);
    else out.push(v);
  }
  return out;
}

/** Dynamic value as a string for string operators (`dynamic("x") has "x"`). */
export function asString(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Whether an IPv4 address is in a CIDR range (`10.0.0.0/8`); null when either is not IPv4. */
export function ipv4InRange(ip: string, range: string): boolean | null {
  const parse = (s: string): number | null => {
    const parts = s.trim().split('.');
    if (parts.length !== 4) return null;
    let n = 0;
    for (const p of parts) {
      if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
      n = n * 256 + Number(p);
    }
    return n;
  };
  const [base, bitsText] = range.split('/');
  const a = parse(ip);
  const b = parse(base);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (a === null || b === null || !Number.isInteger(bits) || bits < 0 || bits > 32) return null;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
