/**
 * A hunting result as CSV (RFC 4180): a header of column names, one line per row, CRLF line ends. Strings are
 * quoted when they hold a comma, quote or line break, and guarded against spreadsheet formulas (audit's
 * `csvField`); numbers and booleans are written as they are; objects as JSON; null as an empty field.
 */
import { csvField } from '../audit/audit-export.js';
import type { HuntingColumn } from './hunting-runner.js';

function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return csvField(value);
  return csvField(JSON.stringify(value));
}

export function huntingCsv(
  columns: readonly HuntingColumn[],
  rows: readonly Record<string, unknown>[],
): string {
  const lines = [columns.map((c) => csvField(c.name)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c.name])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
