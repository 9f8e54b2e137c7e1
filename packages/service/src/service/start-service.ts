import { fileURLToPath } from 'node:url';
import { type RunningEmulator, startEmulator } from '@mde-bridge/emulator';
import { pino } from 'pino';
import { buildApp } from '../api/app.js';
import { createMetrics } from '../api/metrics.js';
import type { Api } from '../api/types.js';
import { createAuthenticator } from '../auth/authenticator.js';
import { bootstrapAdmin } from '../auth/users.js';
import { openMigratedStore, storeUrl } from '../config/settings.js';
import { tenantHuntingRunner } from '../hunting/hunting-runner.js';
import { InProcessScheduler } from '../jobs/in-process-scheduler.js';
import { startLockdownReleaser } from '../response/lockdown-releaser.js';
import { tenantResponseClients } from '../response/response-clients.js';
import { startResponseMaintenance } from '../response/response-maintenance.js';
import { secretBox } from '../secrets/secret-box.js';
import { startStitcher } from '../stitching/stitcher.js';
import type { Store } from '../store/store.js';
import { tenantValidationClients } from '../validation/validation-poll.js';
import { startValidationPoller } from '../validation/validation-poller.js';
import { startWebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { afterSync } from './after-sync.js';
import { attachDemoTenant, DEMO_DIRECTORY_ID, wantsDemo } from './demo-tenant.js';
import { listenAddress } from './listen-address.js';

/** Where `vite build packages/web` writes the UI. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist/', import.meta.url));

export interface StartServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** Default MDE_BRIDGE_HOST or 127.0.0.1. */
  host?: string;
  /** Default MDE_BRIDGE_PORT or 8080; 0 picks a free port. */
  port?: number;
  /** Default --db / MDE_BRIDGE_DB / the data directory's SQLite file. */
  storeUrl?: string;
  webRoot?: string | null;
  /** pino logger options (default: info to stdout), or false. */
  logger?: boolean | Record<string, unknown>;
  /** Where log lines go (default stdout). */
  logStream?: NodeJS.WritableStream;
  /** Human messages (the URL, the first administrator's password): default stdout. */
  say?: (line: string) => void;
  /** Size of the emulated demo tenant. */
  demoDevices?: number;
  /** How long shutdown waits for running syncs to finish before leaving them to resume next start. */
  shutdownTimeoutMs?: number;
}

export interface RunningService {
  url: string;
  store: Store;
  app: Api;
  scheduler: InProcessScheduler;
  emulator: RunningEmulator | null;
  /** The generated password of the first administrator, when this start created it. */
  adminPassword?: string;
  close(): Promise<void>;
}

/**
 * `mde-bridge start`: the store (migrated), the first administrator, the demo tenant with its in-process
 * emulator when no tenant is configured, the sync scheduler, and the API + UI on one port.
 */
