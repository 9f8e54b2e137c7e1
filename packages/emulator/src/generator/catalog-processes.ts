/**
 * Executable images and network destinations that telemetry, alerts and scenarios draw from.
 * Hashes are pseudo digests of (folder, file, version): stable across tenants, like real binaries.
 */
import { pseudoDigest } from './prng.js';

export interface Image {
  fileName: string;
  folderPath: string;
  company: string;
  product: string;
  description: string;
  version: string;
  size: number;
  sha1: string;
  sha256: string;
  md5: string;
  signer: 'OsVendor' | 'Vendor' | 'Unknown';
  signatureStatus: 'Valid' | 'Unsigned';
}

const cache = new Map<string, Image>();
const digests = new Map<string, Pick<Image, 'sha1' | 'sha256' | 'md5' | 'size'>>();

/**
 * Image for a full path (folder + file). Unknown images get Unknown metadata and no signature. Hashes
 * depend on the file (name, version, company), not on the folder, like a real binary copied around.
 */
export function image(
  path: string,
  meta?: Partial<Pick<Image, 'company' | 'product' | 'description' | 'version'>>,
): Image {
  const key = meta?.version ? `${path}|${meta.version}` : path;
  const hit = cache.get(key);
  if (hit) return hit;
  const sep = path.includes('\\') ? '\\' : '/';
  const cut = path.lastIndexOf(sep);
  const fileName = path.slice(cut + 1);
  const lower = path.toLowerCase();
  const isMs = lower.includes('\\windows\\') || lower.includes('microsoft') || lower.includes('office');
  const known = KNOWN[fileName.toLowerCase()];
  const company = meta?.company ?? known?.[0] ?? (isMs ? 'Microsoft Corporation' : '');
  const version = meta?.version ?? known?.[3] ?? (isMs ? '10.0.19041.4355' : '');
  const dkey = `${fileName.toLowerCase()}|${version}|${company}`;
  let dg = digests.get(dkey);
  if (!dg) {
    dg = {
      sha1: pseudoDigest(`sha1:${dkey}`, 40),
      sha256: pseudoDigest(`sha256:${dkey}`, 64),
      md5: pseudoDigest(`md5:${dkey}`, 32),
      size: 20_000 + (Number.parseInt(pseudoDigest(`size:${dkey}`, 6), 16) % 4_000_000),
    };
    if (digests.size >= 20_000) digests.clear();
    digests.set(dkey, dg);
  }
  const img: Image = {
    fileName,
    folderPath: path,
    company,
    product: meta?.product ?? known?.[1] ?? (isMs ? 'Microsoft® Windows® Operating System' : ''),
    description: meta?.description ?? known?.[2] ?? fileName,
    version,
    size: dg.size,
    sha1: dg.sha1,
    sha256: dg.sha256,
    md5: dg.md5,
    signer: company === 'Microsoft Corporation' ? 'OsVendor' : company ? 'Vendor' : 'Unknown',
    signatureStatus: company ? 'Valid' : 'Unsigned',
  };
  // Bounded: per-user paths would otherwise grow the cache with the tenant size.
  if (cache.size >= 20_000) cache.clear();
  cache.set(key, img);
  return img;
}

/** fileName (lower case) → [company, product, description, version]. */
const KNOWN: Record<string, [string, string, string, string]> = {
  'msedge.exe': ['Microsoft Corporation', 'Microsoft Edge', 'Microsoft Edge', '126.0.2592.87'],
  'chrome.exe': ['Google LLC', 'Google Chrome', 'Google Chrome', '126.0.6478.127'],
  'firefox.exe': ['Mozilla Corporation', 'Firefox', 'Firefox', '127.0.2'],
  'outlook.exe': ['Microsoft Corporation', 'Microsoft Outlook', 'Microsoft Outlook', '16.0.17726.20160'],
  'winword.exe': ['Microsoft Corporation', 'Microsoft Office', 'Microsoft Word', '16.0.17726.20160'],
  'excel.exe': ['Microsoft Corporation', 'Microsoft Office', 'Microsoft Excel', '16.0.17726.20160'],
  'ms-teams.exe': ['Microsoft Corporation', 'Microsoft Teams', 'Microsoft Teams', '24124.2315.2911.3357'],
  'onedrive.exe': ['Microsoft Corporation', 'Microsoft OneDrive', 'Microsoft OneDrive', '24.116.0609.0004'],
  'msmpeng.exe': [
    'Microsoft Corporation',
    'Microsoft Malware Protection',
    'Antimalware Service Executable',
    '4.18.24050.7',
  ],
  'mpcmdrun.exe': [
    'Microsoft Corporation',
    'Microsoft Malware Protection',
    'Microsoft Malware Protection Command Line Utility',
    '4.18.24050.7',
  ],
  'mssense.exe': [
    'Microsoft Corporation',
    'Microsoft Defender for Endpoint',
    'Windows Defender Advanced Threat Protection Service Executable',
    '10.8760.19041.4355',
  ],
  'sensecncproxy.exe': [
    'Microsoft Corporation',
    'Microsoft Defender for Endpoint',
    'Windows Defender Advanced Threat Protection Communication Module',
    '10.8760.19041.4355',
  ],
  'code.exe': ['Microsoft Corporation', 'Visual Studio Code', 'Visual Studio Code', '1.90.2'],
  'git.exe': ['The Git Development Community', 'Git', 'Git for Windows', '2.45.2.1'],
  'w3wp.exe': [
    'Microsoft Corporation',
    'Internet Information Services',
    'IIS Worker Process',
    '10.0.17763.1',
  ],
  'sqlservr.exe': [
    'Microsoft Corporation',
    'Microsoft SQL Server',
    'SQL Server Windows NT - 64 Bit',
    '2019.150.4375.4',
  ],
  'googleupdate.exe': ['Google LLC', 'Google Update', 'Google Installer', '1.3.36.372'],
  'zoom.exe': ['Zoom Video Communications, Inc.', 'Zoom', 'Zoom Meetings', '6.1.1.41705'],
  'acrord32.exe': [
    'Adobe Systems Incorporated',
    'Adobe Acrobat Reader',
    'Adobe Acrobat Reader',
    '24.2.20857.0',
  ],
};

