/**
 * Detection intake: a checked DetectionInput is matched to a Defender device at its timestamp (context/
 * matching on the replica only — no Defender call on this path), stored once per (`source`, `id`), and the
 * lockdown policies decide about it (evaluate-policies.ts). The stitcher (issue 8) uses the same entry point.
 */
import { type HostMatch, type MatchBy, matchHost } from '../context/match-host.js';
import type { ResponseDeps } from '../response/request-action.js';
import { isUniqueViolation } from '../response/response-errors.js';
import type { Detection, DetectionRow } from './detection.js';
import { type DetectionInput, parseDetectionInput } from './detection-input.js';
import { getDetection } from './detection-queries.js';
import { evaluatePolicies } from './evaluate-policies.js';
import { orderedId } from './ordered-id.js';

/** context/'s evidence names as the API spells `Detection.match`. */
const MATCH_NAMES: Record<MatchBy, string> = {
  dnsName: 'dns_name',
  alternateName: 'alternate_name',
  shortName: 'short_name',
  ipAtTime: 'ip_at_time',
  currentIp: 'current_ip',
  findByIp: 'find_by_ip',
};

export function matchName(match: HostMatch): string {
  if (match.status === 'unmanaged') return 'unmatched';
  if (match.status === 'ambiguous') return 'ambiguous';
  return MATCH_NAMES[match.by];
}

/**
 * Stores a detection and lets the policies decide about it. The same `source` + `id` again answers the stored
 * detection (`created: false`) without matching or deciding again. Throws DetectionInputError on bad input
 * (nothing stored).
 */
export async function ingestDetection(
  deps: ResponseDeps,
  input: DetectionInput,
  receivedBy: string,
): Promise<{ detection: Detection; created: boolean }> {
  const { db, caps } = deps.store;
  const now = deps.now?.() ?? new Date();
  const parsed = parseDetectionInput(input, now);
  const existing = await findExisting(deps, parsed.source, parsed.id);
  if (existing) return { detection: existing, created: false };

  const match = await matchHost(
    db,
    {
      ...(parsed.hostIp !== undefined ? { ip: parsed.hostIp } : {}),
      ...(parsed.hostName ? { hostname: parsed.hostName } : {}),
      alternateNames: [],
      at: parsed.at,
    },
    { groups: null, now, caps },
  );
  const device = match.status === 'matched' ? match.device : null;
  const stitchable = device !== null && Boolean(parsed.remoteIp || parsed.domain || parsed.url);
  const row: DetectionRow = {
    id: orderedId(),
    source: parsed.source,
    external_id: parsed.id,
    host_ip: parsed.hostIp ?? null,
    host_name: parsed.hostName || null,
    threat_score: parsed.threatScore ?? null,
    certainty_score: parsed.certaintyScore ?? null,
    privilege: parsed.privilege ?? null,
    category: parsed.category || null,
    remote_ip: parsed.remoteIp ?? null,
    remote_port: parsed.remotePort ?? null,
    protocol: parsed.protocol || null,
    domain: parsed.domain || null,
    url: parsed.url || null,
    detected_at: parsed.timestamp,
    received_at: now.toISOString(),
    received_by: receivedBy,
    tenant: device?.tenant ?? null,
    device_id: device?.machineId ?? null,
    match: matchName(match),
    lockdown_outcome: null,
    lockdown_id: null,
    approval_id: null,
    stitch_state: stitchable ? 'waiting' : 'skipped',
    root_cause: null,
    stitch_error: null,
    stitched_at: null,
    stitch_attempts: 0,
  };
  try {
    await db.insertInto('detections').values(row).execute();
  } catch (err) {
    // Posted twice at once: the other request stored it first.
    const stored = isUniqueViolation(err) ? await findExisting(deps, parsed.source, parsed.id) : null;
    if (stored) return { detection: stored, created: false };
    throw err;
  }
  try {
    await evaluatePolicies(deps, row);
  } catch (err) {
    await forgetUnevaluated(deps, row.id);
    throw err;
  }
  return { detection: (await getDetection(db, row.id, null)) as Detection, created: true };
}

/**
 * The policies could not decide (a store error, say): the detection is removed again with its decisions so
 * the sender's retry is evaluated in full — unless a decision already locked the host or asked for approval,
 * which must stay linked to the detection that caused it.
 */
async function forgetUnevaluated(deps: ResponseDeps, id: string): Promise<void> {
  const { db } = deps.store;
  try {
    const acted = await db
      .selectFrom('policy_decisions')
      .select('id')
      .where('detection_id', '=', id)
      .where((eb) => eb.or([eb('lockdown_id', 'is not', null), eb('approval_id', 'is not', null)]))
      .executeTakeFirst();
    if (acted) return;
    await db.deleteFrom('policy_decisions').where('detection_id', '=', id).execute();
    await db.deleteFrom('detections').where('id', '=', id).execute();
  } catch {
    // The store is failing: the original error says more than this one.
  }
}

async function findExisting(
  deps: ResponseDeps,
  source: string,
  externalId: string,
): Promise<Detection | null> {
  const row = await deps.store.db
    .selectFrom('detections')
    .select('id')
    .where('source', '=', source)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? getDetection(deps.store.db, row.id, null) : null;
}
