import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { AuditEntryInput } from './audit-entry.js';

/** Keys whose values never reach the audit log, at any depth. */
const SECRET_KEY = /secret|password|passwd|token|private|key|credential|cookie|authorization/i;
export const MASK = '***';

/** A copy of `value` with every secret-looking field replaced by `***` (and URL passwords masked). */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) && inner !== null && inner !== undefined ? MASK : maskSecrets(inner);
    }
    return out;
  }
  if (typeof value === 'string') return value.replace(/\/\/([^:@/\s]+):[^@/\s]*@/g, `//$1:${MASK}@`);
  return value;
}

/**
 * Appends one record to the append-only audit log (no code path updates or deletes its rows). `db` may be a
 * transaction, so a configuration change and its audit record commit together.
 */
export async function appendAudit(
  db: Kysely<Database>,
  entry: AuditEntryInput,
  now: Date = new Date(),
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      at: now.toISOString(),
      actor_kind: entry.actorKind,
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      outcome: entry.outcome ?? 'success',
      detail: JSON.stringify(maskSecrets(entry.detail ?? {})),
      ip: entry.ip ?? null,
    })
    .execute();
}
