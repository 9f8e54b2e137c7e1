import { createHash } from 'node:crypto';
import type { Alert, AlertEvidence, FileInfo, FileStats, Machine } from '@mde-bridge/client/models';
import { isoTicks } from '../clock.js';
import { errors } from '../errors.js';
import type { RouteDef } from '../http/router.js';
import { toInstant } from '../odata/datetime.js';
import type { EmulatorState } from '../state/emulator-state.js';
import { entity, metadataUrl, plainCollection, refuseODataOptions, STANDARD_LIMIT } from './common.js';

/**
 * File profiles (spec 4.11; get-file-information, get-file-statistics, get-file-related-machines).
 *
 * The tenant "knows" a file when an alert's evidence names its SHA-1 (process images and file evidence).
 * Everything else about the file — size, MD5, signer, global prevalence — is derived from the hash and the
 * path so the same file always looks the same, here and in Graph alert evidence.
 */
const SHA1_RE = /^[0-9a-f]{40}$/i;
const SHA256_RE = /^[0-9a-f]{64}$/i;
/** get-file-statistics: "The maximum value for lookbackhours is 720 Hours (30 days)", also the default. */
export const MAX_LOOKBACK_HOURS = 720;
const DAY_MS = 86_400_000;

/** One mention of a file: the alert and its evidence item. */
export interface FileOccurrence {
  alert: Alert;
  evidence: AlertEvidence;
}

interface FileIndex {
  length: number;
  bySha1: Map<string, FileOccurrence[]>;
  sha1BySha256: Map<string, string>;
}

const indexes = new WeakMap<readonly Alert[], FileIndex>();

/** Files named by alert evidence, keyed by lower-case SHA-1 (rebuilt when alerts are raised). */
export function fileIndex(alerts: readonly Alert[]): FileIndex {
  const cached = indexes.get(alerts);
  if (cached && cached.length === alerts.length) return cached;
  const bySha1 = new Map<string, FileOccurrence[]>();
  const sha1BySha256 = new Map<string, string>();
  for (const alert of alerts) {
    for (const evidence of alert.evidence) {
      if (!evidence.sha1 || !SHA1_RE.test(evidence.sha1)) continue;
      const sha1 = evidence.sha1.toLowerCase();
      const list = bySha1.get(sha1);
      if (list) list.push({ alert, evidence });
      else bySha1.set(sha1, [{ alert, evidence }]);
      if (evidence.sha256) sha1BySha256.set(evidence.sha256.toLowerCase(), sha1);
    }
  }
  const index = { length: alerts.length, bySha1, sha1BySha256 };
  indexes.set(alerts, index);
  return index;
}

/** Static facts of a file, a pure function of its hash, name and folder. */
export interface FileFacts {
  size: number;
  md5: string;
  isPeFile: boolean;
  fileType: string | null;
  filePublisher: string | null;
  fileProductName: string | null;
  signer: string | null;
  issuer: string | null;
  signerHash: string | null;
  isValidCertificate: boolean | null;
  globalPrevalence: number;
  /** How long before the tenant first saw it the world did. */
  globalAgeDays: number;
}

const PE_EXTENSIONS = new Set(['exe', 'dll', 'sys', 'scr', 'ocx', 'cpl', 'drv', 'efi']);

function hashBytes(sha1: string): Buffer {
  return createHash('sha256').update(sha1.toLowerCase()).digest();
}

/**
 * Files under `\Windows\` are Microsoft-signed and globally common; anything else is unsigned and rare.
 * `fileType` "APP" for PE files follows the doc example; other values are NOT FOUND, so non-PE files get null.
 */
