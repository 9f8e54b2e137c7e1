/**
 * The CVE catalogue. Each CVE affects one product: every installed version older than `fixedIdx` is
 * vulnerable (`fixedIdx === versionCount` means no fix yet). CVSS scores are computed from the generated
 * CVSS 3.1 vector, and the severity is the score's band, so the three always agree.
 */
import type { Vulnerability } from '@mde-bridge/client/models';
import { PRODUCTS, type ProductDef, shipsKb } from './catalog-software.js';
import { hash3, type Rng, type SeedBase, Stream, Weighted } from './prng.js';
import { versionCount } from './software.js';
import { DAY, isoSec } from './time.js';

export type Severity = 'Low' | 'Medium' | 'High' | 'Critical';
export const SEVERITY_RANK: Record<Severity, number> = { Low: 1, Medium: 2, High: 3, Critical: 4 };

export interface CveDef {
  idx: number;
  id: string;
  product: ProductDef;
  fixedIdx: number;
  severity: Severity;
  cvss: number;
  vector: string;
  publicExploit: boolean;
  exploitVerified: boolean;
  exploitInKit: boolean;
  exploitTypes: string[];
  exploitUris: string[];
  publishedMs: number;
  updatedMs: number;
  epss: number;
  supportability: string;
  tags: string[];
  description: string;
  /** KB that fixes it (Microsoft products only), else null. */
  kb: string | null;
}

// ---------------------------------------------------------------- CVSS 3.1
const AV = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 } as const;
const AC = { L: 0.77, H: 0.44 } as const;
const UI = { N: 0.85, R: 0.62 } as const;
const CIA = { H: 0.56, L: 0.22, N: 0 } as const;

function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export interface CvssMetrics {
  av: keyof typeof AV;
  ac: keyof typeof AC;
  pr: 'N' | 'L' | 'H';
  ui: keyof typeof UI;
  s: 'U' | 'C';
  c: keyof typeof CIA;
  i: keyof typeof CIA;
  a: keyof typeof CIA;
}

/** CVSS 3.1 base score (spec formula). */
export function cvssScore(m: CvssMetrics): number {
  const changed = m.s === 'C';
  const pr = m.pr === 'N' ? 0.85 : m.pr === 'L' ? (changed ? 0.68 : 0.62) : changed ? 0.5 : 0.27;
  const iss = 1 - (1 - CIA[m.c]) * (1 - CIA[m.i]) * (1 - CIA[m.a]);
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02) ** 15 : 6.42 * iss;
  const exploitability = 8.22 * AV[m.av] * AC[m.ac] * pr * UI[m.ui];
  if (impact <= 0) return 0;
  return changed
    ? roundUp(Math.min(1.08 * (impact + exploitability), 10))
    : roundUp(Math.min(impact + exploitability, 10));
}

export function severityOf(score: number): Severity {
  if (score >= 9) return 'Critical';
  if (score >= 7) return 'High';
  if (score >= 4) return 'Medium';
  return 'Low';
}

const W_AV = new Weighted<CvssMetrics['av']>([
  ['N', 60],
  ['L', 33],
  ['A', 5],
  ['P', 2],
]);
const W_AC = new Weighted<CvssMetrics['ac']>([
  ['L', 85],
  ['H', 15],
]);
const W_PR = new Weighted<CvssMetrics['pr']>([
  ['N', 55],
  ['L', 35],
  ['H', 10],
]);
const W_UI = new Weighted<CvssMetrics['ui']>([
  ['N', 55],
  ['R', 45],
]);
const W_S = new Weighted<CvssMetrics['s']>([
  ['U', 85],
  ['C', 15],
]);
const W_CIA = new Weighted<CvssMetrics['c']>([
  ['H', 60],
  ['L', 25],
  ['N', 15],
]);
const W_SEV = new Weighted<Severity>([
  ['Critical', 12],
  ['High', 40],
  ['Medium', 40],
  ['Low', 8],
]);

function drawMetrics(rng: Rng): CvssMetrics {
  return {
    av: W_AV.pick(rng),
    ac: W_AC.pick(rng),
    pr: W_PR.pick(rng),
    ui: W_UI.pick(rng),
    s: W_S.pick(rng),
    c: W_CIA.pick(rng),
    i: W_CIA.pick(rng),
    a: W_CIA.pick(rng),
  };
}

function vectorString(m: CvssMetrics): string {
  return `CVSS:3.1/AV:${m.av}/AC:${m.ac}/PR:${m.pr}/UI:${m.ui}/S:${m.s}/C:${m.c}/I:${m.i}/A:${m.a}`;
}

// ---------------------------------------------------------------- descriptions
const WEAKNESSES = [
  'A use-after-free',
  'A heap-based buffer overflow',
  'A type confusion',
  'Improper input validation',
  'An out-of-bounds read',
  'An out-of-bounds write',
  'An integer overflow',
  'A path traversal issue',
  'Improper authentication',
  'A race condition',
  'Deserialization of untrusted data',
  'Improper privilege management',
  'Insufficient policy enforcement',
  'A null pointer dereference',
  'Improper certificate validation',
  'A cross-site scripting issue',
  'An SQL injection issue',
];

