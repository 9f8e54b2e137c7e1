import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/config-error.js';
import { storeUrl } from '../../config/settings.js';
import { DEFAULT_WEB_ROOT, startService } from '../../service/start-service.js';
import { intFlag, parseFlags } from '../args.js';
import { UsageError } from '../errors.js';
import { waitForSignal } from './emulator.js';

export const startUsage = `Usage: mde-bridge start [--host H] [--port P] [--db URL] [--demo-devices N]

Runs the whole bridge on one machine: the REST API, the web UI and the sync scheduler, on
http://127.0.0.1:8080 by default (MDE_BRIDGE_HOST, MDE_BRIDGE_PORT). With no tenant configured it starts
the Defender emulator in-process and adds a tenant 'demo' (an emulated demo tenant). On first start it
creates the administrator 'admin' and prints a random password once (or uses MDE_BRIDGE_ADMIN_PASSWORD).
SIGINT / SIGTERM stop it gracefully: running syncs finish or are left to resume from their checkpoint.

Options:
  --host H           address to listen on (default 127.0.0.1)
  --port P           port (default 8080; 0 picks a free one)
  --db URL           store: sqlite:PATH or postgres://user@host:5432/db (default MDE_BRIDGE_DB or
                     sqlite:<MDE_BRIDGE_DATA_DIR>/mde-bridge.db)
  --demo-devices N   devices in the emulated demo tenant (default 200)
`;

/** `mde-bridge start`: runs until SIGINT or SIGTERM. */
export async function start(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    db: { type: 'string' },
    'demo-devices': { type: 'string' },
  });
  const port = values.port === undefined ? undefined : intFlag(values.port, 'port', 0, 65_535, 8080);
  const demoDevices = intFlag(values['demo-devices'], 'demo-devices', 1, 100_000, 200);
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
    process.stdout.write('note: the web UI is not built (npm run build:web); serving the API only\n');
  }
  let service: Awaited<ReturnType<typeof startService>>;
  try {
    service = await startService({
      env,
      host: values.host,
      port,
      storeUrl: storeUrl(values.db, env),
      demoDevices,
    });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(
        `the port is already in use: stop the other process or choose one with --port / MDE_BRIDGE_PORT`,
      );
    }
    throw err;
  }
  await waitForSignal();
  process.stdout.write('mde-bridge: stopping (letting running syncs reach a checkpoint)…\n');
  await service.close();
  process.stdout.write('mde-bridge: stopped\n');
  return 0;
}
