import { auditActor } from '../../audit/audit-actor.js';
import { appendAudit } from '../../audit/audit-log.js';
import { isBridgeAuthenticator } from '../../auth/authenticator.js';
import { checkNewPassword, verifyPassword } from '../../auth/passwords.js';
import { SESSION_COOKIE } from '../../auth/principal.js';
import { getRole } from '../../auth/roles.js';
import { hashSecretToken } from '../../auth/secret-tokens.js';
import { getUser, passwordHashOf, updateUser } from '../../auth/users.js';
import { ApiError, badRequest, forbidden } from '../errors.js';
import type { Api, AppDeps } from '../types.js';
import { LoginBody, LoginReply, MeReply, PasswordBody } from './schemas/access.js';

const INVALID_CREDENTIALS = 'wrong user name or password';

/** Sign-in, sign-out, who am I, and changing one's own password (CONTRACT.md "Auth"). */
export function authRoutes(api: Api, deps: AppDeps): void {
  const { db } = deps.store;
  const authenticator = deps.authenticator;
  const now = () =>
    isBridgeAuthenticator(authenticator) ? authenticator.now() : (deps.now?.() ?? new Date());

  api.post(
    '/auth/login',
    {
      schema: { tags: ['auth'], body: LoginBody, response: { 200: LoginReply } },
      config: { access: 'public' },
    },
    async (request, reply) => {
      if (!isBridgeAuthenticator(authenticator)) {
        throw new ApiError(404, 'not_found', 'sign-in with a password is not available on this server');
      }
      const result = await authenticator.login({ ...request.body, ip: request.ip });
      if (!result.ok && result.reason === 'rate_limited') {
        void reply.header('retry-after', String(result.retryAfterSeconds));
        throw new ApiError(429, 'rate_limited', 'too many failed sign-ins; try again later', {
          retryAfterSeconds: result.retryAfterSeconds,
        });
      }
      if (!result.ok) throw new ApiError(401, 'invalid_credentials', INVALID_CREDENTIALS);
      // A session cookie already on the request is replaced, not left valid beside the new one.
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await authenticator.logout(previous);
      void reply.setCookie(SESSION_COOKIE, result.session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: deps.secureCookies ?? false,
        expires: new Date(result.session.expiresAt),
      });
      return { user: result.user, csrfToken: result.session.csrfToken };
    },
  );

  api.post(
    '/auth/logout',
    { schema: { tags: ['auth'] }, config: { access: 'authenticated' } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token && request.principal?.kind === 'user' && isBridgeAuthenticator(authenticator)) {
        await authenticator.logout(token);
        await appendAudit(db, { ...auditActor(request.principal, request.ip), action: 'logout' }, now());
      }
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  api.get(
    '/auth/me',
    { schema: { tags: ['auth'], response: { 200: MeReply } }, config: { access: 'authenticated' } },
    async (request) => {
      const principal = request.principal!;
      // The guard keeps only the principal; the session's CSRF token is looked up again for the UI.
      const auth = principal.kind === 'user' ? await authenticator.authenticate(request) : null;
      return {
        user: principal.kind === 'user' ? await getUser(db, principal.id) : null,
        token: principal.kind === 'token' ? { id: principal.id, name: principal.name } : null,
        role: await getRole(db, principal.roleId),
        permissions: [...principal.permissions],
        csrfToken: auth?.csrfToken ?? null,
      };
    },
  );

  api.post(
    '/auth/password',
    { schema: { tags: ['auth'], body: PasswordBody }, config: { access: 'authenticated' } },
    async (request, reply) => {
      const principal = request.principal!;
      if (principal.kind !== 'user') throw forbidden('API tokens have no password');
      const stored = await passwordHashOf(db, principal.name);
      const audit = {
        ...auditActor(principal, request.ip),
        action: 'password.changed',
        target: principal.name,
      };
      if (!stored || !(await verifyPassword(request.body.currentPassword, stored.passwordHash))) {
        await appendAudit(
          db,
          { ...audit, outcome: 'failure', detail: { reason: 'wrong_current_password' } },
          now(),
        );
        throw badRequest('the current password is wrong', 'body.currentPassword');
      }
      try {
        checkNewPassword(request.body.newPassword);
      } catch (err) {
        throw badRequest((err as Error).message, 'body.newPassword');
      }
      // The caller's own session stays; every other session of the user ends.
      const cookie = request.cookies[SESSION_COOKIE];
      const keep = cookie ? hashSecretToken(cookie) : undefined;
      await updateUser(db, principal.id, { password: request.body.newPassword }, now(), keep);
      await appendAudit(db, audit, now());
      return reply.status(204).send();
    },
  );
}
