import { randomUUID } from 'node:crypto';

/** A protocol answer of the emulated login host (token endpoint, discovery). */
export interface LoginResponse {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface AadstsErrorSpec {
  status: number;
  /** OAuth `error` (`invalid_request`, `invalid_client`, ...). */
  error: string;
  /** AADSTS number. */
  code: number;
  /** Text after `AADSTS<code>: `. */
  message: string;
}

export interface ResponseContext {
  loginOrigin: string;
  nowMs: number;
  /** `client-request-id` sent by the client; Entra echoes it as `correlation_id`. */
  correlationId?: string;
}

/** `2023-06-02 21:00:26Z`, the timestamp form of Entra errors. */
export function aadTimestamp(nowMs: number): string {
  return new Date(nowMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** `2024-10-02T22:05:03.6755165Z`, the 7-decimal form used inside some AADSTS messages. */
export function aadIsoTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export function normalizeOrigin(origin: string): string {
  return origin.replace(/\/+$/, '');
}

const GUIDISH = /^[0-9a-zA-Z-]{1,64}$/;

export function responseHeaders(traceId: string, correlationId: string): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store, no-cache',
    Pragma: 'no-cache',
    'x-ms-request-id': traceId,
    'client-request-id': correlationId,
  };
}

export function pickCorrelationId(candidate: string | undefined): string {
  return candidate && GUIDISH.test(candidate) ? candidate : randomUUID();
}

/**
 * Spec 2.7: the one JSON shape of all Entra token/discovery errors.
 * `error_description` = `AADSTS<n>: <text>\r\nTrace ID: …\r\nCorrelation ID: …\r\nTimestamp: …`.
 */
export function aadstsError(spec: AadstsErrorSpec, ctx: ResponseContext): LoginResponse {
  const traceId = randomUUID();
  const correlationId = pickCorrelationId(ctx.correlationId);
  const timestamp = aadTimestamp(ctx.nowMs);
  return {
    status: spec.status,
    headers: responseHeaders(traceId, correlationId),
    body: {
      error: spec.error,
      error_description: `AADSTS${spec.code}: ${spec.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [spec.code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `${normalizeOrigin(ctx.loginOrigin)}/error?code=${spec.code}`,
    },
  };
}

// ---- the AADSTS catalogue used by the emulator (sources and guesses: ASSUMPTIONS.md) -------------------------

export const aad = {
  missingParameter: (name: string): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 900144,
    message: `The request body must contain the following parameter: '${name}'.`,
  }),
  unsupportedGrantType: (grant: string): AadstsErrorSpec => ({
    status: 400,
    error: 'unsupported_grant_type',
    code: 70003,
    message: `The app requested an unsupported grant type '${grant}'.`,
  }),
  emptyGuidTenant: (segment: string): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90002,
    message: `Requested tenant identifier '${segment}' is not valid. Tenant identifiers may not be an empty GUID.`,
  }),
  tenantNotFound: (segment: string, error = 'invalid_request'): AadstsErrorSpec => ({
    status: 400,
    error,
    code: 90002,
    message: `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  }),
  invalidTenantIdentifier: (segment: string, error = 'invalid_request'): AadstsErrorSpec => ({
    status: 400,
    error,
    code: 900023,
    message: `Specified tenant identifier '${segment}' is neither a valid DNS name, nor a valid external domain.`,
  }),
  multiTenantEndpoint: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 9001023,
    message:
      'The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.',
  }),
  resourceParameterNotSupported: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 901002,
    message: "The 'resource' request parameter is not supported.",
  }),
  invalidScope: (scope: string): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_scope',
    code: 70011,
    message: `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
  }),
  scopeNotDefault: (scope: string): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_scope',
    code: 1002012,
    message: `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
  }),
  resourceNotFound: (resource: string, tenantName: string): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_resource',
    code: 500011,
    message: `The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
  }),
  applicationNotFound: (clientId: string, tenantName: string): AadstsErrorSpec => ({
    status: 400,
    error: 'unauthorized_client',
    code: 700016,
    message: `Application with identifier '${clientId}' was not found in the directory '${tenantName}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
  }),
  invalidSecret: (clientId: string): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000215,
    message: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
  }),
  missingCredential: (): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 7000218,
    message: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
  }),
  multipleCredentials: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90023,
    message:
      "Invalid request. Only one client credential may be sent: 'client_assertion' or 'client_secret'.",
  }),
  clientIdMismatch: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90023,
    message:
      "Invalid request. The 'client_id' parameter does not match the client in the Authorization header.",
  }),
  invalidAssertionType: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 90100,
    message: "The parameter 'client_assertion_type' is empty or not valid.",
  }),
  malformedJwt: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 50027,
    message: 'JWT token is invalid or malformed.',
  }),
  unsupportedAssertionAlg: (): AadstsErrorSpec => ({
    status: 400,
    error: 'invalid_request',
    code: 5002730,
    message: 'Invalid JWT token. Unsupported key for the signing algorithm.',
  }),
  tooManyAudiences: (n: number): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 5002741,
    message: `Number of audience values in the provided client credential exceed maximum allowed. ${n} audience values provided, maximum allowed is 1.`,
  }),
  assertionAudience: (): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 50012,
    message: 'Client assertion audience claim does not match Realm issuer.',
  }),
  subjectMismatchesIssuer: (): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 50048,
    message: 'Subject mismatches Issuer claim in the client assertion.',
  }),
  assertionClientMismatch: (): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700021,
    message:
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
  }),
  certificateNotRegistered: (thumbprintHex: string, clientId: string): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprintHex}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${clientId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${clientId}']`,
  }),
  assertionKeyMissing: (): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message:
      "Client assertion failed signature validation. [Reason - The key was not found., Thumbprint of key used by client: '']",
  }),
  invalidAssertionSignature: (thumbprintHex: string, reason: string): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700027,
    message: `Client assertion contains an invalid signature. [Reason - ${reason}, Thumbprint of key used by client: '${thumbprintHex}']`,
  }),
  assertionTimeRange: (nowMs: number, nbfSec: number | undefined, expSec: number): AadstsErrorSpec => ({
    status: 401,
    error: 'invalid_client',
    code: 700024,
    message: `Client assertion is not within its valid time range. Current time: ${aadIsoTime(nowMs)}, assertion valid from ${aadIsoTime((nbfSec ?? 0) * 1000)}, expiry time of assertion ${aadIsoTime(expSec * 1000)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
  }),
};
