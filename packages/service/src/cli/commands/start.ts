import { startEmulator } from '@mde-bridge/emulator';
import { parseFlags } from '../args.js';
import { describeEmulator, readyLine, waitForSignal } from './emulator.js';

/**
 * `mde-bridge start`. Until the bridge service exists (store, sync, API, UI), it brings up the emulated
 * demo tenant the bridge will run against, and says how to reach it.
 */
export async function start(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const { values } = parseFlags(argv, { json: { type: 'boolean' } });
  const port = process.env.MDE_BRIDGE_EMULATOR_PORT ? Number(process.env.MDE_BRIDGE_EMULATOR_PORT) : 0;
  const emu = await startEmulator({ seed: 'demo', devices: 200, port: Number.isInteger(port) ? port : 0 });
  out.write(
    values.json
      ? `${JSON.stringify(readyLine(emu))}\n`
      : `${describeEmulator(emu, 'mde-bridge: the bridge service is not built yet; running the emulated demo tenant (emulated, not a Microsoft tenant).')}\n`,
  );
  await waitForSignal();
  await emu.close();
  return 0;
}
