import type { Policy } from './types.js';

/** `mde-bridge/<version> (+https://github.com/mde-bridge)`, so Microsoft can tell our calls apart. */
export function userAgent(version: string): string {
  return `mde-bridge/${version} (+https://github.com/mde-bridge)`;
}

/** Sets `User-Agent` unless the caller already did. */
export function userAgentPolicy(version: string): Policy {
  const value = userAgent(version);
  return {
    name: 'userAgent',
    send(request, next) {
      if (request.headers.has('user-agent')) return next(request);
      const headers = new Headers(request.headers);
      headers.set('user-agent', value);
      return next({ ...request, headers });
    },
  };
}
