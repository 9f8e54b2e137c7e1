import type { RedactedRequest } from '../errors.js';
import { attemptsMade } from './attempts.js';
import type { Logger, PipelineRequest, Policy, Timer } from './types.js';

const REDACTED = '[redacted]';

/** Headers whose value is a credential; the scheme (`Bearer`, `Basic`) is kept, the rest is not. */
const secretHeaders = new Set(['authorization', 'proxy-authorization', 'cookie']);

/**
 * Query parameters that carry credentials: OAuth (`client_secret`, `client_assertion`, `code`, `*token*`),
 * and the `sig` of the investigation-package SAS URI, which grants download by itself.
 */
function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    lower === 'code' ||
    lower === 'sig' ||
    lower.includes('secret') ||
    lower.includes('assertion') ||
    lower.includes('token') ||
    lower.includes('password')
  );
}

/**
 * The URL as text with credential query values replaced, user info and fragment dropped; other parameters
 * keep their original encoding so `$filter` stays readable.
 * Example: `redactUrl(new URL('https://login/x?client_secret=s&scope=a'))` → `https://login/x?client_secret=[redacted]&scope=a`.
 */
export function redactUrl(url: URL): string {
  const base = `${url.protocol}//${url.host}${url.pathname}`;
  if (url.search === '') return base;
  const query = url.search
    .slice(1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      return isSecretParam(decodeParamName(rawName)) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${base}?${query}`;
}

/** The request as errors and logs may show it: `Authorization: Bearer [redacted]`, secret query values removed. */
export function redactRequest(request: PipelineRequest): RedactedRequest {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = secretHeaders.has(name) ? redactCredential(value) : value;
  });
  return { method: request.method, url: redactUrl(request.url), headers };
}

/**
 * Logs each operation once it settles: method, redacted URL, status, duration and attempts (it sits outside
 * the retry loop; the retry policy logs each retry). Successes at debug (a running bridge makes many calls a
 * minute), errors and failures at warn. Headers and bodies are never logged.
 */
export function requestLogPolicy(options: { logger: Logger; timer: Timer }): Policy {
  const { logger, timer } = options;
  return {
    name: 'requestLog',
    async send(request, next) {
      const startedAt = timer.now();
      const fields = () => ({
        operation: request.operation,
        method: request.method,
        url: redactUrl(request.url),
        durationInMs: timer.now() - startedAt,
        attempts: attemptsMade(request),
      });
      try {
        const response = await next(request);
        const line = { ...fields(), status: response.status };
        const text = `${request.operation} ${request.method} ${line.url} → ${response.status} in ${line.durationInMs} ms`;
        if (response.status >= 400) logger.warn(line, text);
        else logger.debug(line, text);
        return response;
      } catch (error) {
        const line = { ...fields(), error: describeError(error) };
        logger.warn(line, `${request.operation} ${request.method} ${line.url} failed: ${line.error}`);
        throw error;
      }
    },
  };
}

function redactCredential(value: string): string {
  const space = value.indexOf(' ');
  return space === -1 ? REDACTED : `${value.slice(0, space)} ${REDACTED}`;
}

function decodeParamName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    return raw;
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
