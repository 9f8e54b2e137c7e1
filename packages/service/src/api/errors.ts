/**
 * Errors a route throws on purpose. The one error handler (`error-handler.ts`) turns each into its status and
 * the envelope `{ "error": { "code", "message", "field"? } }`; anything else becomes a 500 without details.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, field?: string) =>
  new ApiError(400, 'invalid_request', message, field ? { field } : {});
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
export const conflict = (message: string, extra: Record<string, unknown> = {}) =>
  new ApiError(409, 'conflict', message, extra);
export const forbidden = (message: string, extra: Record<string, unknown> = {}) =>
  new ApiError(403, 'forbidden', message, extra);
export const unauthenticated = (message = 'sign in or send an API token') =>
  new ApiError(401, 'unauthenticated', message);

/** The JSON body of every error response. */
export interface ErrorBody {
  error: { code: string; message: string; field?: string; [extra: string]: unknown };
}
