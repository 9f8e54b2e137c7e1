import { DefenderApiError, ResponseParseError } from '../errors.js';
import { redactRequest } from './request-log-policy.js';
import type { PipelineRequest, PipelineResponse } from './types.js';

/** A `Retry-After` longer than this is cut to it, so a wrong header cannot park a caller for hours. */
export const MAX_RETRY_AFTER_IN_MS = 5 * 60_000;

/**
 * `Retry-After` in ms, from delta-seconds (`30`) or an HTTP-date (`Wed, 21 Oct 2015 07:28:00 GMT`, counted
 * from `nowMs`); capped at 5 min, never negative; undefined when absent or unreadable.
 * Example: `retryAfterMs(new Headers({ 'retry-after': '30' }), Date.now())` → `30000`.
 */
export function retryAfterMs(headers: Headers, nowMs: number): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  let waitInMs: number;
  if (/^\d+(\.\d+)?$/.test(value)) {
    waitInMs = Math.ceil(Number(value) * 1000);
  } else {
    // HTTP-dates always carry a day or month name; Date.parse would also take '-5' as a year.
    const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
    if (Number.isNaN(at)) return undefined;
    waitInMs = at - nowMs;
  }
  return Math.min(Math.max(0, waitInMs), MAX_RETRY_AFTER_IN_MS);
}

/**
 * The body of a 2xx answer as JSON (`undefined` for an empty body); any other status becomes a
 * `DefenderApiError` carrying the service's code, message and tracking id. A body the JSON-body policy
 * already parsed is not parsed again.
 * Example: `const page = parseJsonResponse<ODataPage<Machine>>(request, await send(request));`
 */
export function parseJsonResponse<T>(request: PipelineRequest, response: PipelineResponse): T {
  if (response.status < 200 || response.status > 299) throw toDefenderApiError(request, response);
  return (response.json !== undefined ? response.json : readJsonBody(request, response)) as T;
}

/**
 * A body as JSON (`undefined` when empty), or a `ResponseParseError` saying whether it was cut off, HTML,
 * or something else. Example: `readJsonBody(request, { status: 200, headers, bodyText: '{"a":1}' })` → `{a: 1}`.
 */
export function readJsonBody(request: PipelineRequest, response: PipelineResponse): unknown {
  if (response.bodyText.trim() === '') return undefined;
  try {
    return JSON.parse(response.bodyText);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ResponseParseError(
      `${request.operation}: ${describeBadJson(response.bodyText, reason)} (status ${response.status}, ` +
        `${response.bodyText.length} characters, content-type ${response.headers.get('content-type') ?? 'none'}; ` +
        `${reason})`,
      { cause: error },
    );
  }
}

interface ErrorDetails {
  code: string;
  message: string;
  target: string | undefined;
}

/**
 * Reads the three error envelopes the client meets: Defender `{error:{code,message,target}}` (spec 9.2),
 * Graph `{error:{code,message,innerError:{'request-id'}}}` and Entra `{error, error_description,
 * correlation_id}` (spec 2.7). Graph's request-id and Entra's correlation id go into `target`: like
 * Defender's target, they are what support asks for.
 */
export function toDefenderApiError(request: PipelineRequest, response: PipelineResponse): DefenderApiError {
  const details = readErrorDetails(response.bodyText);
  // The hunting quota body uses code "429" (spec 9.1); "429 429" would say nothing twice.
  const code = details.code && details.code !== String(response.status) ? ` ${details.code}` : '';
  const message = details.message ? ` — ${details.message}` : '';
  return new DefenderApiError(
    `${request.operation} failed: ${response.status}${code}${message}`,
    response.status,
    details.code,
    details.target,
    redactRequest(request),
  );
}

function readErrorDetails(bodyText: string): ErrorDetails {
  const text = bodyText.trim();
  if (text === '') return { code: '', message: '', target: undefined };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: '', message: snippet(text), target: undefined };
  }
  if (!isRecord(body)) return { code: '', message: snippet(text), target: undefined };
  const { error } = body;
  if (isRecord(error)) {
    const innerError = isRecord(error.innerError) ? error.innerError : undefined;
    return {
      code: stringOr(error.code, ''),
      message: stringOr(error.message, ''),
      target: stringOr(error.target, undefined) ?? stringOr(innerError?.['request-id'], undefined),
    };
  }
  if (typeof error === 'string') {
    // Entra's description runs on with "\r\nTrace ID: … Correlation ID: … Timestamp: …"; the first line says it.
    const description = stringOr(body.error_description, '').split(/\r?\n/)[0];
    return { code: error, message: description, target: stringOr(body.correlation_id, undefined) };
  }
  return { code: '', message: snippet(text), target: undefined };
}

function describeBadJson(bodyText: string, reason: string): string {
  const text = bodyText.trim();
  if (text.startsWith('<')) return 'the response body is an HTML page, not JSON';
  // V8 says "Unexpected end of JSON input", or names a position at the very end: the body was cut off.
  const position = /at position (\d+)/.exec(reason);
  if (/end of JSON input|Unterminated/.test(reason) || (position && Number(position[1]) >= text.length)) {
    return 'the response body was cut off before the JSON ended';
  }
  return 'the response body is not valid JSON';
}

function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOr<T extends string | undefined>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}