/** The same binary at another path (per-user installs, downloads): shares the cached image's hashes. */
export function relocate(img: Image, folderPath: string): Image {
  return { ...img, folderPath };
}

const userCache = new Map<string, Image>();
/** Image of `C:\\Users\\<user>\\<rest>`: hashes from the file, path per user (not cached per user). */
export function userImage(
  user: string,
  rest: string,
  meta?: Partial<Pick<Image, 'company' | 'product' | 'description' | 'version'>>,
): Image {
  let baseImg = userCache.get(rest);
  if (!baseImg) {
    baseImg = image(`C:\\Users\\user\\${rest}`, meta);
    userCache.set(rest, baseImg);
  }
  return relocate(baseImg, ['C:\\Users\\', user, '\\', rest].join(''));
}

function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => {
    if (v === undefined) v = f();
    return v;
  };
}

const SYS32 = 'C:\\Windows\\System32\\';
const PROG = 'C:\\Program Files\\';
const PROG86 = 'C:\\Program Files (x86)\\';

export const WIN = {
  smss: once(() => image(`${SYS32}smss.exe`)),
  wininit: once(() => image(`${SYS32}wininit.exe`)),
  services: once(() => image(`${SYS32}services.exe`)),
  svchost: once(() => image(`${SYS32}svchost.exe`)),
  lsass: once(() => image(`${SYS32}lsass.exe`)),
  userinit: once(() => image(`${SYS32}userinit.exe`)),
  explorer: once(() => image('C:\\Windows\\explorer.exe')),
  msedge: once(() => image(`${PROG86}Microsoft\\Edge\\Application\\msedge.exe`)),
  chrome: once(() => image(`${PROG}Google\\Chrome\\Application\\chrome.exe`)),
  outlook: once(() => image(`${PROG}Microsoft Office\\root\\Office16\\OUTLOOK.EXE`)),
  winword: once(() => image(`${PROG}Microsoft Office\\root\\Office16\\WINWORD.EXE`)),
  excel: once(() => image(`${PROG}Microsoft Office\\root\\Office16\\EXCEL.EXE`)),
  teams: (user: string) => userImage(user, 'AppData\\Local\\Microsoft\\WindowsApps\\ms-teams.exe'),
  onedrive: (user: string) => userImage(user, 'AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe'),
  msmpeng: once(() =>
    image('C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24050.7-0\\MsMpEng.exe'),
  ),
  mpcmdrun: once(() =>
    image('C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24050.7-0\\MpCmdRun.exe'),
  ),
  mssense: once(() => image(`${PROG}Windows Defender Advanced Threat Protection\\MsSense.exe`)),
  sensecnc: once(() => image(`${PROG}Windows Defender Advanced Threat Protection\\SenseCncProxy.exe`)),
  cmd: once(() => image(`${SYS32}cmd.exe`)),
  conhost: once(() => image(`${SYS32}conhost.exe`)),
  powershell: once(() => image(`${SYS32}WindowsPowerShell\\v1.0\\powershell.exe`)),
  rundll32: once(() => image(`${SYS32}rundll32.exe`)),
  regsvr32: once(() => image(`${SYS32}regsvr32.exe`)),
  mshta: once(() => image(`${SYS32}mshta.exe`)),
  certutil: once(() => image(`${SYS32}certutil.exe`)),
  wscript: once(() => image(`${SYS32}wscript.exe`)),
  bitsadmin: once(() => image(`${SYS32}bitsadmin.exe`)),
  schtasks: once(() => image(`${SYS32}schtasks.exe`)),
  whoami: once(() => image(`${SYS32}whoami.exe`)),
  net: once(() => image(`${SYS32}net.exe`)),
  nltest: once(() => image(`${SYS32}nltest.exe`)),
  wmiprvse: once(() => image(`${SYS32}wbem\\WmiPrvSE.exe`)),
  taskhostw: once(() => image(`${SYS32}taskhostw.exe`)),
  backgroundTaskHost: once(() => image(`${SYS32}backgroundTaskHost.exe`)),
  searchProtocolHost: once(() => image(`${SYS32}SearchProtocolHost.exe`)),
  compattelrunner: once(() => image(`${SYS32}CompatTelRunner.exe`)),
  msiexec: once(() => image(`${SYS32}msiexec.exe`)),
  wuauclt: once(() => image(`${SYS32}wuauclt.exe`)),
  code: (user: string) => userImage(user, 'AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe'),
  git: once(() => image(`${PROG}Git\\cmd\\git.exe`)),
  googleupdate: once(() => image(`${PROG86}Google\\Update\\GoogleUpdate.exe`)),
  w3wp: once(() => image(`${SYS32}inetsrv\\w3wp.exe`)),
  sqlservr: once(() => image(`${PROG}Microsoft SQL Server\\MSSQL15.MSSQLSERVER\\MSSQL\\Binn\\sqlservr.exe`)),
  zoom: (user: string) => userImage(user, 'AppData\\Roaming\\Zoom\\bin\\Zoom.exe'),
};

