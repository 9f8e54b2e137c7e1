import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { generateCertificate } from './auth/index.js';
import type { ClockMode } from './clock.js';
import { controlRoutes } from './control/control-routes.js';
import { handleRequest } from './http/handle-request.js';
import { type RouteDef, Router } from './http/router.js';
import type { RateLimitMode } from './limits/rate-limiter.js';
import { alertRoutes } from './routes/alerts.js';
import { entraRoutes } from './routes/entra.js';
import { fileRoutes } from './routes/files.js';
import { graphAlertRoutes } from './routes/graph-alerts.js';
import { huntingRoutes } from './routes/hunting.js';
import { indicatorRoutes } from './routes/indicators.js';
import { machineActionRoutes } from './routes/machine-actions.js';
import { machineRoutes } from './routes/machines.js';
import { recommendationRoutes } from './routes/recommendations.js';
import { scoreRoutes } from './routes/scores.js';
import { softwareRoutes } from './routes/software.js';
import { vulnerabilityRoutes } from './routes/vulnerabilities.js';
import { EmulatorState, type License } from './state/emulator-state.js';
import type { ActionTiming } from './state/machine-actions.js';

/** Every Defender and Graph role the demo application holds. */
export const ALL_DEFENDER_ROLES = [
  'Machine.Read.All',
  'Machine.ReadWrite.All',
  'Machine.Isolate',
  'Machine.Scan',
  'Machine.RestrictExecution',
  'Machine.CollectForensics',
  'Machine.Offboard',
  'Machine.StopAndQuarantine',
  'Machine.LiveResponse',
  'Alert.Read.All',
  'Alert.ReadWrite.All',
  'AdvancedQuery.Read.All',
  'AdvancedHunting.Read.All',
  'Vulnerability.Read.All',
  'Software.Read.All',
  'SecurityRecommendation.Read.All',
  'Score.Read.All',
  'Ti.ReadWrite.All',
  'File.Read.All',
  'User.Read.All',
];
export const ALL_GRAPH_ROLES = [
  'SecurityAlert.Read.All',
  'SecurityAlert.ReadWrite.All',
  'ThreatHunting.Read.All',
];

export interface EmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  seed?: string | number;
  devices?: number;
  rateLimits?: RateLimitMode;
  /** With `rateLimits: 'scaled'`: the factor applied to the minute and hour windows (e.g. 0.01). */
  rateLimitWindowScale?: number;
  license?: License;
  https?: boolean;
  /** Where `--https` writes its generated certificate (default `.emulator/` in the working directory). */
  certificateDir?: string;
  clock?: ClockMode;
  /** The clock's start (default: now, to the minute). */
  startTime?: Date | string | number;
  tenantId?: string;
  actionTiming?: Partial<ActionTiming>;
  duplicateActions?: 'error' | 'returnExisting';
  /** `retired`: the MDE advanced hunting API answers that it is retired (DEVIATIONS.md); default `available`. */
  mdeHunting?: 'available' | 'retired';
  log?: (line: string) => void;
}

export interface DemoApplication {
  clientId: string;
  clientSecret: string;
}

export interface RunningEmulator {
  /** Origins used exactly as the real hosts: `apiUrl + '/api/machines'`, `loginUrl + '/{tenant}/oauth2/v2.0/token'`. */
  apiUrl: string;
  loginUrl: string;
  graphUrl: string;
  tenantId: string;
  demoApp: DemoApplication;
  /** PEM path of the self-signed certificate when serving HTTPS. */
  certificatePath?: string;
  certificatePem?: string;
  state: EmulatorState;
  close(): Promise<void>;
}

export const VALIDATION_LIMITS = { maxDevices: 1_000_000 };

/** Every Entra, Defender and Graph route, in match order (the first match wins). */
export function apiRoutes(state: EmulatorState): RouteDef[] {
  return [
    ...entraRoutes(state),
    ...machineActionRoutes(state),
    ...machineRoutes(state),
    ...alertRoutes(state),
    ...vulnerabilityRoutes(state),
    ...softwareRoutes(state),
    ...recommendationRoutes(state),
    ...scoreRoutes(state),
    ...indicatorRoutes(state),
    ...fileRoutes(state),
    ...huntingRoutes(state),
    ...graphAlertRoutes(state),
  ];
}

