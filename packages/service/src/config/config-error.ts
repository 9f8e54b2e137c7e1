/** A configuration value (environment variable, flag, setting) that cannot be used; nothing was started. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
