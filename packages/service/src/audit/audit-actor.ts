import type { Principal } from '../auth/principal.js';
import type { AuditEntryInput } from './audit-entry.js';

/** Who to write into an audit record for a request made by `principal` from `ip`. */
export function auditActor(
  principal: Principal | null,
  ip: string | null,
): Pick<AuditEntryInput, 'actorKind' | 'actor' | 'ip'> {
  return principal
    ? { actorKind: principal.kind, actor: principal.name, ip }
    : { actorKind: 'system', actor: 'anonymous', ip };
}
