import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { MasterKeyError } from '../secrets/secret-box.js';
import { SyncBusyError } from '../sync/sync-tenant.js';
import { TenantExistsError, TenantInputError, TenantNotFoundError } from '../tenants/tenant-repository.js';
import { ApiError, type ErrorBody } from './errors.js';

/** Domain errors that carry their own meaning, mapped to a status here and nowhere else. */
const domainErrors: [new (...args: never[]) => Error, number, string][] = [
  [TenantInputError, 400, 'invalid_request'],
  [TenantExistsError, 409, 'conflict'],
  [TenantNotFoundError, 404, 'not_found'],
  [SyncBusyError, 409, 'sync_running'],
  // The server's own configuration, not the caller's input: its message names the fix (key file or variable).
  [MasterKeyError, 500, 'master_key'],
];

/** Extra mappings registered by other modules (auth, response actions) without this file importing them. */
export function registerDomainError(
  type: new (...args: never[]) => Error,
  status: number,
  code: string,
): void {
  domainErrors.push([type, status, code]);
}

export function errorBody(code: string, message: string, extra: Record<string, unknown> = {}): ErrorBody {
  return { error: { code, message, ...extra } };
}

/**
 * The one error handler: schema errors are 400 with the field and the reason, intent errors map to their
 * status, and nothing else leaks (no stack, no SQL, no internal message) — the log has the details.
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error.validation && error.validation.length > 0) {
    const first = error.validation[0];
    const where = error.validationContext ?? 'body';
    const path = (first.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const params = (first.params ?? {}) as Record<string, unknown>;
    const property =
      typeof params.additionalProperty === 'string'
        ? params.additionalProperty
        : typeof params.missingProperty === 'string'
          ? params.missingProperty
          : '';
    const field = [where, path, property].filter(Boolean).join('.');
    const reason =
      typeof params.additionalProperty === 'string'
        ? 'is not a known field'
        : (first.message ?? 'is invalid');
    void reply.status(400).send(errorBody('invalid_request', `${field} ${reason}`, { field, reason }));
    return;
  }
  if (error instanceof ApiError) {
    void reply.status(error.statusCode).send(errorBody(error.code, error.message, error.extra));
    return;
  }
  for (const [type, status, code] of domainErrors) {
    if (error instanceof type) {
      void reply.status(status).send(errorBody(code, error.message));
      return;
    }
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    void reply.status(400).send(errorBody('body_too_large', 'the request body is larger than the limit'));
    return;
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // fastify's own client errors (malformed JSON, wrong content type): their messages name no internals.
    void reply.status(status).send(errorBody('invalid_request', error.message));
    return;
  }
  request.log.error({ err: error }, 'unhandled error');
  void reply
    .status(500)
    .send(errorBody('internal', `internal error; the server log has the details (request ${request.id})`));
}
