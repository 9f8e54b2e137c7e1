import { AuthError, ServerError } from '@azure/msal-node';
import { describe, expect, it } from 'vitest';
import { AuthenticationError, NetworkError, RequestTimedOut, ResponseParseError } from '../errors.js';
import { loginTransportError, toAuthenticationError } from './entra-errors.js';

const ctx = {
  tenantId: '6de90c16-b0cb-4759-86b3-5601aec49b50',
  clientId: '11111111-2222-3333-4444-555555555555',
  loginUrl: 'https://login.microsoftonline.us',
};

/** A ServerError shaped as MSAL builds it from an Entra error body (ResponseHandler.validateTokenResponse). */
function serverError(error: string, code: number, text: string, status = 400): ServerError {
  const description = `AADSTS${code}: ${text}\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2025-01-01 00:00:00Z`;
  return new ServerError(
    error,
    'c',
    `Error(s): ${code} - Timestamp: 2025-01-01 00:00:00Z - Description: ${description} - Correlation ID: c - Trace ID: t`,
    undefined,
    String(code),
    status,
  );
}

describe('toAuthenticationError', () => {
  it.each([
    [7000215, 'invalid_client', 'InvalidClientSecret', /wrong or has expired.*Value \(not its Secret ID\)/],
    [7000222, 'invalid_client', 'InvalidClientSecret', /has expired/],
    [90002, 'invalid_request', 'TenantNotFound', /6de90c16-.*check the tenant ID and the cloud/],
    [900023, 'invalid_request', 'TenantNotFound', /neither a tenant ID/],
    [
      700016,
      'unauthorized_client',
      'ApplicationNotFound',
      /11111111-.* is not registered in tenant '6de90c16-/,
    ],
    [65001, 'invalid_grant', 'ConsentMissing', /Grant admin consent/],
    [500011, 'invalid_resource', 'ConsentMissing', /WindowsDefenderATP/],
    [7000112, 'unauthorized_client', 'ConsentMissing', /disabled/],
    [50105, 'invalid_grant', 'ConsentMissing', /assignment/],
    [700027, 'invalid_client', 'CertificateNotRegistered', /upload the certificate's public part/],
    [700024, 'invalid_client', 'InvalidCertificate', /clock/],
    [50027, 'invalid_request', 'InvalidCertificate', /private key/],
    [999999, 'invalid_request', 'AuthenticationFailed', /AADSTS999999: something odd/],
  ])('AADSTS%i (%s) → %s', (code, error, expected, pattern) => {
    const text = code === 999999 ? 'something odd' : 'text';
    const err = serverError(error, code, text);
    const mapped = toAuthenticationError(err, ctx);
    expect(mapped).toBeInstanceOf(AuthenticationError);
    expect(mapped).toMatchObject({ code: expected, aadsts: code });
    expect(mapped.message).toMatch(pattern);
    expect(mapped.cause).toBe(err);
  });

  it('reads the AADSTS number from the text when errorNo is missing', () => {
    const err = new AuthError('invalid_client', 'c', 'AADSTS7000215: Invalid client secret provided.');
    expect(toAuthenticationError(err, ctx)).toMatchObject({ code: 'InvalidClientSecret', aadsts: 7000215 });
  });

  it('tells an expired certificate (700027) from an unregistered one', () => {
    const err = serverError(
      'invalid_client',
      700027,
      'Client assertion contains an invalid signature. [Reason - The certificate has expired.]',
      401,
    );
    expect(toAuthenticationError(err, ctx)).toMatchObject({ code: 'InvalidCertificate' });
  });

  it('maps throttling and outages to AuthenticationFailed saying so', () => {
    const err = serverError('temporarily_unavailable', 50196, 'The server is busy.', 503);
    expect(toAuthenticationError(err, ctx).message).toMatch(/unavailable \(HTTP 503\)/);
  });

  it('maps network failures to NetworkError with the host', () => {
    const refused = loginTransportError({
      kind: 'network',
      url: 'https://login.microsoftonline.us/t/oauth2/v2.0/token',
      cause: new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      }),
    });
    const mapped = toAuthenticationError(refused, ctx);
    expect(mapped).toBeInstanceOf(NetworkError);
    expect(mapped.message).toMatch(/connection to login.microsoftonline.us was refused/);

    const dns = new TypeError('fetch failed', {
      cause: Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
    });
    expect(toAuthenticationError(dns, ctx).message).toMatch(/login.microsoftonline.us could not be resolved/);

    const discovery = new AuthError('endpoints_resolution_error', 'c', 'Endpoints cannot be resolved');
    expect(toAuthenticationError(discovery, ctx)).toBeInstanceOf(NetworkError);
  });

  it('maps a timeout and a non-JSON answer of the login host', () => {
    const url = 'https://login.microsoftonline.com/t/oauth2/v2.0/token';
    expect(
      toAuthenticationError(loginTransportError({ kind: 'timeout', url, timeoutInMs: 30000 })),
    ).toBeInstanceOf(RequestTimedOut);
    const html = loginTransportError({ kind: 'notJson', url, status: 502, contentType: 'text/html' });
    const mapped = toAuthenticationError(html);
    expect(mapped).toBeInstanceOf(ResponseParseError);
    expect(mapped.message).toContain('HTTP 502 with text/html');
  });

  it('keeps anything else as AuthenticationFailed with the original message and cause', () => {
    const err = new Error('something unexpected');
    const mapped = toAuthenticationError(err, ctx);
    expect(mapped).toMatchObject({ code: 'AuthenticationFailed' });
    expect(mapped.message).toContain('something unexpected');
    expect(mapped.cause).toBe(err);
  });

  it('never repeats a secret that appears in the original message', () => {
    const secret = 'abcQ~0123456789abcdefghijklmnopqrstuvwxyz';
    const mapped = toAuthenticationError(new Error(`bad ${secret}`), { ...ctx, secrets: [secret] });
    expect(mapped.message).not.toContain(secret);
    expect(mapped.message).toContain('***');
  });

  it('passes intent errors through unchanged', () => {
    const err = new AuthenticationError('InvalidCertificate', 'bad key');
    expect(toAuthenticationError(err)).toBe(err);
  });
});
