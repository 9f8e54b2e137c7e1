/**
 * Device telemetry as a deterministic function of (seed, device, day/hour).
 *
 * Each day a device is up it has a *session*: the long-lived processes (services, svchost, explorer,
 * browsers, the Defender sensor...) created at the session start. Each up hour adds a few short-lived
 * processes, network connections (by session or short-lived processes created earlier), file events and
 * logons. Every network/file event's initiating process is a process row of the same device (created
 * before the event) and so is that process's parent.
 */
import {
  type Account,
  type FileEvent,
  LOCAL_SERVICE,
  type LogonEvent,
  NETWORK_SERVICE,
  type NetEvent,
  type Proc,
  rootAccount,
  SYSTEM,
  userAccount,
} from './activity.js';
import { DEST, type Destination, type Image, image, UNIX, userImage, WIN } from './catalog-processes.js';
import { PRODUCT_BY_ID, type ProductDef } from './catalog-software.js';
import type { Ctx } from './context.js';
import { hostNameFor, isMobile, type Traits } from './devices.js';
import { type Rng, Stream } from './prng.js';
import { hasProduct } from './software.js';
import { DAY, HOUR, MINUTE, parseMs, SECOND } from './time.js';
import type { DeviceRecord } from './types.js';

export const TELEMETRY_DAYS = 30;

function isWorkstation(t: Traits): boolean {
  return t.family === 'windows' || t.family === 'macos';
}

/** Whether the device produces telemetry at all. */
export function hasTelemetry(t: Traits, d: DeviceRecord): boolean {
  return !isMobile(t.family) && !t.nonOnboarded && d.machine.onboardingStatus === 'Onboarded';
}

export function dayUp(ctx: Ctx, t: Traits, day: number): boolean {
  if (!isWorkstation(t)) return true;
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday (4)
  if (dow !== 0 && dow !== 6) return ctx.base.unit(Stream.telemetryDay, t.index, day) >= 0.04;
  return ctx.base.unit(Stream.telemetryDay, t.index, day) < 0.1;
}

export function hourUp(ctx: Ctx, t: Traits, hour: number): boolean {
  const day = Math.floor(hour / 24);
  if (!dayUp(ctx, t, day)) return false;
  if (!isWorkstation(t)) return true;
  const h = hour - day * 24;
  return h >= t.workStart && h < t.workStart + t.workLen;
}

/** Up hours of a day as absolute hour indexes [from, to), or null when the device is not up that day. */
export function upHours(ctx: Ctx, t: Traits, day: number): [number, number] | null {
  if (!dayUp(ctx, t, day)) return null;
  if (!isWorkstation(t)) return [day * 24, day * 24 + 24];
  return [day * 24 + t.workStart, day * 24 + t.workStart + t.workLen];
}

export function sessionStartMs(ctx: Ctx, t: Traits, day: number): number {
  const u = ctx.base.unit(Stream.telemetryDay, t.index, day + 1_000_000);
  if (isWorkstation(t)) return day * DAY + t.workStart * HOUR + 3 * MINUTE + Math.floor(u * 37 * MINUTE);
  return day * DAY + 3 * MINUTE + Math.floor(u * 6 * MINUTE);
}

/** [start, end] of the device's telemetry (ms), given the clock. */
export function telemetryWindow(d: DeviceRecord, nowMs: number): [number, number] {
  const first = parseMs(d.machine.firstSeen);
  const start = Math.ceil(Math.max(first, nowMs - TELEMETRY_DAYS * DAY) / DAY) * DAY;
  const end = d.online ? nowMs : Math.min(nowMs, parseMs(d.machine.lastSeen));
  return [start, end];
}

/**
 * [start, end] of the device's inventory reports (DeviceInfo, DeviceNetworkInfo), given the clock: unlike
 * the event telemetry (whole days of sessions) they start at firstSeen, so a device onboarded at 15:00
 * is in DeviceInfo the same day.
 */
export function reportWindow(d: DeviceRecord, nowMs: number): [number, number] {
  const first = parseMs(d.machine.firstSeen);
  const end = d.online ? nowMs : Math.min(nowMs, parseMs(d.machine.lastSeen));
  return [Math.max(first, nowMs - TELEMETRY_DAYS * DAY), end];
}

