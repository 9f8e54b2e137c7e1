/**
 * Instants for `$filter`: datetime literals (`2018-08-01Z`, `2019-11-22T00:00:00.123+02:00`) and the ISO
 * strings properties carry on the wire are both reduced to epoch milliseconds and compared as numbers.
 * Digits beyond the millisecond are truncated (Defender serialises up to 7 fractional digits).
 */

const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,12}))?)?)?(?:(Z)|([+-])(\d{2}):(\d{2}))?$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an OData/ISO-8601 date or date-time (date only = midnight UTC; no zone = UTC) to epoch ms,
 * or returns null when the text is not one or a field is out of range (month 13, Feb 30, hour 24, ...).
 */
export function parseInstant(text: string): number | null {
  const m = ISO_RE.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 14 || om > 59) return null;
    offsetMinutes = (oh * 60 + om) * (m[9] === '-' ? -1 : 1);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMinutes * 60_000;
}

/** A property value as an instant: ISO strings (strictly, then leniently), Date objects, epoch ms. */
export function toInstant(value: unknown): number | null {
  if (typeof value === 'string') {
    const strict = parseInstant(value);
    if (strict !== null) return strict;
    const loose = Date.parse(value);
    return Number.isNaN(loose) ? null : loose;
  }
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? null : t;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return null;
}