export function fileFacts(sha1: string, fileName: string | null, filePath: string | null): FileFacts {
  const bytes = hashBytes(sha1);
  const ext = (fileName ?? '').toLowerCase().split('.').pop() ?? '';
  const isPeFile = PE_EXTENSIONS.has(ext);
  const system = /(^|\\)windows(\\|$)/i.test(filePath ?? '');
  const signer = system ? 'Microsoft Windows' : null;
  return {
    size: isPeFile ? 16_384 + (bytes.readUInt32BE(0) % 8_000_000) : 256 + (bytes.readUInt32BE(0) % 64_000),
    md5: createHash('md5').update(sha1.toLowerCase()).digest('hex'),
    isPeFile,
    fileType: isPeFile ? 'APP' : null,
    filePublisher: system ? 'Microsoft Corporation' : null,
    fileProductName: system ? 'Microsoft® Windows® Operating System' : null,
    signer,
    issuer: system ? 'Microsoft Windows Production PCA 2011' : null,
    signerHash: signer ? createHash('sha1').update(signer).digest('hex') : null,
    isValidCertificate: system ? true : null,
    globalPrevalence: system
      ? 1_000_000 + (bytes.readUInt32BE(4) % 9_000_000)
      : 1 + (bytes.readUInt16BE(8) % 500),
    globalAgeDays: system ? 365 + (bytes.readUInt16BE(10) % 1_500) : bytes[12] % 30,
  };
}

function times(occurrences: readonly FileOccurrence[]): number[] {
  return occurrences
    .map((o) => toInstant(o.evidence.evidenceCreationTime) ?? toInstant(o.alert.alertCreationTime))
    .filter((t): t is number => t !== null)
    .sort((a, b) => a - b);
}

/** `GET /api/files/{id}`: the first occurrence names the file; determination from a detected alert. */
export function fileInfo(sha1: string, occurrences: readonly FileOccurrence[]): FileInfo {
  const first = occurrences[0].evidence;
  const facts = fileFacts(sha1, first.fileName, first.filePath);
  const seen = times(occurrences);
  const firstSeen = seen[0] ?? 0;
  const detected = occurrences.find(
    (o) => o.evidence.detectionStatus && (o.alert.threatName ?? o.alert.threatFamilyName),
  );
  return {
    sha1,
    sha256:
      occurrences.find((o) => o.evidence.sha256)?.evidence.sha256 ??
      createHash('sha256').update(sha1).digest('hex'),
    md5: facts.md5,
    globalPrevalence: facts.globalPrevalence,
    globalFirstObserved: isoTicks(firstSeen - facts.globalAgeDays * DAY_MS),
    globalLastObserved: isoTicks(seen[seen.length - 1] ?? firstSeen),
    size: facts.size,
    fileType: facts.fileType,
    isPeFile: facts.isPeFile,
    filePublisher: facts.filePublisher,
    fileProductName: facts.fileProductName,
    signer: facts.signer,
    issuer: facts.issuer,
    signerHash: facts.signerHash,
    isValidCertificate: facts.isValidCertificate,
    determinationType: detected ? 'Malware' : 'Unknown',
    determinationValue: detected ? (detected.alert.threatName ?? detected.alert.threatFamilyName) : null,
  };
}

/** `GET /api/files/{sha1}/stats`: organisation figures over the look-back window, global ones from the profile. */
export function fileStats(
  sha1: string,
  occurrences: readonly FileOccurrence[],
  nowMs: number,
  lookBackHours: number,
): FileStats {
  const info = fileInfo(sha1, occurrences);
  const since = nowMs - lookBackHours * 3_600_000;
  const recent = occurrences.filter((o) => {
    const t = toInstant(o.evidence.evidenceCreationTime);
    return t !== null && t >= since && t <= nowMs;
  });
  const seen = times(recent);
  const machines = new Set(recent.map((o) => o.alert.machineId));
  const names = new Map<string, number>();
  for (const o of occurrences)
    if (o.evidence.fileName) names.set(o.evidence.fileName, (names.get(o.evidence.fileName) ?? 0) + 1);
  return {
    sha1,
    orgPrevalence: String(machines.size),
    organizationPrevalence: machines.size,
    orgFirstSeen: seen.length ? isoTicks(seen[0]) : null,
    orgLastSeen: seen.length ? isoTicks(seen[seen.length - 1]) : null,
    globalPrevalence: String(info.globalPrevalence),
    globallyPrevalence: info.globalPrevalence,
    globalFirstObserved: info.globalFirstObserved,
    globalLastObserved: info.globalLastObserved,
    topFileNames: [...names.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 5)
      .map(([n]) => n),
  };
}

