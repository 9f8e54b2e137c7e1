import { UsageError } from '../errors.js';

// Placeholder (issue 8): replaced by the real command.
export const validateUsage = `Usage: mde-bridge validate …\n`;

export async function validate(_argv: string[]): Promise<number> {
  throw new UsageError('validate is not implemented yet');
}
