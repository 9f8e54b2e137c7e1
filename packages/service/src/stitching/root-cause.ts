/**
 * The root cause of a network detection (CONTRACT.md `RootCause`, `Process`) and the pure part of stitching:
 * reading processes out of hunting rows, scoring the connections that fit a detection (the most specific
 * match first — remote port and URL beat the IP alone — then the closest in time) and walking the parent
 * chain through process rows matched by process ID *and* creation time (Windows re-uses process IDs).
 */

export interface Process {
  fileName: string;
  folderPath: string | null;
  processId: number;
  commandLine: string | null;
  sha256: string | null;
  sha1: string | null;
  accountName: string | null;
  accountDomain: string | null;
  creationTime: string | null;
}

export interface RootCause {
  process: Process;
  /** Nearest parent first. */
  parents: Process[];
  confidence: number;
  confidenceLevel: 'high' | 'medium' | 'low';
  query: string;
  connection: {
    timestamp: string;
    remoteIp: string | null;
    remotePort: number | null;
    remoteUrl: string | null;
    protocol: string | null;
    actionType: string | null;
  };
  /** The other processes that fit, best first. */
  candidates: { process: Process; timestamp: string; score: number }[];
  evidence?: Record<string, unknown>[];
}

/** What the stitcher looks for, from a stored detection matched to a device. */
export interface StitchTarget {
  detectionId: string;
  tenant: string;
  deviceId: string;
  atMs: number;
  remoteIp: string | null;
  remotePort: number | null;
  /** Lower-case domain: the detection's `domain`, else its URL's host. */
  domain: string | null;
}

export type Row = Record<string, unknown>;

/** Evidence rows kept on a root cause. */
export const MAX_EVIDENCE = 20;
/** Other candidates listed on a root cause. */
export const MAX_CANDIDATES = 10;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const int = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
};
export const timeMs = (v: unknown): number | null => {
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
};