// ---------------------------------------------------------------- sessions

export interface Session {
  day: number;
  startMs: number;
  procs: Proc[];
  role: Record<string, Proc>;
  user: Account;
}

function winPid(rng: Rng): number {
  return 4 * rng.range(100, 16000);
}
function unixPid(rng: Rng): number {
  return rng.range(300, 65000);
}

export interface DeviceView {
  ctx: Ctx;
  device: DeviceRecord;
  t: Traits;
}

function installed(v: DeviceView, id: string): boolean {
  const p = PRODUCT_BY_ID.get(id) as ProductDef | undefined;
  return p ? hasProduct(v.ctx.base, v.t, p) : false;
}

/** The account of the device's primary user. */
export function primaryUser(v: DeviceView): Account {
  if (v.t.family === 'windowsServer' || v.t.family === 'linux')
    return userAccount(v.ctx, v.t.personIdx, 'adm-');
  return userAccount(v.ctx, v.t.personIdx);
}

let lastSession: { ctx: Ctx; index: number; session: Session } | null = null;

/** `buildSession` with a one-entry cache (alerts and scenarios ask for the same device-day repeatedly). */
export function sessionFor(v: DeviceView, day: number): Session {
  const c = lastSession;
  if (c && c.ctx === v.ctx && c.index === v.t.index && c.session.day === day) return c.session;
  const session = buildSession(v, day);
  lastSession = { ctx: v.ctx, index: v.t.index, session };
  return session;
}

