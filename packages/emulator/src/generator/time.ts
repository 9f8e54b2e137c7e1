/**
 * Time constants and the timestamp formats the Defender API uses. The formatters write flat strings
 * (no rope/sliced strings that would keep garbage alive: 100,000 devices hold a lot of timestamps).
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const D0 = 48; // '0'

/** Writes `YYYY-MM-DDTHH:MM:SS` for epoch ms into `buf` (19 codes); returns the millisecond part. */
function writeDateTime(buf: number[], msIn: number): number {
  const ms = Math.floor(msIn);
  const days = Math.floor(ms / DAY);
  let rem = ms - days * DAY;
  const hh = Math.floor(rem / HOUR);
  rem -= hh * HOUR;
  const mi = Math.floor(rem / MINUTE);
  rem -= mi * MINUTE;
  const ss = Math.floor(rem / SECOND);
  const milli = rem - ss * SECOND;
  // civil-from-days (H. Hinnant)
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  buf[0] = D0 + Math.floor(y / 1000);
  buf[1] = D0 + (Math.floor(y / 100) % 10);
  buf[2] = D0 + (Math.floor(y / 10) % 10);
  buf[3] = D0 + (y % 10);
  buf[4] = 45;
  buf[5] = D0 + Math.floor(m / 10);
  buf[6] = D0 + (m % 10);
  buf[7] = 45;
  buf[8] = D0 + Math.floor(d / 10);
  buf[9] = D0 + (d % 10);
  buf[10] = 84;
  buf[11] = D0 + Math.floor(hh / 10);
  buf[12] = D0 + (hh % 10);
  buf[13] = 58;
  buf[14] = D0 + Math.floor(mi / 10);
  buf[15] = D0 + (mi % 10);
  buf[16] = 58;
  buf[17] = D0 + Math.floor(ss / 10);
  buf[18] = D0 + (ss % 10);
  return milli;
}

const BUF7: number[] = new Array(28).fill(0);
const BUFS: number[] = new Array(20).fill(0);

/** `2023-04-19T13:27:53.1618923Z`: milliseconds plus four sub-millisecond digits (0..9999). */
export function iso7(ms: number, sub = 0): string {
  const milli = writeDateTime(BUF7, ms);
  const s = sub <= 0 ? 0 : Math.floor(sub) % 10000;
  BUF7[19] = 46;
  BUF7[20] = D0 + Math.floor(milli / 100);
  BUF7[21] = D0 + (Math.floor(milli / 10) % 10);
  BUF7[22] = D0 + (milli % 10);
  BUF7[23] = D0 + Math.floor(s / 1000);
  BUF7[24] = D0 + (Math.floor(s / 100) % 10);
  BUF7[25] = D0 + (Math.floor(s / 10) % 10);
  BUF7[26] = D0 + (s % 10);
  BUF7[27] = 90;
  return String.fromCharCode.apply(null, BUF7);
}

/** `2021-01-26T20:33:59.2Z`: milliseconds with trailing zeros trimmed (alert `lastUpdateTime`). */
export function isoTrim(ms: number): string {
  const buf: number[] = new Array(19);
  const milli = writeDateTime(buf, ms);
  const digits = [Math.floor(milli / 100), Math.floor(milli / 10) % 10, milli % 10];
  let n = 3;
  while (n > 1 && digits[n - 1] === 0) n--;
  buf.push(46);
  for (let k = 0; k < n; k++) buf.push(D0 + digits[k]);
  buf.push(90);
  return String.fromCharCode.apply(null, buf);
}

/** `2024-07-26T19:15:00Z`: whole seconds. */
export function isoSec(ms: number): string {
  writeDateTime(BUFS, ms);
  BUFS[19] = 90;
  return String.fromCharCode.apply(null, BUFS);
}

/** Parse any ISO string the generator writes back to epoch ms (sub-ms digits dropped). */
export function parseMs(iso: string): number {
  return Date.parse(iso);
}

/** .NET ticks (100 ns since 0001-01-01) for epoch ms: the 18 digits in alert ids. */
export function ticks(ms: number, sub = 0): string {
  // (epoch offset in ms + ms) stays below 2^53; the four sub-millisecond digits are appended.
  return [62135596800000 + Math.floor(ms), String(Math.floor(sub) % 10000).padStart(4, '0')].join('');
}
