import { ConfigError } from '../config/config-error.js';

/** The address to listen on: options, else MDE_BRIDGE_HOST / MDE_BRIDGE_PORT, else 127.0.0.1:8080. */
export function listenAddress(
  env: NodeJS.ProcessEnv,
  options: { host?: string; port?: number } = {},
): { host: string; port: number } {
  const host = options.host ?? (env.MDE_BRIDGE_HOST?.trim() || '127.0.0.1');
  if (!/^[A-Za-z0-9.:_-]+$/.test(host))
    throw new ConfigError(`MDE_BRIDGE_HOST '${host}' is not a host name or address`);
  const raw = options.port ?? (env.MDE_BRIDGE_PORT?.trim() ? Number(env.MDE_BRIDGE_PORT.trim()) : 8080);
  if (!Number.isInteger(raw) || raw < 0 || raw > 65_535) {
    throw new ConfigError(`MDE_BRIDGE_PORT '${env.MDE_BRIDGE_PORT}' must be a port number (0–65535)`);
  }
  return { host, port: raw };
}
