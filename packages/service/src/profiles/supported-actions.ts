/** Response actions a profile can carry (CONTRACT.md `Profile.supportedActions`), in display order. */
export const ResponseActions = ['isolate', 'release', 'scan', 'restrict', 'unrestrict', 'collect'] as const;
export type ResponseAction = (typeof ResponseActions)[number];

const LINUX = new Set([
  'linux',
  'ubuntu',
  'debian',
  'redhatenterpriselinux',
  'rhel',
  'centos',
  'oraclelinux',
  'amazonlinux',
  'suse',
  'sles',
  'fedora',
  'rockylinux',
  'almalinux',
]);
const MACOS = new Set(['macos', 'mac', 'osx', 'macosx']);

/**
 * The response actions Defender accepts for a device of this OS, as far as the docs say
 * (`../shared/spec/defender-api.md` §5.2 platform notes); anything else gets 400 `OsPlatformNotSupported`.
 * A pre-flight answer, not a guarantee: the agent version (`ClientVersionNotSupported`) and the licence can
 * still refuse.
 *
 * Facts: full isolation needs Windows 10 1703+ or Windows 11, or a supported Linux; selective isolation and
 * restricting app execution need Windows 10 1709+.
 * Assumptions (no public source pins them down):
 * - a Windows 10 device whose version is unknown is taken to be recent enough;
 * - Windows Server 2012 R2 and 2016 are supported through the unified agent (the offboard doc says so for
 *   offboarding; isolation has caveats there), older servers and Windows 7/8.1 are not;
 * - macOS gets isolate/release, scan and the investigation package, like Linux; app restriction is Windows
 *   only;
 * - release (unisolate) goes wherever isolate goes;
 * - iOS, Android and unknown platforms support nothing.
 *
 * @example supportedActionsFor('Windows10', '1607') // ['scan', 'collect']
 */
export function supportedActionsFor(osPlatform: string | null, version: string | null): ResponseAction[] {
  const os = (osPlatform ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s_-]/g, '');
  if (os === '') return [];
  if (os === 'windows11') return [...ResponseActions];
  if (os === 'windows10') {
    const release = windows10Release(version);
    const actions: ResponseAction[] = [];
    if (release === null || release >= 1703) actions.push('isolate', 'release');
    actions.push('scan');
    if (release === null || release >= 1709) actions.push('restrict', 'unrestrict');
    actions.push('collect');
    return actions;
  }
  const server = /^windowsserver(\d{4})(r2)?$/.exec(os);
  if (server) {
    const year = Number(server[1]);
    return year > 2012 || (year === 2012 && server[2] === 'r2') ? [...ResponseActions] : [];
  }
  if (LINUX.has(os) || MACOS.has(os)) return ['isolate', 'release', 'scan', 'collect'];
  return [];
}

/**
 * A Windows 10 release as YYMM (`1703`, `21H2` → 2109, `20H2` → 2009); null when unknown. Defender's
 * `version` holds the release; `osVersion` may hold a build (`10.0.19045`), which says nothing here.
 */
function windows10Release(version: string | null): number | null {
  const text = (version ?? '').trim().toUpperCase();
  const yymm = /^(\d{2})(\d{2})$/.exec(text);
  if (yymm) return Number(text);
  const half = /^(\d{2})H([12])$/.exec(text);
  if (half) return Number(half[1]) * 100 + (half[2] === '1' ? 3 : 9);
  return null;
}