function impactPhrase(m: CvssMetrics): { ms: string; text: string; exploit: string } {
  const allHigh = m.c === 'H' && m.i === 'H';
  if (allHigh && m.av === 'N')
    return { ms: 'Remote Code Execution', text: 'execute arbitrary code', exploit: 'Remote code execution' };
  if (allHigh)
    return {
      ms: 'Elevation of Privilege',
      text: 'elevate privileges',
      exploit: 'Local privilege escalation',
    };
  if (m.a === 'H' && m.c !== 'H' && m.i !== 'H')
    return { ms: 'Denial of Service', text: 'cause a denial of service', exploit: 'Denial of service' };
  if (m.c !== 'N' && m.i === 'N')
    return {
      ms: 'Information Disclosure',
      text: 'obtain sensitive information',
      exploit: m.av === 'L' ? 'Local' : 'Remote',
    };
  if (m.i !== 'N')
    return {
      ms: 'Security Feature Bypass',
      text: 'bypass security restrictions',
      exploit: m.av === 'L' ? 'Local' : 'Remote',
    };
  return { ms: 'Spoofing', text: 'spoof content', exploit: 'Remote' };
}

function attacker(m: CvssMetrics): string {
  const who = m.av === 'N' ? 'a remote' : m.av === 'A' ? 'an adjacent' : 'a local';
  const auth = m.pr === 'N' ? 'unauthenticated' : m.pr === 'L' ? 'authenticated' : 'privileged';
  return `${who} ${auth} attacker`;
}

// ---------------------------------------------------------------- catalogue
export interface CatalogueStats {
  /** Per product: number of CVEs whose fixedIdx > v, for v = 0..versionCount. */
  countAbove: Int32Array[];
  /** Per product: max severity rank among CVEs with fixedIdx > v. */
  maxSevAbove: Uint8Array[];
  /** Per product: whether any CVE with fixedIdx > v has a public exploit. */
  exploitAbove: Uint8Array[];
}

export interface VulnCatalogue extends CatalogueStats {
  cves: CveDef[];
  byId: Map<string, CveDef>;
  /** Per product index: CVEs sorted by fixedIdx descending (vulnerable ones first for any version). */
  byProduct: CveDef[][];
}

/** fixedIdx in [1, max], P(f) proportional to r^(f-1). */
function olderBiased(rng: Rng, max: number, r: number): number {
  let total = 0;
  for (let f = 1; f <= max; f++) total += r ** (f - 1);
  let u = rng.float() * total;
  for (let f = 1; f <= max; f++) {
    u -= r ** (f - 1);
    if (u < 0) return f;
  }
  return max;
}

/** Approximate number of CVEs in the catalogue. */
const TARGET_CVES = 3600;