export function buildSession(v: DeviceView, day: number): Session {
  const { ctx, t } = v;
  const rng = ctx.base.rng(Stream.telemetryDay, t.index, day);
  const S = sessionStartMs(ctx, t, day);
  const procs: Proc[] = [];
  const role: Record<string, Proc> = {};
  const user = primaryUser(v);
  const userLogon = rng.range(0x100000, 0x3fffffff);
  const add = (
    key: string,
    img: Image,
    parent: Proc | null,
    account: Account,
    cmd: string,
    at: number,
    emit = true,
  ): Proc => {
    const sys =
      account === SYSTEM ||
      account === NETWORK_SERVICE ||
      account === LOCAL_SERVICE ||
      account.name === 'root';
    const unix = t.family === 'linux' || t.family === 'macos';
    const p: Proc = {
      image: img,
      pid: unix ? unixPid(rng) : winPid(rng),
      creationMs: Math.floor(at),
      commandLine: cmd,
      account,
      integrity: sys ? 'System' : 'Medium',
      elevation: sys ? 'TokenElevationTypeDefault' : 'TokenElevationTypeLimited',
      logonId:
        account === SYSTEM
          ? 999
          : account === NETWORK_SERVICE
            ? 996
            : account === LOCAL_SERVICE
              ? 997
              : userLogon,
      sessionId: sys ? 0 : 1,
      parent,
    };
    role[key] = p;
    if (emit) procs.push(p);
    return p;
  };
  const s = (sec: number) => S + sec * SECOND + rng.int(900);
  if (t.family === 'windows' || t.family === 'windowsServer') {
    const smss = add('smss', WIN.smss(), null, SYSTEM, '\\SystemRoot\\System32\\smss.exe', s(-122), false);
    const wininit = add('wininit', WIN.wininit(), smss, SYSTEM, 'wininit.exe', s(-120));
    const services = add(
      'services',
      WIN.services(),
      wininit,
      SYSTEM,
      'C:\\Windows\\system32\\services.exe',
      s(-119),
    );
    add('lsass', WIN.lsass(), wininit, SYSTEM, 'C:\\Windows\\system32\\lsass.exe', s(-119));
    add(
      'svchostDcom',
      WIN.svchost(),
      services,
      SYSTEM,
      'C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p',
      s(-117),
    );
    const sched = add(
      'svchostSched',
      WIN.svchost(),
      services,
      SYSTEM,
      'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule',
      s(-115),
    );
    add(
      'svchostNet',
      WIN.svchost(),
      services,
      NETWORK_SERVICE,
      'C:\\Windows\\System32\\svchost.exe -k NetworkService -p -s Dnscache',
      s(-114),
    );
    add('msmpeng', WIN.msmpeng(), services, SYSTEM, '"MsMpEng.exe"', s(-112));
    const sense = add('mssense', WIN.mssense(), services, SYSTEM, '"MsSense.exe"', s(-110));
    add('sensecnc', WIN.sensecnc(), sense, SYSTEM, '"SenseCncProxy.exe"', s(-100));
    if (t.family === 'windows') {
      const winlogon = add(
        'winlogon',
        image('C:\\Windows\\System32\\winlogon.exe'),
        smss,
        SYSTEM,
        'winlogon.exe',
        s(-118),
        false,
      );
      const userinit = add(
        'userinit',
        WIN.userinit(),
        winlogon,
        user,
        'C:\\Windows\\system32\\userinit.exe',
        s(-2),
      );
      const explorer = add('explorer', WIN.explorer(), userinit, user, 'C:\\Windows\\Explorer.EXE', s(0));
      add('onedrive', WIN.onedrive(user.name), explorer, user, '"OneDrive.exe" /background', s(15));
      add('teams', WIN.teams(user.name), explorer, user, '"ms-teams.exe" msteams:system-initiated', s(25));
      add(
        'msedge',
        WIN.msedge(),
        explorer,
        user,
        '"msedge.exe" --no-startup-window --win-session-start',
        s(40),
      );
      if (installed(v, 'microsoft-_-office'))
        add('outlook', WIN.outlook(), explorer, user, '"OUTLOOK.EXE"', s(rng.range(60, 900)));
      if (installed(v, 'google-_-chrome'))
        add('chrome', WIN.chrome(), explorer, user, '"chrome.exe"', s(rng.range(300, 3000)));
      if (installed(v, 'microsoft-_-visual_studio_code'))
        add('code', WIN.code(user.name), explorer, user, '"Code.exe"', s(rng.range(300, 3000)));
    } else {
      if (t.role === 'web')
        add(
          'w3wp',
          WIN.w3wp(),
          sched,
          SYSTEM,
          'c:\\windows\\system32\\inetsrv\\w3wp.exe -ap "DefaultAppPool" -v "v4.0" -l "webengine4.dll"',
          s(30),
        );
      if (t.role === 'sql')
        add('sqlservr', WIN.sqlservr(), services, NETWORK_SERVICE, '"sqlservr.exe" -sMSSQLSERVER', s(20));
    }
  } else {
    const host = hostNameFor(ctx.base, t);
    const root = rootAccount(host);
    const mac = t.family === 'macos';
    const init = mac
      ? add('init', UNIX.launchd(), null, root, '/sbin/launchd', s(-120))
      : add('init', UNIX.systemd(), null, root, '/sbin/init splash', s(-120));
    if (!mac) {
      role.init.pid = 1;
      add(
        'sshd',
        UNIX.sshd(),
        init,
        root,
        'sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups',
        s(-100),
      );
      add('cron', UNIX.cron(), init, root, '/usr/sbin/cron -f -P', s(-99));
      add('wdav', UNIX.wdavdaemon(), init, root, '/opt/microsoft/mdatp/sbin/wdavdaemon', s(-95));
      if (installed(v, 'docker-_-docker_engine'))
        add(
          'dockerd',
          UNIX.dockerd(),
          init,
          root,
          '/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock',
          s(-80),
        );
      if (t.role === 'web')
        add(
          'nginx',
          UNIX.nginx(),
          init,
          root,
          'nginx: master process /usr/sbin/nginx -g daemon on; master_process on;',
          s(-70),
        );
      if (t.role === 'app')
        add(
          'java',
          UNIX.java(),
          init,
          user,
          '/usr/lib/jvm/java-17-openjdk-amd64/bin/java -Xmx2g -jar /opt/app/service.jar',
          s(-60),
        );
    } else {
      role.init.pid = 1;
      add(
        'wdav',
        UNIX.wdavdaemonMac(),
        init,
        root,
        '/Library/Application Support/Microsoft/Defender/wdavdaemon_enterprise.app/Contents/MacOS/wdavdaemon_enterprise edr',
        s(-90),
      );
      add(
        'softwareupdated',
        UNIX.softwareupdated(),
        init,
        root,
        '/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Resources/softwareupdated',
        s(-80),
      );
      add(
        'edge',
        UNIX.edgeMac(),
        init,
        user,
        '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
        s(40),
      );
      add(
        'teams',
        UNIX.teamsMac(),
        init,
        user,
        '/Applications/Microsoft Teams.app/Contents/MacOS/MSTeams',
        s(25),
      );
    }
  }
  return { day, startMs: S, procs, role, user };
}

