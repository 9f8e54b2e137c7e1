import { UsageError } from '../errors.js';

// Placeholder (issue 8): replaced by the real command.
export const stitchUsage = `Usage: mde-bridge stitch …\n`;

export async function stitch(_argv: string[]): Promise<number> {
  throw new UsageError('stitch is not implemented yet');
}
