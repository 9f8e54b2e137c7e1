import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../auth/principal.js';
import { errorBody } from './error-handler.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Runs before body parsing on every route: who is calling (session cookie or bearer token), whether a
 * cookie-borne state change carries the session's CSRF token, and whether the caller holds the route's
 * permission. Unauthenticated → 401, missing CSRF token or permission → 403; the handler never runs.
 */
export function accessGuard(authenticator: Authenticator) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    request.principal = null;
    const access = request.routeOptions.config?.access;
    if (!access || access === 'public') return;
    const auth = await authenticator.authenticate(request);
    if (!auth) {
      await reply
        .status(401)
        .send(errorBody('unauthenticated', 'sign in, or send an API token as Authorization: Bearer'));
      return;
    }
    if (auth.via === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || sent !== auth.csrfToken) {
        await reply
          .status(403)
          .send(
            errorBody('csrf', 'missing or wrong x-csrf-token header (GET /api/v1/auth/me gives the token)'),
          );
        return;
      }
    }
    if (access !== 'authenticated' && !auth.principal.permissions.has(access)) {
      await reply
        .status(403)
        .send(errorBody('forbidden', `this needs the '${access}' permission`, { permission: access }));
      return;
    }
    request.principal = auth.principal;
  };
}
