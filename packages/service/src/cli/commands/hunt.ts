import { UsageError } from '../errors.js';

// Placeholder (issue 8): replaced by the real command.
export const huntUsage = `Usage: mde-bridge hunt …\n`;

export async function hunt(_argv: string[]): Promise<number> {
  throw new UsageError('hunt is not implemented yet');
}
