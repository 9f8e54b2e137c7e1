import { UsageError } from '../errors.js';

export const hostsUsage = `Usage: mde-bridge hosts lookup [--ip A] [--hostname H] [--at TIME] [--json]

Host context from the replica (issue 6: not written yet).
`;

/** `mde-bridge hosts …` (issue 6: not written yet). */
export async function hosts(argv: string[]): Promise<number> {
  throw new UsageError(`'hosts ${argv[0] ?? ''}' is not available yet`);
}
