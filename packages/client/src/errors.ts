/**
 * Errors the client throws. One wire error type (`DefenderApiError`, as octokit's RequestError) carrying
 * the HTTP status, Defender's `code`/`message`/`target` and the request with `Authorization` redacted;
 * and small intent errors with stable `code` strings that say what a person can do about it.
 */
export interface RedactedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
}

export class DefenderApiError extends Error {
  override name = 'DefenderApiError';
  constructor(
    message: string,
    readonly status: number,
    /** Defender's `error.code` (`ResourceNotFound`, `ActiveRequestAlreadyExists`, `"429"` …), or '' when the body had none. */
    readonly code: string,
    readonly target: string | undefined,
    readonly request: RedactedRequest,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Base of the intent errors: `code` is stable and documented; `message` is for people. */
export class IntentError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Entra refused the credentials. `code`: InvalidClientSecret | TenantNotFound | ApplicationNotFound | ConsentMissing | CertificateNotRegistered | InvalidCertificate | AuthenticationFailed. */
export class AuthenticationError extends IntentError {
  constructor(
    code: string,
    message: string,
    readonly aadsts?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** The token lacks a role the call needs. */
export class PermissionMissing extends IntentError {
  constructor(
    readonly roles: string[],
    message: string,
    options?: { cause?: unknown },
  ) {
    super('PermissionMissing', message, options);
  }
}

/** The tenant's licence does not include the feature (403 DisabledFeature). */
export class LicenseFeatureUnavailable extends IntentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('LicenseFeatureUnavailable', message, options);
  }
}

/** A machine action of that type is already pending on the device (400 ActiveRequestAlreadyExists). */
export class ActionAlreadyPending extends IntentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ActionAlreadyPending', message, options);
  }
}

/** No answer within the per-attempt timeout or the total deadline. */
export class RequestTimedOut extends IntentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('RequestTimedOut', message, options);
  }
}

/** The service could not be reached (DNS, TCP, TLS, proxy, connection reset). */
export class NetworkError extends IntentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('NetworkError', message, options);
  }
}

/** The answer was not the JSON the API promises (truncated body, HTML error page …). */
export class ResponseParseError extends IntentError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ResponseParseError', message, options);
  }
}
