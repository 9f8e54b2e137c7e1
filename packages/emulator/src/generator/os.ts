/**
 * Operating-system profiles: what `osPlatform`, `version`, `osBuild` a device reports, which product it is
 * in the software inventory, and which response actions its agent supports (spec 5.2 platform notes).
 */
import type { DeviceRecord, OsFamily } from './types.js';

export type Supports = DeviceRecord['supports'];

export interface OsProfile {
  key: string;
  family: OsFamily;
  osPlatform: string;
  version: string;
  osBuild: number | null;
  /** Linux/macOS/mobile: human OS version (Windows: null as in real responses). */
  osVersion: string | null;
  /** DeviceInfo.OSDistribution. */
  distribution: string;
  /** Software inventory product for the OS. */
  osProduct: { vendor: string; name: string };
  /** Monthly patch versions of the OS product, oldest first (latest last). */
  patchVersions: readonly string[];
  /** Base of `agentVersion` (revision appended). */
  agentBase: string;
  supports: Supports;
  /** Relative weight within the family. */
  weight: number;
  /** Profile key this one upgrades to (feature update), if any. */
  upgradesTo?: string;
  osProcessor: 'x64' | 'x86' | 'arm64';
  arch32?: boolean;
}

const NONE: Supports = Object.freeze({
  isolate: false,
  selectiveIsolate: false,
  avScan: false,
  restrict: false,
  offboard: false,
  liveResponse: false,
});

function s(
  isolate: boolean,
  selectiveIsolate: boolean,
  avScan: boolean,
  restrict: boolean,
  offboard: boolean,
  liveResponse: boolean,
): Supports {
  return Object.freeze({ isolate, selectiveIsolate, avScan, restrict, offboard, liveResponse });
}

const WIN_MODERN = s(true, true, true, true, true, true);
/** Windows 10 1703: full isolation and offboard yes, selective isolation needs 1709+ (spec 5.2). */
const WIN_1703 = s(true, false, true, true, true, false);
/** Windows 10 1607: isolation needs 1703+, offboard too. */
const WIN_1607 = s(false, false, true, true, false, false);
/** Server 2012 R2 / 2016 on the legacy MMA sensor: no offboard API, no selective isolation, no live response. */
const SERVER_LEGACY = s(true, false, true, true, false, false);
/** macOS/Linux: isolation (full) yes, no offboard API, no restrict-app-execution. */
const UNIX = s(true, false, true, false, false, true);

function winPatches(build: string, revs: number[]): string[] {
  return revs.map((r) => `${build}.${r}`);
}