export const UNIX = {
  systemd: once(() =>
    image('/usr/lib/systemd/systemd', { company: '', description: 'systemd', version: '' }),
  ),
  sshd: once(() => image('/usr/sbin/sshd')),
  bash: once(() => image('/usr/bin/bash')),
  python3: once(() => image('/usr/bin/python3.10')),
  curl: once(() => image('/usr/bin/curl')),
  apt: once(() => image('/usr/bin/apt-get')),
  cron: once(() => image('/usr/sbin/cron')),
  dockerd: once(() => image('/usr/bin/dockerd')),
  wdavdaemon: once(() => image('/opt/microsoft/mdatp/sbin/wdavdaemon')),
  java: once(() => image('/usr/lib/jvm/java-17-openjdk-amd64/bin/java')),
  nginx: once(() => image('/usr/sbin/nginx')),
  launchd: once(() => image('/sbin/launchd')),
  zsh: once(() => image('/bin/zsh')),
  edgeMac: once(() => image('/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge')),
  chromeMac: once(() => image('/Applications/Google Chrome.app/Contents/MacOS/Google Chrome')),
  teamsMac: once(() => image('/Applications/Microsoft Teams.app/Contents/MacOS/MSTeams')),
  softwareupdated: once(() =>
    image('/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Resources/softwareupdated'),
  ),
  wdavdaemonMac: once(() =>
    image(
      '/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise.app/Contents/MacOS/wdavdaemon_enterprise',
    ),
  ),
  curlMac: once(() => image('/usr/bin/curl')),
};

export interface Destination {
  url: string | null;
  ips: readonly string[];
  port: number;
  protocol: 'Tcp' | 'Udp';
}