// ---------------------------------------------------------------- hourly activity

interface ShortTpl {
  img: (user: string) => Image;
  parent: string;
  cmd: string;
  acct: 'user' | 'system' | 'root';
  net: keyof typeof DEST | null;
  child?: { img: () => Image; cmd: string; net: keyof typeof DEST | null };
  weight: number;
  requires?: string;
}

const SHORT_WIN: ShortTpl[] = [
  {
    img: WIN.backgroundTaskHost,
    parent: 'svchostDcom',
    cmd: '"backgroundTaskHost.exe" -ServerName:BackgroundTaskHost.WebAccountProvider',
    acct: 'user',
    net: null,
    weight: 3,
  },
  {
    img: WIN.taskhostw,
    parent: 'svchostSched',
    cmd: 'taskhostw.exe -RegisterDevice -ProtectionStateChanged -FreeNetworkOnly',
    acct: 'user',
    net: null,
    weight: 2,
  },
  {
    img: WIN.searchProtocolHost,
    parent: 'svchostDcom',
    cmd: '"SearchProtocolHost.exe" Global\\UsGthrFltPipeMssGthrPipe1_ Global\\UsGthrCtrlFltPipeMssGthrPipe1 1 -2147483646 "Software\\Microsoft\\Windows Search"',
    acct: 'system',
    net: null,
    weight: 2,
  },
  {
    img: WIN.cmd,
    parent: 'explorer',
    cmd: 'cmd.exe /c "ipconfig /flushdns"',
    acct: 'user',
    net: null,
    weight: 1,
    child: {
      img: WIN.conhost,
      cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
      net: null,
    },
  },
  {
    img: WIN.mpcmdrun,
    parent: 'msmpeng',
    cmd: '"MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges -Reinvoke',
    acct: 'system',
    net: 'defender',
    weight: 2,
  },
  {
    img: WIN.compattelrunner,
    parent: 'svchostSched',
    cmd: 'C:\\Windows\\system32\\compattelrunner.exe -m:appraiser.dll -f:DoScheduledTelemetryRun',
    acct: 'system',
    net: 'microsoft',
    weight: 1,
  },
  {
    img: WIN.googleupdate,
    parent: 'svchostSched',
    cmd: '"GoogleUpdate.exe" /ua /installsource scheduler',
    acct: 'system',
    net: 'browser',
    weight: 1,
    requires: 'chrome',
  },
  {
    img: WIN.powershell,
    parent: 'svchostSched',
    cmd: 'powershell.exe -NoProfile -ExecutionPolicy Bypass -File "C:\\Program Files (x86)\\Microsoft Intune Management Extension\\Policies\\Scripts\\detect.ps1"',
    acct: 'system',
    net: null,
    weight: 1,
  },
  {
    img: WIN.git,
    parent: 'code',
    cmd: 'git.exe fetch --all --prune',
    acct: 'user',
    net: 'browser',
    weight: 2,
    requires: 'code',
  },
];