/** The lower-case host of a URL or bare host name (`https://a.b/c` → `a.b`), or null. */
export function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const s = url.trim().toLowerCase();
  if (s === '') return null;
  const noScheme = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  const host = noScheme
    .split(/[/?#]/, 1)[0]
    .replace(/^[^@]*@/, '')
    .replace(/:\d+$/, '');
  return host.replace(/\.$/, '') || null;
}

/** Whether a connection's RemoteUrl names the domain (or a subdomain of it). */
export function urlMatches(remoteUrl: unknown, domain: string): boolean {
  const host = hostOf(str(remoteUrl));
  return host !== null && (host === domain || host.endsWith(`.${domain}`));
}

/** The initiating process of a network or process row. */
export function initiatingProcess(row: Row): Process | null {
  const pid = int(row.InitiatingProcessId);
  const fileName = str(row.InitiatingProcessFileName);
  if (pid === null || fileName === null) return null;
  return {
    fileName,
    folderPath: str(row.InitiatingProcessFolderPath),
    processId: pid,
    commandLine: str(row.InitiatingProcessCommandLine),
    sha256: str(row.InitiatingProcessSHA256),
    sha1: str(row.InitiatingProcessSHA1),
    accountName: str(row.InitiatingProcessAccountName),
    accountDomain: str(row.InitiatingProcessAccountDomain),
    creationTime: str(row.InitiatingProcessCreationTime),
  };
}

/** The process a DeviceProcessEvents row created. */
export function createdProcess(row: Row): Process | null {
  const pid = int(row.ProcessId);
  const fileName = str(row.FileName);
  if (pid === null || fileName === null) return null;
  return {
    fileName,
    folderPath: str(row.FolderPath),
    processId: pid,
    commandLine: str(row.ProcessCommandLine),
    sha256: str(row.SHA256),
    sha1: str(row.SHA1),
    accountName: str(row.AccountName),
    accountDomain: str(row.AccountDomain),
    creationTime: str(row.ProcessCreationTime) ?? str(row.Timestamp),
  };
}

/** The parent of the initiating process as a row names it (ID, file name, creation time only). */
export function parentStub(row: Row): Process | null {
  const pid = int(row.InitiatingProcessParentId);
  const fileName = str(row.InitiatingProcessParentFileName);
  if (pid === null || pid <= 0 || fileName === null) return null;
  return {
    fileName,
    folderPath: null,
    processId: pid,
    commandLine: null,
    sha256: null,
    sha1: null,
    accountName: null,
    accountDomain: null,
    creationTime: str(row.InitiatingProcessParentCreationTime),
  };
}

/** The same process: same ID and creation times within a second (when both are known). */
export function sameProcess(a: Pick<Process, 'processId' | 'creationTime'>, b: Process): boolean {
  if (a.processId !== b.processId) return false;
  const ta = timeMs(a.creationTime);
  const tb = timeMs(b.creationTime);
  return ta === null || tb === null || Math.abs(ta - tb) <= 1000;
}

export interface Candidate {
  process: Process;
  row: Row;
  timestampMs: number;
  /** Fraction of the given remote attributes (IP, port, domain) the connection matches. */
  specificity: number;
  score: number;
}

/**
 * The connections of `rows` that fit the detection within ±windowMs, one per process (its best connection),
 * best first: the most specific match, then the closest in time. Rows of other devices or addresses are
 * ignored, so a batch's rows can be handed to every detection of the batch.
 */
export function rankCandidates(target: StitchTarget, rows: readonly Row[], windowMs: number): Candidate[] {
  const byProcess = new Map<string, Candidate>();
  for (const row of rows) {
    if (row.DeviceId !== target.deviceId) continue;
    const at = timeMs(row.Timestamp);
    if (at === null || Math.abs(at - target.atMs) > windowMs) continue;
    const ipMatch = target.remoteIp !== null && sameIp(row.RemoteIP, target.remoteIp);
    const domainMatch = target.domain !== null && urlMatches(row.RemoteUrl, target.domain);
    if (!ipMatch && !domainMatch) continue;
    const proc = initiatingProcess(row);
    if (!proc) continue;
    let given = 0;
    let matched = 0;
    if (target.remoteIp !== null) {
      given++;
      if (ipMatch) matched++;
    }
    if (target.remotePort !== null) {
      given++;
      if (int(row.RemotePort) === target.remotePort) matched++;
    }
    if (target.domain !== null) {
      given++;
      if (domainMatch) matched++;
    }
    const specificity = given === 0 ? 0 : matched / given;
    const closeness = windowMs > 0 ? 1 - Math.abs(at - target.atMs) / windowMs : 1;
    const score = round(0.6 * specificity + 0.4 * closeness);
    const candidate: Candidate = { process: proc, row, timestampMs: at, specificity, score };
    const key = `${proc.processId}|${timeMs(proc.creationTime) ?? ''}`;
    const held = byProcess.get(key);
    if (!held || better(candidate, held, target.atMs)) byProcess.set(key, candidate);
  }
  return [...byProcess.values()].sort((a, b) => (better(a, b, target.atMs) ? -1 : 1));
}

function better(a: Candidate, b: Candidate, atMs: number): boolean {
  if (a.specificity !== b.specificity) return a.specificity > b.specificity;
  const da = Math.abs(a.timestampMs - atMs);
  const db = Math.abs(b.timestampMs - atMs);
  if (da !== db) return da < db;
  return a.process.processId < b.process.processId;
}

function sameIp(value: unknown, ip: string): boolean {
  return typeof value === 'string' && value.toLowerCase() === ip.toLowerCase();
}

const round = (n: number) => Math.round(n * 1000) / 1000;

/**
 * How sure the pick is: its own score, lowered when another process fits almost as well (a decoy the
 * time and specificity barely separate). High ≥ 0.8, medium ≥ 0.5, else low.
 */
export function confidenceOf(ranked: readonly Candidate[]): {
  confidence: number;
  level: RootCause['confidenceLevel'];
} {
  const best = ranked[0];
  const second = ranked[1];
  let confidence = best.score;
  if (second) {
    const gap = Math.max(0, best.score - second.score);
    confidence *= Math.min(1, 0.6 + 2 * gap);
  }
  confidence = round(Math.max(0, Math.min(1, confidence)));
  return { confidence, level: confidence >= 0.8 ? 'high' : confidence >= 0.5 ? 'medium' : 'low' };
}

/** The chosen connection as `RootCause.connection`. */
export function connectionOf(row: Row): RootCause['connection'] {
  return {
    timestamp: String(row.Timestamp),
    remoteIp: str(row.RemoteIP),
    remotePort: int(row.RemotePort),
    remoteUrl: str(row.RemoteUrl),
    protocol: str(row.Protocol),
    actionType: str(row.ActionType),
  };
}