/** `lookBackHours`: optional integer 1–720, default 720. */
export function parseLookBackHours(value: string | null): number {
  if (value === null) return MAX_LOOKBACK_HOURS;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOOKBACK_HOURS) {
    throw errors.badRequest(
      `lookBackHours must be an integer between 1 and ${MAX_LOOKBACK_HOURS}; got '${value}'`,
    );
  }
  return n;
}

/** A SHA-1 path key, lower-cased; anything else is `InvalidHashValue`. */
export function requireSha1(id: string): string {
  if (!SHA1_RE.test(id)) throw errors.invalidHash(id);
  return id.toLowerCase();
}

export function fileRoutes(state: EmulatorState): RouteDef[] {
  const base = { family: 'files', auth: 'defender' as const, limit: STANDARD_LIMIT };
  const occurrencesOf = (sha1: string) => fileIndex(state.data.alerts).bySha1.get(sha1);
  const requireFile = (id: string) => {
    const sha1 = requireSha1(id);
    const occurrences = occurrencesOf(sha1);
    if (!occurrences) throw errors.resourceNotFound(`File ${id} was not found`);
    return { sha1, occurrences };
  };
  return [
    {
      ...base,
      method: 'GET',
      path: '/api/files/:id',
      operation: 'getFile',
      roles: ['File.Read.All'],
      handler: (ctx) => {
        // get-file-information: "by identifier Sha1, or Sha256".
        const id = ctx.params.id;
        if (SHA256_RE.test(id)) {
          const sha1 = fileIndex(state.data.alerts).sha1BySha256.get(id.toLowerCase());
          const occurrences = sha1 ? occurrencesOf(sha1) : undefined;
          if (!sha1 || !occurrences) throw errors.resourceNotFound(`File ${id} was not found`);
          return entity(ctx, 'Files', fileInfo(sha1, occurrences));
        }
        const { sha1, occurrences } = requireFile(id);
        return entity(ctx, 'Files', fileInfo(sha1, occurrences));
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/files/:id/stats',
      operation: 'getFileStatistics',
      roles: ['File.Read.All'],
      handler: (ctx) => {
        const { sha1, occurrences } = requireFile(ctx.params.id);
        const hours = parseLookBackHours(ctx.query.get('lookBackHours') ?? ctx.query.get('lookbackhours'));
        const stats = fileStats(sha1, occurrences, state.clock.now(), hours);
        // This answer's context has no `/$entity` suffix (doc example).
        return {
          status: 200,
          odata: true,
          body: {
            '@odata.context': metadataUrl(ctx, 'microsoft.windowsDefenderATP.api.InOrgFileStats'),
            ...stats,
          },
        };
      },
    },
    {
      ...base,
      method: 'GET',
      path: '/api/files/:id/machines',
      operation: 'listFileMachines',
      // get-file-related-machines names the machine roles, not File.Read.All.
      roles: ['Machine.Read.All', 'Machine.ReadWrite.All'],
      handler: (ctx) => {
        refuseODataOptions(ctx, 'files/{id}/machines');
        const sha1 = requireSha1(ctx.params.id);
        // "If file doesn't exist - 200 OK with an empty set."
        const machines = new Map<string, Machine>();
        for (const { alert } of occurrencesOf(sha1) ?? []) {
          const device = state.device(alert.machineId);
          if (device) machines.set(device.machine.id, device.machine);
        }
        return plainCollection(ctx, 'Machines', [...machines.values()]);
      },
    },
  ];
}
