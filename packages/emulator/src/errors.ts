import { randomBytes } from 'node:crypto';

/**
 * An error answered in Defender's envelope: `{"error":{"code","message","target"}}`.
 * Every handler, the OData parser and the hunting engine throw this; the server turns it into a response.
 * `target` is a correlation id in the form real 2023 responses show (`|b1838e63-40a6640ddd2719ac.`).
 */
export class DefenderError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DefenderError';
  }
}

export function correlationTarget(): string {
  return `|${randomBytes(4).toString('hex')}-${randomBytes(8).toString('hex')}.`;
}

export function errorBody(err: DefenderError): { error: { code: string; message: string; target: string } } {
  return { error: { code: err.code, message: err.message, target: correlationTarget() } };
}

/** Defender's error codes (spec 9.3), one factory each so messages stay consistent. */
export const errors = {
  badRequest: (message: string) => new DefenderError(400, 'BadRequest', message),
  odata: (detail: string) =>
    new DefenderError(
      400,
      'ODataError',
      `Invalid OData URI query (the specific error is specified): ${detail}`,
    ),
  invalidInput: (what: string) => new DefenderError(400, 'InvalidInput', `Invalid input ${what}`),
  invalidRequestBody: (detail?: string) =>
    new DefenderError(
      400,
      'InvalidRequestBody',
      detail ? `Request body is incorrect: ${detail}` : 'Request body is incorrect',
    ),
  missingParameter: (name: string) =>
    new DefenderError(400, 'MissingRequiredParameter', `Parameter ${name} is missing`),
  invalidHash: (value: string) =>
    new DefenderError(400, 'InvalidHashValue', `Hash value ${value} is invalid`),
  invalidIp: (value: string) => new DefenderError(400, 'InvalidIpAddress', `IP address ${value} is invalid`),
  invalidDomain: (value: string) =>
    new DefenderError(400, 'InvalidDomainName', `Domain name ${value} is invalid`),
  invalidUrl: (value: string) => new DefenderError(400, 'InvalidUrl', `URL ${value} is invalid`),
  batchTooLarge: (received: number, allowed: number) =>
    new DefenderError(
      400,
      'MaximumBatchSizeExceeded',
      `Maximum batch size exceeded. Received: ${received}, allowed: ${allowed}.`,
    ),
  osNotSupported: (platform: string) =>
    new DefenderError(
      400,
      'OsPlatformNotSupported',
      `OS Platform ${platform} isn't supported for this action`,
    ),
  activeRequestExists: () =>
    new DefenderError(400, 'ActiveRequestAlreadyExists', 'Action is already in progress'),
  notGuid: (value: string) =>
    new DefenderError(
      400,
      'BadRequest',
      `The key value (${value}) from request is not valid. The key value should be format of type 'Edm.Guid'.`,
    ),
  unauthorized: (message = 'Authorization header is missing, invalid or expired') =>
    new DefenderError(401, 'Unauthorized', message),
  forbidden: (message: string) => new DefenderError(403, 'Forbidden', message),
  disabledFeature: () => new DefenderError(403, 'DisabledFeature', "Tenant feature isn't enabled"),
  notFound: (message: string) => new DefenderError(404, 'NotFound', message),
  resourceNotFound: (message: string) => new DefenderError(404, 'ResourceNotFound', message),
  tooManyRequests: (message: string, retryAfterSeconds: number, code = 'TooManyRequests') =>
    new DefenderError(429, code, message, { 'Retry-After': String(retryAfterSeconds) }),
  internal: () => new DefenderError(500, 'InternalServerError', ''),
  serviceUnavailable: () =>
    new DefenderError(503, 'ServiceUnavailable', 'The service is temporarily unavailable'),
};