export async function startService(options: StartServiceOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const say = options.say ?? ((line: string) => process.stdout.write(`${line}\n`));
  const { host, port } = listenAddress(env, options);
  const store = await openMigratedStore(options.storeUrl ?? storeUrl(undefined, env));
  const closers: (() => Promise<void>)[] = [() => store.close()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close().catch(() => {});
  };
  try {
    const box = secretBox(env);
    const admin = await bootstrapAdmin(store.db, { password: env.MDE_BRIDGE_ADMIN_PASSWORD || undefined });

    let emulator: RunningEmulator | null = null;
    if (await wantsDemo(store)) {
      emulator = await startEmulator({
        host: '127.0.0.1',
        seed: 'demo',
        devices: options.demoDevices ?? 200,
        tenantId: DEMO_DIRECTORY_ID,
        log: () => {},
      });
      const emu = emulator;
      closers.push(() => emu.close());
      await attachDemoTenant(store, box, emulator);
    }

    const logger = pino(
      options.logger === false
        ? { enabled: false }
        : {
            level: env.MDE_BRIDGE_LOG_LEVEL ?? 'info',
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
      (options.logStream ?? process.stdout) as NodeJS.WritableStream & { write(chunk: string): boolean },
    );
    const metrics = createMetrics();
    const scheduler = new InProcessScheduler({
      store,
      env,
      onRunFinished: metrics.recordSyncRun,
      onGovernor: (tenant, governor) => metrics.watchGovernor(tenant.name, governor),
      logger: logger.child({ component: 'scheduler' }),
    });
    scheduler.onRunFinished(afterSync(store, logger.child({ component: 'after-sync' })));
    // One rate budget per tenant: response calls (API, releaser, maintenance) take the scheduler's governor.
    const governorFor = (tenantId: string) => scheduler.governorFor(tenantId);
    const app = await buildApp({
      store,
      authenticator: createAuthenticator(store.db),
      sync: scheduler,
      governorFor,
      env,
      metrics,
      webRoot: options.webRoot === undefined ? DEFAULT_WEB_ROOT : options.webRoot,
      loggerInstance: logger,
      secureCookies: env.MDE_BRIDGE_SECURE_COOKIES === '1',
      trustProxy: env.MDE_BRIDGE_TRUST_PROXY?.trim() || undefined,
    });
    closers.push(() => app.close());
    const address = await app.listen({ host, port });
    await scheduler.start();
    const webhooks = startWebhookDispatcher({ store, env, logger: logger.child({ component: 'webhooks' }) });
    closers.push(() => webhooks.stop());
    closers.push(() => scheduler.stop({ timeoutMs: options.shutdownTimeoutMs ?? 15_000 }));
    // Lockdowns that ended while the bridge was down are released at once (audited as late), then every 15 s.
    const responseClients = tenantResponseClients({ store, env, governorFor });
    const releaser = startLockdownReleaser({
      store,
      clientFor: responseClients,
      sync: scheduler,
      logger: logger.child({ component: 'lockdown-releaser' }),
    });
    closers.push(() => releaser.stop());
    // Detections waiting for their root cause are stitched in batches every ~10 s (settings.stitching.auto).
    const stitcher = startStitcher({
      store,
      runner: tenantHuntingRunner({ store, env }),
      batchSize: Number(env.MDE_BRIDGE_STITCH_BATCH) > 0 ? Number(env.MDE_BRIDGE_STITCH_BATCH) : undefined,
      logger: logger.child({ component: 'stitcher' }),
    });
    closers.push(() => stitcher.stop());
    // Approval expiry, requests a crash left sending, and a 15 s actions sweep while anything is pending.
    const maintenance = startResponseMaintenance({
      store,
      clientFor: responseClients,
      sync: scheduler,
      logger: logger.child({ component: 'response-maintenance' }),
    });
    closers.push(() => maintenance.stop());
    // Validations that were polling while the bridge was down go on at once, then every 30 s.
    const validations = startValidationPoller({
      store,
      clientFor: tenantValidationClients({ store, env }),
      logger: logger.child({ component: 'validation-poller' }),
    });
    closers.push(() => validations.stop());

    const url = address.replace('://[::1]', '://localhost');
    say(`mde-bridge is running at ${url}`);
    if (emulator)
      say(
        `  tenant 'demo' is an emulated demo tenant (not a Microsoft tenant), served at ${emulator.apiUrl}`,
      );
    if (admin.created && admin.password) {
      say(`  first start: sign in as 'admin' with password ${admin.password}`);
      say(
        '  (shown once; change it under Settings → Users, or set MDE_BRIDGE_ADMIN_PASSWORD before the first start)',
      );
    } else if (admin.created) {
      say(`  first start: sign in as 'admin' with the password from MDE_BRIDGE_ADMIN_PASSWORD`);
    }
    return {
      url,
      store,
      app,
      scheduler,
      emulator,
      adminPassword: admin.password,
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
