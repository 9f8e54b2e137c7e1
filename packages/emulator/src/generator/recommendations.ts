/**
 * Security recommendations: software updates (`va-_-<vendor>-_-<product>`) for the most exposed products and
 * configuration checks (`sca-_-scid-<n>`), with per-device applicability derived from (seed, device index).
 */
import type { Recommendation } from '@mde-bridge/client/models';
import { PRODUCTS, type ProductDef } from './catalog-software.js';
import type { Traits } from './devices.js';
import { keyUnit, type SeedBase, Stream } from './prng.js';
import type { OsFamily } from './types.js';

export interface ScaDef {
  scid: number;
  name: string;
  category: 'Accounts' | 'Application' | 'Network' | 'OS' | 'SecurityControls';
  subCategory: string;
  component: string;
  families: readonly OsFamily[];
  failRate: number;
  impact: number;
}

const WIN: readonly OsFamily[] = ['windows', 'windowsServer'];
const WC: readonly OsFamily[] = ['windows'];
const WS: readonly OsFamily[] = ['windowsServer'];
const MAC: readonly OsFamily[] = ['macos'];
const LIN: readonly OsFamily[] = ['linux'];

export const SCA: readonly ScaDef[] = [
  {
    scid: 2000,
    name: 'Turn on Microsoft Defender Antivirus',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.02,
    impact: 2.1,
  },
  {
    scid: 2001,
    name: 'Turn on real-time protection',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.03,
    impact: 1.9,
  },
  {
    scid: 2003,
    name: 'Turn on PUA protection in block mode',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.35,
    impact: 0.9,
  },
  {
    scid: 2010,
    name: 'Update Microsoft Defender Antivirus definitions',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.08,
    impact: 1.2,
  },
  {
    scid: 2012,
    name: 'Turn on cloud-delivered protection',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.06,
    impact: 1.1,
  },
  {
    scid: 2016,
    name: 'Enable Microsoft Defender Antivirus scanning of downloaded files and attachments',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender Antivirus',
    families: WIN,
    failRate: 0.04,
    impact: 0.8,
  },
  {
    scid: 2500,
    name: 'Block abuse of exploited vulnerable signed drivers',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WIN,
    failRate: 0.55,
    impact: 0.7,
  },
  {
    scid: 2501,
    name: 'Block Office applications from creating child processes',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WC,
    failRate: 0.6,
    impact: 0.8,
  },
  {
    scid: 2502,
    name: 'Block credential stealing from the Windows local security authority subsystem (lsass.exe)',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WIN,
    failRate: 0.45,
    impact: 0.9,
  },
  {
    scid: 2503,
    name: 'Block executable content from email client and webmail',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WC,
    failRate: 0.5,
    impact: 0.6,
  },
  {
    scid: 2504,
    name: 'Block JavaScript or VBScript from launching downloaded executable content',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WC,
    failRate: 0.5,
    impact: 0.6,
  },
  {
    scid: 2505,
    name: 'Block persistence through WMI event subscription',
    category: 'SecurityControls',
    subCategory: 'Attack Surface Reduction',
    component: 'Attack Surface Reduction',
    families: WIN,
    failRate: 0.6,
    impact: 0.5,
  },
  {
    scid: 91,
    name: 'Enable Microsoft Defender Firewall',
    category: 'Network',
    subCategory: 'Firewall',
    component: 'Windows Defender Firewall',
    families: WIN,
    failRate: 0.05,
    impact: 1.5,
  },
  {
    scid: 96,
    name: 'Disable SMBv1 client driver',
    category: 'Network',
    subCategory: 'SMB',
    component: 'SMB',
    families: WIN,
    failRate: 0.12,
    impact: 1.3,
  },
  {
    scid: 97,
    name: 'Disable SMBv1 server',
    category: 'Network',
    subCategory: 'SMB',
    component: 'SMB',
    families: WS,
    failRate: 0.15,
    impact: 1.3,
  },
  {
    scid: 64,
    name: "Set 'Network security: LAN Manager authentication level' to 'Send NTLMv2 response only. Refuse LM & NTLM'",
    category: 'Network',
    subCategory: 'Authentication',
    component: 'Security Options',
    families: WIN,
    failRate: 0.7,
    impact: 0.6,
  },
  {
    scid: 65,
    name: "Disable 'Anonymous enumeration of shares'",
    category: 'Network',
    subCategory: 'Shares',
    component: 'Security Options',
    families: WIN,
    failRate: 0.3,
    impact: 0.4,
  },
  {
    scid: 39,
    name: 'Disable the local storage of passwords and credentials',
    category: 'Accounts',
    subCategory: 'Credentials',
    component: 'Security Options',
    families: WIN,
    failRate: 0.75,
    impact: 0.5,
  },
  {
    scid: 41,
    name: "Set 'Minimum password length' to '14 or more characters'",
    category: 'Accounts',
    subCategory: 'Password Policy',
    component: 'Account Policies',
    families: WIN,
    failRate: 0.4,
    impact: 0.4,
  },
  {
    scid: 45,
    name: 'Disable Built-in Administrator account',
    category: 'Accounts',
    subCategory: 'Local Accounts',
    component: 'Security Options',
    families: WIN,
    failRate: 0.2,
    impact: 0.7,
  },
  {
    scid: 47,
    name: 'Enable Local Admin password management (LAPS)',
    category: 'Accounts',
    subCategory: 'Local Accounts',
    component: 'LAPS',
    families: WIN,
    failRate: 0.35,
    impact: 1.0,
  },
  {
    scid: 11,
    name: 'Turn on BitLocker for operating system drives',
    category: 'OS',
    subCategory: 'Encryption',
    component: 'BitLocker',
    families: WC,
    failRate: 0.12,
    impact: 1.6,
  },
  {
    scid: 25,
    name: 'Enable Credential Guard',
    category: 'OS',
    subCategory: 'Credential Protection',
    component: 'Windows Defender Credential Guard',
    families: WC,
    failRate: 0.55,
    impact: 1.2,
  },
  {
    scid: 26,
    name: 'Turn on User Account Control',
    category: 'OS',
    subCategory: 'UAC',
    component: 'User Account Control',
    families: WIN,
    failRate: 0.03,
    impact: 1.4,
  },
  {
    scid: 34,
    name: 'Disable Autorun for removable media',
    category: 'OS',
    subCategory: 'Removable Media',
    component: 'AutoPlay',
    families: WIN,
    failRate: 0.25,
    impact: 0.5,
  },
  {
    scid: 80,
    name: 'Enable Windows Hello for Business',
    category: 'Accounts',
    subCategory: 'Authentication',
    component: 'Windows Hello',
    families: WC,
    failRate: 0.45,
    impact: 0.6,
  },
  {
    scid: 5001,
    name: 'Enable real-time protection (macOS)',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender for Endpoint (Mac)',
    families: MAC,
    failRate: 0.04,
    impact: 1.0,
  },
  {
    scid: 5003,
    name: 'Turn on FileVault',
    category: 'OS',
    subCategory: 'Encryption',
    component: 'FileVault',
    families: MAC,
    failRate: 0.1,
    impact: 1.2,
  },
  {
    scid: 6001,
    name: 'Enable real-time protection (Linux)',
    category: 'SecurityControls',
    subCategory: 'Antivirus',
    component: 'Microsoft Defender for Endpoint (Linux)',
    families: LIN,
    failRate: 0.1,
    impact: 1.0,
  },
  {
    scid: 6095,
    name: 'Ensure SSH root login is disabled',
    category: 'OS',
    subCategory: 'SSH',
    component: 'OpenSSH',
    families: LIN,
    failRate: 0.3,
    impact: 0.8,
  },
  {
    scid: 6097,
    name: 'Ensure SSH PasswordAuthentication is disabled',
    category: 'OS',
    subCategory: 'SSH',
    component: 'OpenSSH',
    families: LIN,
    failRate: 0.35,
    impact: 0.7,
  },
];