const SHORT_SRV: ShortTpl[] = [
  { img: WIN.taskhostw, parent: 'svchostSched', cmd: 'taskhostw.exe', acct: 'system', net: null, weight: 2 },
  {
    img: WIN.mpcmdrun,
    parent: 'msmpeng',
    cmd: '"MpCmdRun.exe" SignatureUpdate -ScheduleJob -RestrictPrivileges -Reinvoke',
    acct: 'system',
    net: 'defender',
    weight: 2,
  },
  {
    img: WIN.wuauclt,
    parent: 'svchostNet',
    cmd: '"wuauclt.exe" /RunHandlerComServer',
    acct: 'system',
    net: 'microsoft',
    weight: 1,
  },
  {
    img: WIN.powershell,
    parent: 'svchostSched',
    cmd: 'powershell.exe -NoProfile -File C:\\Scripts\\Get-DiskHealth.ps1',
    acct: 'system',
    net: null,
    weight: 1,
  },
  {
    img: WIN.cmd,
    parent: 'svchostSched',
    cmd: 'cmd.exe /c C:\\Scripts\\rotate-logs.cmd',
    acct: 'system',
    net: null,
    weight: 1,
    child: {
      img: WIN.conhost,
      cmd: '\\??\\C:\\Windows\\system32\\conhost.exe 0xffffffff -ForceV1',
      net: null,
    },
  },
];

const SHORT_LINUX: ShortTpl[] = [
  {
    img: UNIX.bash,
    parent: 'sshd',
    cmd: '-bash',
    acct: 'user',
    net: null,
    weight: 2,
    child: {
      img: UNIX.curl,
      cmd: 'curl -sS -o /dev/null -w %{http_code} https://packages.microsoft.com/',
      net: 'unix',
    },
  },
  { img: UNIX.apt, parent: 'cron', cmd: 'apt-get update -qq', acct: 'root', net: 'unix', weight: 1 },
  {
    img: UNIX.python3,
    parent: 'cron',
    cmd: '/usr/bin/python3 /opt/scripts/healthcheck.py --quiet',
    acct: 'root',
    net: null,
    weight: 2,
  },
];

const SHORT_MAC: ShortTpl[] = [
  {
    img: UNIX.zsh,
    parent: 'init',
    cmd: '-zsh',
    acct: 'user',
    net: null,
    weight: 2,
    child: { img: UNIX.curlMac, cmd: 'curl -fsSL https://github.com/', net: 'browser' },
  },
];

const NET_ROLES: Record<string, [string, keyof typeof DEST | 'inbound', number][]> = {
  windows: [
    ['msedge', 'browser', 30],
    ['teams', 'office', 12],
    ['outlook', 'office', 10],
    ['onedrive', 'office', 6],
    ['svchostNet', 'microsoft', 10],
    ['sensecnc', 'defender', 10],
    ['msmpeng', 'defender', 5],
    ['chrome', 'browser', 12],
  ],
  windowsServer: [
    ['svchostNet', 'microsoft', 25],
    ['sensecnc', 'defender', 30],
    ['msmpeng', 'defender', 10],
    ['w3wp', 'inbound', 15],
    ['sqlservr', 'inbound', 10],
    ['svchostSched', 'ntp', 2],
  ],
  linux: [
    ['wdav', 'defender', 30],
    ['sshd', 'inbound', 10],
    ['dockerd', 'unix', 15],
    ['nginx', 'inbound', 10],
  ],
  macos: [
    ['edge', 'browser', 35],
    ['teams', 'office', 20],
    ['wdav', 'defender', 20],
    ['softwareupdated', 'microsoft', 5],
  ],
};

const LISTEN_PORT: Record<string, number> = { w3wp: 443, sqlservr: 1433, sshd: 22, nginx: 443 };

function pickWeighted<T>(rng: Rng, items: readonly T[], weight: (x: T) => number): T | null {
  let total = 0;
  for (const x of items) total += weight(x);
  if (total <= 0) return null;
  let u = rng.float() * total;
  for (const x of items) {
    u -= weight(x);
    if (u < 0) return x;
  }
  return items[items.length - 1];
}

export interface HourActivity {
  procs: Proc[];
  nets: NetEvent[];
  files: FileEvent[];
  logons: LogonEvent[];
}

const EMPTY: HourActivity = { procs: [], nets: [], files: [], logons: [] };

function internalPeer(rng: Rng): string {
  return `10.${rng.pick([10, 11, 12, 20, 21])}.${rng.range(0, 40)}.${rng.range(10, 249)}`;
}

function dest(rng: Rng, kind: keyof typeof DEST): Destination {
  return rng.pick(DEST[kind] as readonly Destination[]);
}

const DOWNLOADS = [
  'Q3_report.xlsx',
  'invoice_0421.pdf',
  'meeting-notes.docx',
  'setup.msi',
  'screenshot.png',
  'agenda.pdf',
  'data-export.csv',
  'presentation.pptx',
];

