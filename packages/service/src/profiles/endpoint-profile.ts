import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';

export const MatchScores = ['Very High', 'High', 'Medium', 'Low'] as const;
export type MatchScore = (typeof MatchScores)[number];

export interface EndpointProfile {
  id: string;
  name: string;
  matchScore: MatchScore;
}

/**
 * The profile a Defender device (`{ tenant, deviceId }`) or an unmanaged endpoint (`{ endpointId }`) is in,
 * or null (issue 6: not written yet).
 */
export async function getEndpointProfile(
  _db: Kysely<Database>,
  _subject: { tenant: string; deviceId: string } | { endpointId: string },
): Promise<EndpointProfile | null> {
  return null;
}
