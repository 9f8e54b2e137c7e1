import { type Static, Type } from 'typebox';

// Spec 9.2, 9.3 (MDE error envelope) and 2.7 (Entra token endpoint errors).
// Samples: error_invalid_machineaction_id.json (recorded 400), error_advanced_hunting_429.json (real 429 body).

/** MDE error codes (9.3). `code` is a string; advanced hunting quota errors use the string "429". */
export const ErrorCodes = [
  'BadRequest',
  'ODataError',
  'InvalidInput',
  'InvalidRequestBody',
  'InvalidHashValue',
  'InvalidDomainName',
  'InvalidIpAddress',
  'InvalidUrl',
  'MaximumBatchSizeExceeded',
  'MissingRequiredParameter',
  'OsPlatformNotSupported',
  'ClientVersionNotSupported',
  'ActiveRequestAlreadyExists',
  'Unauthorized',
  'Forbidden',
  'DisabledFeature',
  'DisallowedOperation',
  'NotFound',
  'ResourceNotFound',
  'TooManyRequests',
  '429',
  'InternalServerError',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

/** `{error:{code,message,target}}`. target: GUID in docs, `|xxxxxxxx-xxxxxxxxxxxxxxxx.` request-id form in real 2023 bodies. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(), // ErrorCodes
    message: Type.String(),
    target: Type.String(),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** OAuth `error` values seen from the Entra token endpoint (2.7). */
export const EntraErrors = [
  'invalid_client',
  'unauthorized_client',
  'invalid_request',
  'invalid_tenant',
  'invalid_resource',
] as const;

/** Entra (AAD) token endpoint error body (2.7). Some rows of 2.7 show no `error` value: UNSURE whether always present. */
export const EntraErrorBody = Type.Object({
  error: Type.String(), // EntraErrors
  error_description: Type.String(), // "AADSTS<n>: ...\r\nTrace ID: ...\r\nCorrelation ID: ...\r\nTimestamp: ..."
  error_codes: Type.Array(Type.Integer()),
  timestamp: Type.String(), // "2023-06-02 21:00:26Z"
  trace_id: Type.String(),
  correlation_id: Type.String(),
  error_uri: Type.String(), // https://<login host>/error?code=<n>
});
export type EntraErrorBody = Static<typeof EntraErrorBody>;