/** Whether device `t` fails configuration check `s` (stateless; neglected devices fail more). */
export function failsSca(
  base: SeedBase,
  t: Traits,
  s: ScaDef,
  key = base.key(Stream.recommendation, t.index),
): boolean {
  if (!s.families.includes(t.family) || t.nonOnboarded) return false;
  const rate = Math.min(0.95, s.failRate * (t.hygiene === 2 ? 1.8 : t.hygiene === 1 ? 1.1 : 0.7));
  return keyUnit(key, s.scid) < rate;
}

export interface ProductExposure {
  installed: number;
  exposed: number;
  exposedHigh: number;
  /** CVEs of the product affecting at least one installed version. */
  weaknesses: number;
  maxCvss: number;
  meanCvss: number;
  publicExploit: boolean;
  activeAlert: boolean;
}

/** `exposureImpact` of a product's `va-` recommendation. */
export function vaExposureImpact(e: ProductExposure, totalDevices: number): number {
  return (
    Math.round(((e.exposed / Math.max(1, totalDevices)) * e.meanCvss * 1.7 + 0.01) * 100000000) / 100000000
  );
}

/** `exposureImpact` of a configuration (`sca-`) recommendation. */
export function scaExposureImpact(c: { applicable: number; failing: number }, s: ScaDef): number {
  return Math.round((c.failing / Math.max(1, c.applicable)) * s.impact * 0.4 * 1000000) / 1000000;
}