export const OS_PROFILES: readonly OsProfile[] = [
  // Windows client
  {
    key: 'w10-1607',
    family: 'windows',
    osPlatform: 'Windows10',
    version: '1607',
    osBuild: 14393,
    osVersion: null,
    distribution: 'Windows 10',
    osProduct: { vendor: 'microsoft', name: 'windows_10' },
    patchVersions: winPatches(
      '10.0.14393',
      [6167, 6252, 6351, 6452, 6529, 6614, 6709, 6796, 6897, 6981, 7070, 7159],
    ),
    agentBase: '10.8760.14393',
    supports: WIN_1607,
    weight: 1,
    osProcessor: 'x64',
    arch32: true,
  },
  {
    key: 'w10-1703',
    family: 'windows',
    osPlatform: 'Windows10',
    version: '1703',
    osBuild: 15063,
    osVersion: null,
    distribution: 'Windows 10',
    osProduct: { vendor: 'microsoft', name: 'windows_10' },
    patchVersions: winPatches(
      '10.0.15063',
      [2439, 2457, 2500, 2525, 2584, 2614, 2632, 2679, 2702, 2727, 2745, 2748],
    ),
    agentBase: '10.8760.15063',
    supports: WIN_1703,
    weight: 1,
    osProcessor: 'x64',
  },
  {
    key: 'w10-1709',
    family: 'windows',
    osPlatform: 'Windows10',
    version: '1709',
    osBuild: 16299,
    osVersion: null,
    distribution: 'Windows 10',
    osProduct: { vendor: 'microsoft', name: 'windows_10' },
    patchVersions: winPatches(
      '10.0.16299',
      [2045, 2107, 2166, 2194, 2235, 2264, 2311, 2357, 2416, 2464, 2500, 2548],
    ),
    agentBase: '10.8760.16299',
    supports: WIN_MODERN,
    weight: 1,
    osProcessor: 'x64',
  },
  {
    key: 'w10-21h2',
    family: 'windows',
    osPlatform: 'Windows10',
    version: '21H2',
    osBuild: 19044,
    osVersion: null,
    distribution: 'Windows 10',
    osProduct: { vendor: 'microsoft', name: 'windows_10' },
    patchVersions: winPatches(
      '10.0.19044',
      [3803, 3930, 4046, 4170, 4291, 4412, 4529, 4651, 4780, 4894, 5011, 5131],
    ),
    agentBase: '10.8760.19041',
    supports: WIN_MODERN,
    weight: 20,
    upgradesTo: 'w10-22h2',
    osProcessor: 'x64',
  },
  {
    key: 'w10-22h2',
    family: 'windows',
    osPlatform: 'Windows10',
    version: '22H2',
    osBuild: 19045,
    osVersion: null,
    distribution: 'Windows 10',
    osProduct: { vendor: 'microsoft', name: 'windows_10' },
    patchVersions: winPatches(
      '10.0.19045',
      [3803, 3930, 4046, 4170, 4291, 4412, 4529, 4651, 4780, 4894, 5011, 5131],
    ),
    agentBase: '10.8760.19041',
    supports: WIN_MODERN,
    weight: 30,
    osProcessor: 'x64',
  },
  {
    key: 'w11-21h2',
    family: 'windows',
    osPlatform: 'Windows11',
    version: '21H2',
    osBuild: 22000,
    osVersion: null,
    distribution: 'Windows 11',
    osProduct: { vendor: 'microsoft', name: 'windows_11' },
    patchVersions: winPatches(
      '10.0.22000',
      [2652, 2713, 2777, 2836, 2899, 2960, 3019, 3079, 3147, 3197, 3260, 3311],
    ),
    agentBase: '10.8760.22000',
    supports: WIN_MODERN,
    weight: 4,
    upgradesTo: 'w11-22h2',
    osProcessor: 'x64',
  },
  {
    key: 'w11-22h2',
    family: 'windows',
    osPlatform: 'Windows11',
    version: '22H2',
    osBuild: 22621,
    osVersion: null,
    distribution: 'Windows 11',
    osProduct: { vendor: 'microsoft', name: 'windows_11' },
    patchVersions: winPatches(
      '10.0.22621',
      [2861, 3007, 3155, 3296, 3447, 3593, 3737, 3880, 4037, 4169, 4317, 4460],
    ),
    agentBase: '10.8760.22621',
    supports: WIN_MODERN,
    weight: 15,
    upgradesTo: 'w11-23h2',
    osProcessor: 'x64',
  },
  {
    key: 'w11-23h2',
    family: 'windows',
    osPlatform: 'Windows11',
    version: '23H2',
    osBuild: 22631,
    osVersion: null,
    distribution: 'Windows 11',
    osProduct: { vendor: 'microsoft', name: 'windows_11' },
    patchVersions: winPatches(
      '10.0.22631',
      [2861, 3007, 3155, 3296, 3447, 3593, 3737, 3880, 4037, 4169, 4317, 4460],
    ),
    agentBase: '10.8760.22621',
    supports: WIN_MODERN,
    weight: 28,
    osProcessor: 'x64',
  },
  // Windows Server
  {
    key: 'ws2012r2',
    family: 'windowsServer',
    osPlatform: 'WindowsServer2012R2',
    version: 'Other',
    osBuild: 9600,
    osVersion: null,
    distribution: 'Windows Server 2012 R2',
    osProduct: { vendor: 'microsoft', name: 'windows_server_2012_r2' },
    patchVersions: winPatches(
      '6.3.9600',
      [21620, 21668, 21715, 21763, 21811, 21853, 21897, 21924, 21980, 22023, 22074, 22134],
    ),
    agentBase: '10.8760.9600',
    supports: WIN_MODERN,
    weight: 8,
    osProcessor: 'x64',
  },
  {
    key: 'ws2016',
    family: 'windowsServer',
    osPlatform: 'WindowsServer2016',
    version: '1607',
    osBuild: 14393,
    osVersion: null,
    distribution: 'Windows Server 2016',
    osProduct: { vendor: 'microsoft', name: 'windows_server_2016' },
    patchVersions: winPatches(
      '10.0.14393',
      [6167, 6252, 6351, 6452, 6529, 6614, 6709, 6796, 6897, 6981, 7070, 7159],
    ),
    agentBase: '10.8760.14393',
    supports: WIN_MODERN,
    weight: 20,
    osProcessor: 'x64',
  },
  {
    key: 'ws2019',
    family: 'windowsServer',
    osPlatform: 'WindowsServer2019',
    version: '1809',
    osBuild: 17763,
    osVersion: null,
    distribution: 'Windows Server 2019',
    osProduct: { vendor: 'microsoft', name: 'windows_server_2019' },
    patchVersions: winPatches(
      '10.0.17763',
      [4974, 5122, 5206, 5329, 5458, 5576, 5696, 5830, 5936, 6054, 6189, 6293],
    ),
    agentBase: '10.8760.17763',
    supports: WIN_MODERN,
    weight: 35,
    osProcessor: 'x64',
  },
  {
    key: 'ws2022',
    family: 'windowsServer',
    osPlatform: 'WindowsServer2022',
    version: '21H2',
    osBuild: 20348,
    osVersion: null,
    distribution: 'Windows Server 2022',
    osProduct: { vendor: 'microsoft', name: 'windows_server_2022' },
    patchVersions: winPatches(
      '10.0.20348',
      [1970, 2031, 2113, 2159, 2227, 2322, 2402, 2461, 2527, 2582, 2655, 2700],
    ),
    agentBase: '10.8760.20348',
    supports: WIN_MODERN,
    weight: 37,
    osProcessor: 'x64',
  },
  // macOS
  {
    key: 'mac-13',
    family: 'macos',
    osPlatform: 'macOS',
    version: '13.6',
    osBuild: null,
    osVersion: '13.6.7',
    distribution: 'macOS',
    osProduct: { vendor: 'apple', name: 'macos' },
    patchVersions: ['13.6.0', '13.6.1', '13.6.3', '13.6.4', '13.6.5', '13.6.6', '13.6.7', '13.6.9'],
    agentBase: '101.24042',
    supports: UNIX,
    weight: 25,
    upgradesTo: 'mac-14',
    osProcessor: 'x64',
  },
  {
    key: 'mac-14',
    family: 'macos',
    osPlatform: 'macOS',
    version: '14.5',
    osBuild: null,
    osVersion: '14.5',
    distribution: 'macOS',
    osProduct: { vendor: 'apple', name: 'macos' },
    patchVersions: ['14.0', '14.1', '14.1.2', '14.2.1', '14.3.1', '14.4', '14.4.1', '14.5'],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 55,
    upgradesTo: 'mac-15',
    osProcessor: 'arm64',
  },
  {
    key: 'mac-15',
    family: 'macos',
    osPlatform: 'macOS',
    version: '15.1',
    osBuild: null,
    osVersion: '15.1',
    distribution: 'macOS',
    osProduct: { vendor: 'apple', name: 'macos' },
    patchVersions: ['15.0', '15.0.1', '15.1', '15.1.1', '15.2', '15.3', '15.3.1', '15.3.2'],
    agentBase: '101.24092',
    supports: UNIX,
    weight: 20,
    osProcessor: 'arm64',
  },
  // Linux
  {
    key: 'ubuntu-2004',
    family: 'linux',
    osPlatform: 'Linux',
    version: '20.4',
    osBuild: null,
    osVersion: 'Ubuntu 20.04.6 LTS',
    distribution: 'Ubuntu',
    osProduct: { vendor: 'canonical', name: 'ubuntu_linux' },
    patchVersions: [
      '5.4.0.162',
      '5.4.0.164',
      '5.4.0.165',
      '5.4.0.167',
      '5.4.0.169',
      '5.4.0.170',
      '5.4.0.172',
      '5.4.0.173',
    ],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 20,
    osProcessor: 'x64',
  },
  {
    key: 'ubuntu-2204',
    family: 'linux',
    osPlatform: 'Linux',
    version: '22.4',
    osBuild: null,
    osVersion: 'Ubuntu 22.04.4 LTS',
    distribution: 'Ubuntu',
    osProduct: { vendor: 'canonical', name: 'ubuntu_linux' },
    patchVersions: [
      '5.15.0.91',
      '5.15.0.94',
      '5.15.0.97',
      '5.15.0.100',
      '5.15.0.101',
      '5.15.0.102',
      '5.15.0.105',
      '5.15.0.107',
    ],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 35,
    osProcessor: 'x64',
  },
  {
    key: 'rhel-8',
    family: 'linux',
    osPlatform: 'Linux',
    version: '8.9',
    osBuild: null,
    osVersion: 'Red Hat Enterprise Linux 8.9',
    distribution: 'RedHat',
    osProduct: { vendor: 'redhat', name: 'enterprise_linux' },
    patchVersions: [
      '4.18.0.513.5.1',
      '4.18.0.513.9.1',
      '4.18.0.513.11.1',
      '4.18.0.513.18.1',
      '4.18.0.513.24.1',
      '4.18.0.553.5.1',
      '4.18.0.553.8.1',
      '4.18.0.553.16.1',
    ],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 20,
    osProcessor: 'x64',
  },
  {
    key: 'rhel-9',
    family: 'linux',
    osPlatform: 'Linux',
    version: '9.4',
    osBuild: null,
    osVersion: 'Red Hat Enterprise Linux 9.4',
    distribution: 'RedHat',
    osProduct: { vendor: 'redhat', name: 'enterprise_linux' },
    patchVersions: [
      '5.14.0.362.8.1',
      '5.14.0.362.13.1',
      '5.14.0.362.18.1',
      '5.14.0.362.24.1',
      '5.14.0.427.13.1',
      '5.14.0.427.16.1',
      '5.14.0.427.18.1',
      '5.14.0.427.22.1',
    ],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 15,
    osProcessor: 'x64',
  },
  {
    key: 'debian-12',
    family: 'linux',
    osPlatform: 'Linux',
    version: '12',
    osBuild: null,
    osVersion: 'Debian GNU/Linux 12 (bookworm)',
    distribution: 'Debian',
    osProduct: { vendor: 'debian', name: 'debian_linux' },
    patchVersions: [
      '6.1.0.13',
      '6.1.0.15',
      '6.1.0.16',
      '6.1.0.17',
      '6.1.0.18',
      '6.1.0.20',
      '6.1.0.21',
      '6.1.0.22',
    ],
    agentBase: '101.24052',
    supports: UNIX,
    weight: 10,
    osProcessor: 'x64',
  },
  // Mobile
  {
    key: 'ios-17',
    family: 'ios',
    osPlatform: 'iOS',
    version: '17.5',
    osBuild: null,
    osVersion: '17.5.1',
    distribution: 'iOS',
    osProduct: { vendor: 'apple', name: 'iphone_os' },
    patchVersions: ['17.0.3', '17.1.2', '17.2.1', '17.3.1', '17.4', '17.4.1', '17.5', '17.5.1'],
    agentBase: '1.1.54',
    supports: NONE,
    weight: 60,
    osProcessor: 'arm64',
  },
  {
    key: 'android-14',
    family: 'android',
    osPlatform: 'Android',
    version: '14',
    osBuild: null,
    osVersion: '14',
    distribution: 'Android',
    osProduct: { vendor: 'google', name: 'android' },
    patchVersions: [
      '14.0.2023-11',
      '14.0.2023-12',
      '14.0.2024-01',
      '14.0.2024-02',
      '14.0.2024-03',
      '14.0.2024-04',
      '14.0.2024-05',
      '14.0.2024-06',
    ],
    agentBase: '1.0.6216',
    supports: NONE,
    weight: 40,
    osProcessor: 'arm64',
  },
];

export const OS_BY_KEY: ReadonlyMap<string, OsProfile> = new Map(OS_PROFILES.map((p) => [p.key, p]));

/** Legacy (MMA) sensor variant of Server 2012 R2 / 2016 profiles. */
export const SUPPORTS_SERVER_LEGACY = SERVER_LEGACY;
/** No response action (mobile, devices that are not onboarded). */
export const SUPPORTS_NONE = NONE;

/** Share of each family among devices. */
export const FAMILY_WEIGHTS: readonly (readonly [OsFamily, number])[] = [
  ['windows', 64],
  ['windowsServer', 15],
  ['macos', 8],
  ['linux', 9],
  ['ios', 2.5],
  ['android', 1.5],
];
