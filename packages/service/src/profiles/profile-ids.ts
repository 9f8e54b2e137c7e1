import { createHash } from 'node:crypto';
import type { ProfileKind } from '../store/schema-profiles.js';

/**
 * A profile's id, derived from what makes it that profile: a tenant's "Windows11" deleted when the tenant is
 * switched off comes back with the same id (and working links) when it is switched on again.
 */
export function profileId(tenant: string | null, kind: ProfileKind, name: string): string {
  return `p${createHash('sha256')
    .update(`${tenant ?? ''}\n${kind}\n${name}`)
    .digest('hex')
    .slice(0, 24)}`;
}

/** The one membership row of a subject. */
export function subjectKey(
  subject: { kind: 'device'; tenant: string; id: string } | { kind: 'endpoint'; id: string },
): string {
  return subject.kind === 'device' ? `device/${subject.tenant}/${subject.id}` : `endpoint/${subject.id}`;
}