/** Benign destinations per initiating process kind. */
export const DEST = {
  microsoft: [
    {
      url: 'login.microsoftonline.com',
      ips: ['20.190.151.7', '20.190.159.2', '40.126.31.67'],
      port: 443,
      protocol: 'Tcp',
    },
    { url: 'graph.microsoft.com', ips: ['20.190.152.17', '20.190.160.22'], port: 443, protocol: 'Tcp' },
    {
      url: 'settings-win.data.microsoft.com',
      ips: ['51.104.15.252', '20.42.65.90'],
      port: 443,
      protocol: 'Tcp',
    },
    {
      url: 'v10.events.data.microsoft.com',
      ips: ['13.69.239.72', '20.42.73.29'],
      port: 443,
      protocol: 'Tcp',
    },
    { url: 'ctldl.windowsupdate.com', ips: ['93.184.221.240', '8.253.193.121'], port: 80, protocol: 'Tcp' },
    {
      url: 'fe3cr.delivery.mp.microsoft.com',
      ips: ['20.12.23.50', '52.137.106.217'],
      port: 443,
      protocol: 'Tcp',
    },
  ],
  defender: [
    { url: 'winatp-gw-eus.microsoft.com', ips: ['20.42.73.28', '20.44.10.122'], port: 443, protocol: 'Tcp' },
    { url: 'winatp-gw-weu.microsoft.com', ips: ['20.50.73.11', '52.178.17.2'], port: 443, protocol: 'Tcp' },
    { url: 'wdcp.microsoft.com', ips: ['52.184.217.56', '20.45.1.107'], port: 443, protocol: 'Tcp' },
    {
      url: 'definitionupdates.microsoft.com',
      ips: ['20.101.57.9', '13.107.4.50'],
      port: 443,
      protocol: 'Tcp',
    },
  ],
  browser: [
    { url: 'www.bing.com', ips: ['13.107.21.200', '204.79.197.200'], port: 443, protocol: 'Tcp' },
    { url: 'www.google.com', ips: ['142.250.185.100', '172.217.16.196'], port: 443, protocol: 'Tcp' },
    { url: 'www.office.com', ips: ['52.98.152.50', '40.99.204.34'], port: 443, protocol: 'Tcp' },
    { url: 'github.com', ips: ['140.82.121.4', '140.82.112.3'], port: 443, protocol: 'Tcp' },
    { url: 'stackoverflow.com', ips: ['104.18.32.7', '172.64.155.249'], port: 443, protocol: 'Tcp' },
    { url: 'www.linkedin.com', ips: ['13.107.42.14'], port: 443, protocol: 'Tcp' },
    { url: 'en.wikipedia.org', ips: ['185.15.59.224'], port: 443, protocol: 'Tcp' },
    { url: 'www.youtube.com', ips: ['142.250.186.142', '172.217.18.14'], port: 443, protocol: 'Tcp' },
    { url: 'cdn.jsdelivr.net', ips: ['151.101.1.229', '104.16.85.20'], port: 443, protocol: 'Tcp' },
  ],
  office: [
    { url: 'outlook.office365.com', ips: ['52.97.146.162', '40.99.10.18'], port: 443, protocol: 'Tcp' },
    { url: 'teams.microsoft.com', ips: ['52.113.194.132', '52.114.128.10'], port: 443, protocol: 'Tcp' },
    { url: 'contoso.sharepoint.com', ips: ['13.107.136.9', '13.107.138.9'], port: 443, protocol: 'Tcp' },
    { url: 'officeclient.microsoft.com', ips: ['52.109.8.19', '52.109.12.21'], port: 443, protocol: 'Tcp' },
  ],
  unix: [
    { url: 'archive.ubuntu.com', ips: ['91.189.91.82', '185.125.190.36'], port: 80, protocol: 'Tcp' },
    { url: 'security.ubuntu.com', ips: ['91.189.91.83', '185.125.190.39'], port: 80, protocol: 'Tcp' },
    { url: 'packages.microsoft.com', ips: ['13.80.99.124', '40.114.136.21'], port: 443, protocol: 'Tcp' },
    { url: 'registry-1.docker.io', ips: ['54.236.113.205', '3.219.239.5'], port: 443, protocol: 'Tcp' },
    { url: 'pypi.org', ips: ['151.101.0.223', '151.101.64.223'], port: 443, protocol: 'Tcp' },
    { url: null, ips: ['169.254.169.254'], port: 80, protocol: 'Tcp' },
  ],
  ntp: [{ url: 'time.windows.com', ips: ['20.101.57.9', '40.119.6.228'], port: 123, protocol: 'Udp' }],
} satisfies Record<string, Destination[]>;

/** Attacker infrastructure for scenarios and alerts (no real organisation is implied). */
export const BAD_DESTINATIONS: readonly Destination[] = [
  { url: 'cdn-update-check.net', ips: ['185.220.101.34', '185.220.101.57'], port: 443, protocol: 'Tcp' },
  { url: 'login-microsoftonline-sso.com', ips: ['45.137.22.118'], port: 443, protocol: 'Tcp' },
  { url: 'files-share-docs.org', ips: ['91.215.85.42', '91.215.85.77'], port: 80, protocol: 'Tcp' },
  { url: 'api.telemetry-sync.io', ips: ['193.142.146.35'], port: 8443, protocol: 'Tcp' },
  { url: null, ips: ['194.165.16.11', '103.75.201.2', '5.188.206.14'], port: 4444, protocol: 'Tcp' },
  { url: null, ips: ['179.43.187.138', '146.70.86.66'], port: 8080, protocol: 'Tcp' },
  { url: 'pastebin.com', ips: ['104.20.67.143', '172.67.34.170'], port: 443, protocol: 'Tcp' },
  {
    url: 'raw.githubusercontent.com',
    ips: ['185.199.108.133', '185.199.111.133'],
    port: 443,
    protocol: 'Tcp',
  },
  { url: 'update-office365-cdn.com', ips: ['89.248.165.71'], port: 443, protocol: 'Tcp' },
  { url: null, ips: ['198.98.51.189'], port: 53, protocol: 'Udp' },
];
