/** A mistake in how the CLI was called: printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can act on (bad config, unreachable service): printed plainly, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** Exit codes, mapped in one place. */
export function exitCodeFor(err: unknown): number {
  return err instanceof UsageError ? 2 : 1;
}