/** The activity of one device hour (empty if the device is not up or the session has not started). */
export function hourActivity(v: DeviceView, hour: number, session: Session): HourActivity {
  const { ctx, t } = v;
  const hourStart = hour * HOUR;
  const lo = Math.max(hourStart, session.startMs + 2 * MINUTE);
  const hi = hourStart + HOUR - 2 * MINUTE;
  if (lo >= hi) return EMPTY;
  const rng = ctx.base.rng(Stream.telemetryHour, t.index, hour);
  const unix = t.family === 'linux' || t.family === 'macos';
  const host = unix ? hostNameFor(ctx.base, t) : '';
  const root = unix ? rootAccount(host) : SYSTEM;
  const out: HourActivity = { procs: [], nets: [], files: [], logons: [] };
  const at = () => lo + Math.floor(rng.float() * (hi - lo));
  const mkProc = (img: Image, parent: Proc, cmd: string, acct: Account, created: number): Proc => {
    const sys = acct === SYSTEM || acct.name === 'root';
    return {
      image: img,
      pid: unix ? unixPid(rng) : winPid(rng),
      creationMs: created,
      commandLine: cmd,
      account: acct,
      integrity: sys ? 'System' : 'Medium',
      elevation: sys ? 'TokenElevationTypeDefault' : 'TokenElevationTypeLimited',
      logonId: sys ? 999 : parent.logonId,
      sessionId: sys ? 0 : parent.sessionId,
      parent,
    };
  };
  const localPort = () => (unix ? rng.range(32768, 60999) : rng.range(49152, 65535));
  const outbound = (p: Proc, kind: keyof typeof DEST, time: number): NetEvent => {
    const d = dest(rng, kind);
    return {
      kind: 'net',
      timeMs: time,
      proc: p,
      action: rng.chance(0.95) ? 'ConnectionSuccess' : 'ConnectionFailed',
      remoteIp: rng.pick(d.ips),
      remotePort: d.port,
      remoteUrl: d.url,
      localPort: localPort(),
      protocol: d.protocol,
    };
  };

  // short-lived processes
  const shorts =
    t.family === 'windows'
      ? SHORT_WIN
      : t.family === 'windowsServer'
        ? SHORT_SRV
        : t.family === 'linux'
          ? SHORT_LINUX
          : SHORT_MAC;
  const nShort = rng.range(1, t.family === 'windows' ? 3 : 2);
  for (let k = 0; k < nShort; k++) {
    const tpl = pickWeighted(rng, shorts, (x) => (x.requires && !session.role[x.requires] ? 0 : x.weight));
    if (!tpl) break;
    const parent = session.role[tpl.parent];
    if (!parent) continue;
    const created = at();
    if (created <= parent.creationMs) continue;
    const acct = tpl.acct === 'user' ? session.user : tpl.acct === 'root' ? root : SYSTEM;
    const p = mkProc(tpl.img(session.user.name), parent, tpl.cmd, acct, created);
    out.procs.push(p);
    if (tpl.net && created + 30 * SECOND < hourStart + HOUR)
      out.nets.push(outbound(p, tpl.net, created + rng.range(200, 30_000)));
    if (tpl.child) {
      const c = mkProc(tpl.child.img(), p, tpl.child.cmd, acct, created + rng.range(20, 900));
      out.procs.push(c);
      if (tpl.child.net) out.nets.push(outbound(c, tpl.child.net, c.creationMs + rng.range(100, 20_000)));
    }
  }

  // connections by session processes
  const roles = NET_ROLES[t.family] ?? [];
  const nNet = t.family === 'windowsServer' || t.family === 'linux' ? rng.range(2, 5) : rng.range(1, 4);
  for (let k = 0; k < nNet; k++) {
    const r = pickWeighted(rng, roles, (x) => (session.role[x[0]] ? x[2] : 0));
    if (!r) break;
    const p = session.role[r[0]];
    const time = at();
    if (time <= p.creationMs) continue;
    if (r[1] === 'inbound') {
      out.nets.push({
        kind: 'net',
        timeMs: time,
        proc: p,
        action: 'InboundConnectionAccepted',
        remoteIp: internalPeer(rng),
        remotePort: rng.range(49152, 65535),
        remoteUrl: null,
        localPort: LISTEN_PORT[r[0]] ?? 443,
        protocol: 'Tcp',
        remoteIpType: 'Private',
      });
    } else {
      out.nets.push(outbound(p, r[1], time));
    }
  }

  // file events
  if (rng.chance(0.5)) {
    const time = at();
    let e: FileEvent | null = null;
    if (t.family === 'windows') {
      const br = session.role.chrome && rng.chance(0.4) ? session.role.chrome : session.role.msedge;
      if (br && time > br.creationMs) {
        const d = dest(rng, 'browser');
        e = {
          kind: 'file',
          timeMs: time,
          proc: br,
          action: 'FileCreated',
          file: userImage(session.user.name, `Downloads\\${rng.pick(DOWNLOADS)}`, {
            company: '',
            version: '',
          }),
          originUrl: `https://${d.url ?? 'download.example'}/files/${rng.hex(8)}`,
          originIp: rng.pick(d.ips),
        };
      }
    } else if (t.family === 'windowsServer') {
      const p = session.role.svchostSched;
      if (p && time > p.creationMs) {
        e = {
          kind: 'file',
          timeMs: time,
          proc: p,
          action: 'FileModified',
          file: image('C:\\Windows\\Tasks\\SA.DAT'),
          originUrl: null,
          originIp: null,
        };
      }
    } else if (t.family === 'linux') {
      const p = session.role.cron;
      if (p && time > p.creationMs) {
        e = {
          kind: 'file',
          timeMs: time,
          proc: p,
          action: 'FileModified',
          file: image('/var/log/syslog', { company: '', version: '' }),
          originUrl: null,
          originIp: null,
        };
      }
    } else {
      const p = session.role.edge;
      if (p && time > p.creationMs) {
        e = {
          kind: 'file',
          timeMs: time,
          proc: p,
          action: 'FileCreated',
          file: image(`/Users/${session.user.name}/Downloads/${rng.pick(DOWNLOADS)}`, {
            company: '',
            version: '',
          }),
          originUrl: 'https://www.office.com/download',
          originIp: '52.98.152.50',
        };
      }
    }
    if (e) out.files.push(e);
  }

  // logons
  const lsass = session.role.lsass ?? session.role.sshd ?? null;
  if (isWorkstation(t) && Math.floor(session.startMs / HOUR) === hour) {
    out.logons.push({
      kind: 'logon',
      timeMs: session.startMs - 3 * SECOND,
      action: 'LogonSuccess',
      logonType: 'Interactive',
      account: session.user,
      protocol: t.family === 'windows' ? 'Kerberos' : null,
      failureReason: null,
      isLocalAdmin: false,
      logonId: session.role.explorer?.logonId ?? 0,
      remoteDevice: null,
      remoteIp: null,
      remotePort: null,
      proc: lsass && lsass.creationMs < session.startMs ? lsass : null,
    });
  }
  if ((t.family === 'windowsServer' || t.family === 'linux') && rng.chance(0.5)) {
    const failed = rng.chance(0.06);
    const time = at();
    out.logons.push({
      kind: 'logon',
      timeMs: time,
      action: failed ? 'LogonFailed' : 'LogonSuccess',
      logonType: t.family === 'windowsServer' && t.role === 'rds' ? 'RemoteInteractive' : 'Network',
      account: rng.chance(0.5) ? session.user : userAccount(ctx, rng.int(1_000_000) + 2_000_000, 'svc-'),
      protocol: t.family === 'windowsServer' ? (rng.chance(0.7) ? 'Kerberos' : 'NTLM') : 'ssh',
      failureReason: failed ? 'InvalidUserNameOrPassword' : null,
      isLocalAdmin: rng.chance(0.3),
      logonId: rng.range(0x100000, 0x3fffffff),
      remoteDevice: null,
      remoteIp: internalPeer(rng),
      remotePort: rng.range(49152, 65535),
      proc: lsass && lsass.creationMs < time ? lsass : null,
    });
  }
  return out;
}