/** Number of `va-` recommendations generated (most exposed products first). */
export const VA_COUNT = 70;

export function buildRecommendations(
  base: SeedBase,
  exposure: ProductExposure[],
  scaCounts: { applicable: number; failing: number; failingHigh: number }[],
  totalDevices: number,
): Recommendation[] {
  const rng = base.rng(Stream.recommendation, 0);
  const ranked = PRODUCTS.filter((p) => exposure[p.index].exposed > 0).sort(
    (a, b) =>
      exposure[b.index].exposed * exposure[b.index].meanCvss -
        exposure[a.index].exposed * exposure[a.index].meanCvss || a.index - b.index,
  );
  const out: Recommendation[] = [];
  for (const p of ranked.slice(0, VA_COUNT)) {
    const e = exposure[p.index];
    const osRec = p.isOs;
    const eol = p.name === 'windows_server_2012_r2';
    out.push({
      id: `va-_-${p.vendor}-_-${p.name}`,
      productName: p.name,
      recommendationName: eol
        ? `Upgrade to a supported version of ${p.display}`
        : osRec
          ? `Update ${p.display} (OS and built-in applications)`
          : `Update ${p.display}`,
      weaknesses: e.weaknesses,
      vendor: p.vendor,
      recommendedVersion: osRec ? '' : latest(p),
      recommendedProgram: null,
      recommendedVendor: null,
      recommendationCategory: osRec ? 'OS' : 'Application',
      subCategory: null,
      severityScore: Math.round(e.maxCvss * 100) / 100,
      publicExploit: e.publicExploit,
      activeAlert: e.activeAlert,
      associatedThreats: e.publicExploit && rng.chance(0.3) ? [rng.guid()] : [],
      remediationType: eol ? 'Upgrade' : 'Update',
      status: rng.chance(0.05) ? 'Exception' : 'Active',
      configScoreImpact: 0,
      exposureImpact: vaExposureImpact(e, totalDevices),
      totalMachineCount: e.installed,
      exposedMachinesCount: e.exposed,
      nonProductivityImpactedAssets: 0,
      relatedComponent: p.display,
      exposedCriticalDevices: e.exposedHigh,
    });
  }
  SCA.forEach((s, k) => {
    const c = scaCounts[k];
    if (c.applicable === 0) return;
    out.push({
      id: `sca-_-scid-${s.scid}`,
      productName: null,
      recommendationName: s.name,
      weaknesses: 0,
      vendor: null,
      recommendedVersion: '',
      recommendedProgram: null,
      recommendedVendor: null,
      recommendationCategory: s.category,
      subCategory: s.subCategory,
      severityScore: Math.round(s.impact * 3.5 * 100) / 100,
      publicExploit: false,
      activeAlert: false,
      associatedThreats: [],
      remediationType: 'ConfigurationChange',
      status: 'Active',
      configScoreImpact: Math.round(s.impact * 100) / 100,
      exposureImpact: scaExposureImpact(c, s),
      totalMachineCount: c.applicable,
      exposedMachinesCount: c.failing,
      nonProductivityImpactedAssets: 0,
      relatedComponent: s.component,
      exposedCriticalDevices: c.failingHigh,
    });
  });
  return out;
}

function latest(p: ProductDef): string {
  return p.versions[p.versions.length - 1] ?? '';
}
