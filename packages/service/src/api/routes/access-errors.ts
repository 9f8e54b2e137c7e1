/**
 * How the users / roles / tokens functions' errors reach the API: conflicts and unknown ids through the one
 * error handler, input errors as 400 naming the body field. Imported by the route modules that need it.
 */
import { AccessConflictError, AccessInputError, AccessNotFoundError } from '../../auth/access-errors.js';
import { registerDomainError } from '../error-handler.js';
import { badRequest } from '../errors.js';

registerDomainError(AccessConflictError, 409, 'conflict');
registerDomainError(AccessNotFoundError, 404, 'not_found');

/** Runs `fn`; an AccessInputError becomes a 400 whose `field` is `body.<field>`. */
export async function checkedInput<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AccessInputError) {
      throw badRequest(err.message, err.field ? `body.${err.field}` : undefined);
    }
    throw err;
  }
}
