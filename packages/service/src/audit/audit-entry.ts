import type { AuditLogTable } from '../store/schema.js';

/** One audit record as callers write it; `appendAudit` (audit-log.ts) stamps the time and masks secrets. */
export interface AuditEntryInput {
  actorKind: AuditLogTable['actor_kind'];
  actor: string;
  action: string;
  target?: string | null;
  outcome?: AuditLogTable['outcome'];
  /** Free-form JSON; keys that look like secrets (secret, password, token, key, credential) are masked. */
  detail?: Record<string, unknown>;
  ip?: string | null;
}
