import { describe, expect, it } from 'vitest';
import { DefenderApiError, ResponseParseError } from '../errors.js';
import { parseJsonResponse, retryAfterMs } from './read-response.js';
import { pipelineResponse, request } from './test-fakes.js';

const now = Date.UTC(2025, 5, 2, 12, 0, 0);
const retryAfter = (value: string) => retryAfterMs(new Headers({ 'retry-after': value }), now);

function apiErrorOf(status: number, body: unknown, overrides = {}): DefenderApiError {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  try {
    parseJsonResponse(request(overrides), pipelineResponse(status, text));
  } catch (error) {
    expect(error).toBeInstanceOf(DefenderApiError);
    return error as DefenderApiError;
  }
  throw new Error('expected a DefenderApiError');
}

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP-dates, caps at 5 minutes and never goes negative', () => {
    expect(retryAfter('30')).toBe(30_000);
    expect(retryAfter('0')).toBe(0);
    expect(retryAfter('1.5')).toBe(1500);
    expect(retryAfter('Mon, 02 Jun 2025 12:00:45 GMT')).toBe(45_000);
    expect(retryAfter('Mon, 02 Jun 2025 11:59:00 GMT')).toBe(0);
    expect(retryAfter('86400')).toBe(300_000);
    expect(retryAfter('soon')).toBeUndefined();
    expect(retryAfter('-5')).toBeUndefined();
    expect(retryAfterMs(new Headers(), now)).toBeUndefined();
  });
});

describe('parseJsonResponse', () => {
  it('parses a 2xx body, and gives undefined for an empty one', () => {
    expect(parseJsonResponse(request(), pipelineResponse(200, '{"value":[1]}'))).toEqual({ value: [1] });
    expect(parseJsonResponse(request(), pipelineResponse(200, '4'))).toBe(4);
    expect(parseJsonResponse(request(), pipelineResponse(204, ''))).toBeUndefined();
  });

  it('says the body was cut off when the JSON ends early', () => {
    const body = '{"value":[{"id":"1","computerDnsName":"pc';
    const call = () =>
      parseJsonResponse(request(), pipelineResponse(200, body, { 'content-type': 'application/json' }));
    expect(call).toThrow(ResponseParseError);
    expect(call).toThrow(/^listMachines: the response body was cut off before the JSON ended/);
    expect(call).toThrow(/status 200, 41 characters, content-type application\/json; Unterminated string/);
  });

  it('says when the body is not JSON at all', () => {
    const html = () =>
      parseJsonResponse(request(), pipelineResponse(200, '<html><body>Proxy login</body></html>'));
    expect(html).toThrow(/^listMachines: the response body is an HTML page, not JSON/);
    const junk = () => parseJsonResponse(request(), pipelineResponse(200, '{"a":1} trailing'));
    expect(junk).toThrow(/^listMachines: the response body is not valid JSON/);
  });

  it("builds a DefenderApiError from Defender's envelope, with the request redacted", () => {
    const headers = new Headers({ authorization: 'Bearer secret-token-1', 'user-agent': 'mde-bridge/0.1.0' });
    const error = apiErrorOf(
      404,
      { error: { code: 'ResourceNotFound', message: 'Machine x was not found', target: '|b1838e63-40a66.' } },
      { headers },
    );
    expect(error.message).toBe('listMachines failed: 404 ResourceNotFound — Machine x was not found');
    expect(error).toMatchObject({ status: 404, code: 'ResourceNotFound', target: '|b1838e63-40a66.' });
    expect(error.request).toEqual({
      method: 'GET',
      url: 'https://api.securitycenter.microsoft.com/api/machines?$filter=healthStatus%20eq%20%27Active%27',
      headers: { authorization: 'Bearer [redacted]', 'user-agent': 'mde-bridge/0.1.0' },
    });
    expect(JSON.stringify(error.request)).not.toContain('secret-token');
  });

  it("reads Graph's envelope, keeping its request-id as the target", () => {
    const error = apiErrorOf(
      403,
      {
        error: {
          code: 'Forbidden',
          message: 'Missing role permissions on the request.',
          innerError: { date: '2025-06-02T12:00:00', 'request-id': 'req-1', 'client-request-id': 'c-1' },
        },
      },
      { operation: 'listGraphAlerts' },
    );
    expect(error.message).toBe(
      'listGraphAlerts failed: 403 Forbidden — Missing role permissions on the request.',
    );
    expect(error).toMatchObject({ status: 403, code: 'Forbidden', target: 'req-1' });
  });

  it("reads Entra's token error, keeping the first line of the description", () => {
    const error = apiErrorOf(
      401,
      {
        error: 'invalid_client',
        error_description:
          'AADSTS7000215: Invalid client secret provided.\r\nTrace ID: t-1\r\nCorrelation ID: corr-1\r\nTimestamp: 2025-06-02 12:00:00Z',
        error_codes: [7000215],
        correlation_id: 'corr-1',
      },
      { operation: 'getToken' },
    );
    expect(error.message).toBe(
      'getToken failed: 401 invalid_client — AADSTS7000215: Invalid client secret provided.',
    );
    expect(error).toMatchObject({ code: 'invalid_client', target: 'corr-1' });
  });

  it('keeps the hunting quota code "429" without repeating it in the message', () => {
    const error = apiErrorOf(
      429,
      {
        error: {
          code: '429',
          message: 'API calls quota exceeded! maximum allowed 45 per 00:01:00',
          target: 't',
        },
      },
      { operation: 'runHuntingQuery' },
    );
    expect(error.message).toBe(
      'runHuntingQuery failed: 429 — API calls quota exceeded! maximum allowed 45 per 00:01:00',
    );
    expect(error.code).toBe('429');
  });

  it('copes with empty and non-JSON error bodies', () => {
    const empty = apiErrorOf(405, '');
    expect(empty.message).toBe('listMachines failed: 405');
    expect(empty).toMatchObject({ code: '', target: undefined });
    const html = apiErrorOf(502, '<html>\n  <title>502 Bad Gateway</title></html>');
    expect(html.message).toBe('listMachines failed: 502 — <html> <title>502 Bad Gateway</title></html>');
  });
});
