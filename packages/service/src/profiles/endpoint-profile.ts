import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import { profileEndpoint } from './profile-endpoints.js';
import { subjectKey } from './profile-ids.js';

export const MatchScores = ['Very High', 'High', 'Medium', 'Low'] as const;
export type MatchScore = (typeof MatchScores)[number];

export interface EndpointProfile {
  id: string;
  name: string;
  matchScore: MatchScore;
}

/**
 * The profile a Defender device (`{ tenant, deviceId }`) or a network-observed endpoint (`{ endpointId }`) is
 * in, or null. A managed endpoint is in its device's profile. Profiles are assigned by `profileEndpoints`
 * after each device sync and by `POST /profile-rules/apply`; an unmanaged endpoint not profiled yet (a host
 * seen for the first time) is profiled by the standard rules on this first ask, so its context carries one.
 */
export async function getEndpointProfile(
  db: Kysely<Database>,
  subject: { tenant: string; deviceId: string } | { endpointId: string },
): Promise<EndpointProfile | null> {
  const read = (key: string) =>
    db
      .selectFrom('profile_members as m')
      .innerJoin('profiles as p', 'p.id', 'm.profile_id')
      .select(['p.id', 'p.name', 'm.match_score'])
      .where('m.subject_key', '=', key)
      .executeTakeFirst();
  let key: string;
  let unmanaged = false;
  if ('endpointId' in subject) {
    const endpoint = await db
      .selectFrom('endpoints')
      .select(['managed', 'tenant', 'device_id'])
      .where('id', '=', subject.endpointId)
      .executeTakeFirst();
    if (!endpoint) return null;
    unmanaged = !(Number(endpoint.managed) === 1 && endpoint.tenant && endpoint.device_id);
    key =
      !unmanaged && endpoint.tenant && endpoint.device_id
        ? subjectKey({ kind: 'device', tenant: endpoint.tenant, id: endpoint.device_id })
        : subjectKey({ kind: 'endpoint', id: subject.endpointId });
  } else {
    key = subjectKey({ kind: 'device', tenant: subject.tenant, id: subject.deviceId });
  }
  let row = await read(key);
  if (!row && unmanaged && 'endpointId' in subject) {
    await profileEndpoint(db, subject.endpointId);
    row = await read(key);
  }
  return row ? { id: row.id, name: row.name, matchScore: row.match_score as MatchScore } : null;
}
