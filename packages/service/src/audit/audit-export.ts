/**
 * The audit export as a stream of text chunks (CSV or a JSON array), one chunk per batch of rows read, so
 * the response starts at once and memory stays flat however large the log is.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { type AuditEntryView, type AuditFilter, walkAudit } from './audit-query.js';

export type AuditExportFormat = 'csv' | 'json';

export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'actorKind',
  'actor',
  'action',
  'target',
  'outcome',
  'ip',
  'detail',
] as const;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. Text that a
 * spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`: attempted user
 * names land in the log verbatim, so the export must not be a way to plant a formula (OWASP CSV injection).
 */
export function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function csvLine(entry: AuditEntryView): string {
  return `${AUDIT_CSV_COLUMNS.map((column) =>
    column === 'detail' ? csvField(JSON.stringify(entry.detail)) : csvField(entry[column]),
  ).join(',')}\r\n`;
}

export async function* exportAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
  format: AuditExportFormat,
  batchSize = 500,
): AsyncGenerator<string> {
  if (format === 'csv') {
    yield `${AUDIT_CSV_COLUMNS.join(',')}\r\n`;
    for await (const batch of walkAudit(db, filter, batchSize)) yield batch.map(csvLine).join('');
    return;
  }
  let written = 0;
  yield '[';
  for await (const batch of walkAudit(db, filter, batchSize)) {
    yield batch.map((entry) => `${written++ === 0 ? '' : ','}\n${JSON.stringify(entry)}`).join('');
  }
  yield '\n]\n';
}