/** Starts an emulated Defender tenant on one HTTP(S) origin serving Entra, Defender and Graph paths. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const devices = options.devices ?? 50;
  if (!Number.isInteger(devices) || devices < 0 || devices > VALIDATION_LIMITS.maxDevices) {
    throw new RangeError(`devices must be an integer from 0 to ${VALIDATION_LIMITS.maxDevices}`);
  }
  const host = options.host ?? '127.0.0.1';
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const startMs =
    options.startTime !== undefined
      ? new Date(options.startTime).getTime()
      : Math.floor(Date.now() / 60_000) * 60_000;
  if (Number.isNaN(startMs)) throw new RangeError('startTime is not a valid date');
  const state = new EmulatorState(
    {
      seed: options.seed ?? 1,
      devices,
      license: options.license ?? 'p2',
      duplicateActions: options.duplicateActions ?? 'error',
      mdeHunting: options.mdeHunting ?? 'available',
    },
    {
      tenantId: options.tenantId ?? randomUUID(),
      clockMode: options.clock ?? 'real',
      startMs,
      rateLimits: options.rateLimits ?? 'real',
      windowScale: options.rateLimitWindowScale ?? 1,
      actionTiming: options.actionTiming,
    },
  );
  const demo = state.directory.register({
    displayName: 'mde-bridge demo application',
    roles: ALL_DEFENDER_ROLES,
    graphRoles: ALL_GRAPH_ROLES,
  });

  let origin = '';
  const api = new Router();
  api.add(...apiRoutes(state));
  const control = new Router();
  // Deriving every device's vulnerabilities costs ~1 s at 100,000 devices: count once per data version.
  let vulnCount = { version: -1, count: 0 };
  const deviceVulnerabilityCount = () => {
    if (vulnCount.version !== state.dataVersion) {
      const count = state.data.devices.reduce((n, d) => n + state.data.deviceVulnerabilities(d).length, 0);
      vulnCount = { version: state.dataVersion, count };
    }
    return vulnCount.count;
  };
  const info = () => ({
    tenantId: state.tenantId,
    apiUrl: origin,
    loginUrl: origin,
    graphUrl: origin,
    license: state.settings.license,
    seed: state.settings.seed,
    rateLimits: state.limiter.mode,
    clock: { mode: state.clock.mode, now: new Date(state.clock.now()).toISOString() },
    applications: state.directory.listApplications(),
    counts: {
      devices: state.data.devices.length,
      alerts: state.data.alerts.length,
      machineActions: state.actions.list().length,
      vulnerabilities: state.data.vulnerabilities.length,
      deviceVulnerabilities: deviceVulnerabilityCount(),
      software: state.data.software.length,
      recommendations: state.data.recommendations.length,
    },
  });
  control.add(...controlRoutes(state, info));

  const pipeline = { state, api, control, log };
  const listener = (req: Parameters<typeof handleRequest>[1], res: Parameters<typeof handleRequest>[2]) => {
    handleRequest(pipeline, req, res).catch((err) => {
      log(`emulator: failed to answer ${req.method} ${req.url}: ${err}`);
      res.destroy();
    });
  };

  let server: Server;
  let certificatePath: string | undefined;
  let certificatePem: string | undefined;
  if (options.https) {
    const cert = generateCertificate({
      commonName: host,
      dnsNames: ['localhost', ...(/^[\d.]+$|:/.test(host) ? [] : [host])],
      ipAddresses: ['127.0.0.1', ...(/^[\d.]+$|:/.test(host) && host !== '127.0.0.1' ? [host] : [])],
    });
    const dir = options.certificateDir ?? join(process.cwd(), '.emulator');
    mkdirSync(dir, { recursive: true });
    certificatePath = join(dir, 'emulator-cert.pem');
    writeFileSync(certificatePath, cert.certificatePem, { mode: 0o644 });
    certificatePem = cert.certificatePem;
    server = createHttpsServer({ cert: cert.certificatePem, key: cert.privateKeyPem }, listener);
  } else {
    server = createHttpServer(listener);
  }
  // Node's default keep-alive of 5 s races clients that re-use an idle connection just as the server drops
  // it (ECONNRESET on a busy machine); clients honour the advertised timeout, so a longer one avoids that.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 31_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = host.includes(':') ? `[${host}]` : host;
  origin = `${options.https ? 'https' : 'http'}://${hostPart}:${port}`;

  return {
    apiUrl: origin,
    loginUrl: origin,
    graphUrl: origin,
    tenantId: state.tenantId,
    demoApp: { clientId: demo.clientId, clientSecret: demo.clientSecret },
    certificatePath,
    certificatePem,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