export function buildCatalogue(base: SeedBase, nowMs: number): VulnCatalogue {
  const rng = base.rng(Stream.vulnerability, 0);
  const totalWeight = PRODUCTS.reduce((s, p) => s + p.cveWeight, 0);
  const scale = TARGET_CVES / totalWeight;
  const cves: CveDef[] = [];
  const byId = new Map<string, CveDef>();
  const byProduct: CveDef[][] = PRODUCTS.map(() => []);
  for (const p of PRODUCTS) {
    const vc = versionCount(p);
    const n = Math.max(1, Math.round(p.cveWeight * scale * rng.real(0.7, 1.3)));
    const releaseSpacing = p.isOs
      ? 30 * DAY
      : p.versions.length > 0 && p.cveWeight >= 40
        ? 30 * DAY
        : 45 * DAY;
    for (let k = 0; k < n; k++) {
      const noFix = !p.isOs && rng.chance(0.004);
      // Most CVEs were fixed in older releases; few affect the versions just behind the latest.
      const fixedIdx = noFix ? vc : olderBiased(rng, vc - 1, p.isOs ? 0.75 : 0.6);
      const target = W_SEV.pick(rng);
      let m = drawMetrics(rng);
      let score = cvssScore(m);
      for (let tries = 0; tries < 300 && (score === 0 || severityOf(score) !== target); tries++) {
        m = drawMetrics(rng);
        score = cvssScore(m);
      }
      if (score === 0) {
        m = { av: 'N', ac: 'L', pr: 'N', ui: 'R', s: 'U', c: 'L', i: 'L', a: 'N' };
        score = cvssScore(m);
      }
      const severity = severityOf(score);
      const publishedMs = noFix
        ? nowMs - rng.real(3 * DAY, 60 * DAY)
        : nowMs - (vc - 1 - fixedIdx) * releaseSpacing - rng.real(5 * DAY, 25 * DAY);
      const updatedMs = Math.min(nowMs - DAY, publishedMs + rng.real(0, 40 * DAY));
      const pubYear = new Date(publishedMs).getUTCFullYear();
      const year = rng.chance(0.15) ? pubYear - 1 : pubYear;
      let id = '';
      do {
        id = `CVE-${year}-${rng.chance(0.7) ? rng.range(20000, 52999) : rng.range(1000, 19999)}`;
      } while (byId.has(id));
      const publicExploit = rng.chance(severity === 'Critical' || severity === 'High' ? 0.13 : 0.07);
      const exploitVerified = publicExploit && rng.chance(0.5);
      const exploitInKit = exploitVerified && rng.chance(0.4);
      const imp = impactPhrase(m);
      const exploitTypes = publicExploit ? [imp.exploit] : [];
      const exploitUris = publicExploit
        ? [
            rng.chance(0.6)
              ? `https://www.exploit-db.com/exploits/${rng.range(40000, 52999)}`
              : `https://github.com/${rng.pick(['rapid7', 'projectdiscovery', 'horizon3ai', 'chompie1337', 'ly4k'])}/${id}`,
          ]
        : [];
      let epss: number;
      if (exploitInKit) epss = rng.real(0.5, 0.97);
      else if (exploitVerified) epss = rng.real(0.1, 0.9);
      else if (publicExploit) epss = rng.real(0.01, 0.5);
      else epss = Math.min(0.2, 0.0004 * Math.exp(rng.real(0, 5)));
      epss = Math.round(epss * 100000) / 100000;
      const sup = rng.float();
      const supportability = sup < 0.93 ? 'Supported' : sup < 0.98 ? 'NotSupported' : 'SupportedInPremium';
      const tags: string[] = [];
      if (noFix) tags.push('NoSecurityUpdate');
      if (noFix && exploitInKit) tags.push('ZeroDay');
      const fixVersion = fixedIdx < p.versions.length ? p.versions[fixedIdx] : null;
      const description =
        p.vendor === 'microsoft'
          ? `${p.display} ${imp.ms} Vulnerability. ${rng.pick(WEAKNESSES)} in ${p.display} allows ${attacker(m)} to ${imp.text}.`
          : `${rng.pick(WEAKNESSES)} in ${p.display}${fixVersion ? ` before ${fixVersion}` : ''} allows ${attacker(m)} to ${imp.text}${m.ui === 'R' ? ' via crafted content that a user opens' : ''}.`;
      const kb = shipsKb(p) && !noFix ? String(5_020_000 + (hash3(p.index, fixedIdx, 77) % 80_000)) : null;
      const c: CveDef = {
        idx: cves.length,
        id,
        product: p,
        fixedIdx,
        severity,
        cvss: score,
        vector: vectorString(m),
        publicExploit,
        exploitVerified,
        exploitInKit,
        exploitTypes,
        exploitUris,
        publishedMs,
        updatedMs,
        epss,
        supportability,
        tags,
        description,
        kb,
      };
      cves.push(c);
      byId.set(id, c);
      byProduct[p.index].push(c);
    }
  }
  const countAbove: Int32Array[] = [];
  const maxSevAbove: Uint8Array[] = [];
  const exploitAbove: Uint8Array[] = [];
  for (const p of PRODUCTS) {
    const list = byProduct[p.index];
    list.sort((a, b) => b.fixedIdx - a.fixedIdx || a.idx - b.idx);
    const vc = versionCount(p);
    const ca = new Int32Array(vc + 1);
    const ms = new Uint8Array(vc + 1);
    const ex = new Uint8Array(vc + 1);
    for (let v = 0; v <= vc; v++) {
      for (const c of list) {
        if (c.fixedIdx <= v) break;
        ca[v]++;
        ms[v] = Math.max(ms[v], SEVERITY_RANK[c.severity]);
        if (c.publicExploit) ex[v] = 1;
      }
    }
    countAbove.push(ca);
    maxSevAbove.push(ms);
    exploitAbove.push(ex);
  }
  return { cves, byId, byProduct, countAbove, maxSevAbove, exploitAbove };
}

/**
 * The wire `Vulnerability`. `exposedMachines` = devices with a vulnerable installed version at generation
 * time, plus devices `evolve` adds later (not recomputed when `evolve` patches devices).
 */
export function toWire(c: CveDef, exposedMachines: number, nowMs: number): Vulnerability {
  const firstDetected =
    exposedMachines > 0
      ? isoSec(Math.min(nowMs - DAY, Math.max(c.publishedMs + 2 * DAY, nowMs - 180 * DAY)))
      : null;
  return {
    id: c.id,
    name: c.id,
    description: c.description,
    severity: c.severity,
    cvssV3: c.cvss,
    cvssVector: c.vector,
    exposedMachines,
    publishedOn: isoSec(c.publishedMs),
    updatedOn: isoSec(c.updatedMs),
    firstDetected,
    publicExploit: c.publicExploit,
    exploitVerified: c.exploitVerified,
    exploitInKit: c.exploitInKit,
    exploitTypes: c.exploitTypes,
    exploitUris: c.exploitUris,
    cveSupportability: c.supportability,
    tags: c.tags,
    epss: c.epss,
  };
}
