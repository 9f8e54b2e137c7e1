import type { TokenProvider } from '../auth/types.js';
import type { PipelineRequest, Policy } from './types.js';

/**
 * Attaches `Authorization: Bearer <token>` for the request's resource. A 401 means the cached token was
 * revoked or expired early: get a fresh one and send once more (spec 9.3, as Kibana's connector does); a
 * second 401 is returned as-is. Sits inside the retry loop, so each retry asks the provider again.
 */
export function authPolicy(tokenProvider: TokenProvider): Policy {
  return {
    name: 'auth',
    async send(request, next) {
      const { resource, signal } = request;
      if (resource === 'none') return next(request);
      const token = await tokenProvider.getToken(resource, { signal });
      const response = await next(withBearer(request, token));
      if (response.status !== 401) return response;
      const freshToken = await tokenProvider.getToken(resource, { forceRefresh: true, signal });
      return next(withBearer(request, freshToken));
    },
  };
}

/** A copy with the token set; the caller's headers are never touched, so the token cannot leak back. */
function withBearer(request: PipelineRequest, token: string): PipelineRequest {
  const headers = new Headers(request.headers);
  headers.set('authorization', `Bearer ${token}`);
  return { ...request, headers };
}
