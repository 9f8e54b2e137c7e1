import { NetworkError } from '../errors.js';

/**
 * What a failed connection looks like from `fetch`, in one place so the transport (which names it) and the
 * retry policy (which decides to try again) agree. Node's fetch (undici) rejects with
 * `TypeError('fetch failed')` before the answer and `TypeError('terminated')` when the socket dies
 * mid-body; the reason sits on `cause` (`ECONNREFUSED`, `ENOTFOUND`, `UND_ERR_SOCKET` …), sometimes
 * inside an `AggregateError` when several addresses were tried.
 */
const causeDescriptions: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the other side',
  ENOTFOUND: 'host name not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed temporarily',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
  UND_ERR_SOCKET: 'socket closed by the other side',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'response body stalled',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    'TLS certificate not trusted (a TLS-inspecting proxy? see NODE_EXTRA_CA_CERTS)',
  SELF_SIGNED_CERT_IN_CHAIN: 'TLS certificate not trusted (a TLS-inspecting proxy? see NODE_EXTRA_CA_CERTS)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed TLS certificate',
  ERR_TLS_CERT_ALTNAME_INVALID: 'TLS certificate does not match the host name',
};

/** The first string `code` on the error or its `cause` chain (`ECONNRESET`, `UND_ERR_SOCKET` …). */
export function networkFailureCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current instanceof Object; depth++) {
    const { code, errors, cause } = current as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== '') return code;
    current = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return undefined;
}

/** A short human text for the cause: `connection refused (ECONNREFUSED)`. */
export function describeNetworkFailure(error: unknown): string {
  const code = networkFailureCode(error);
  const description = code ? causeDescriptions[code] : undefined;
  if (code && description) return `${description} (${code})`;
  const innermost = innermostMessage(error);
  return code ? `${innermost} (${code})` : innermost;
}

/** Certificate problems do not heal within a retry budget; retrying only delays the real message. */
const permanentCodes = new Set([
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** True for failures where the request may succeed if sent again: no answer, or the connection broke. */
export function isTransientNetworkFailure(error: unknown): boolean {
  const code = networkFailureCode(error);
  if (code && permanentCodes.has(code)) return false;
  if (error instanceof NetworkError) return true;
  if (error instanceof TypeError && (error.message === 'fetch failed' || error.message === 'terminated')) {
    return true;
  }
  if (code && (code in causeDescriptions || code.startsWith('UND_ERR_'))) return true;
  return error instanceof Error && /socket hang up/i.test(error.message);
}

function innermostMessage(error: unknown): string {
  let current: unknown = error;
  let message = String(error);
  for (let depth = 0; depth < 6 && current instanceof Error; depth++) {
    message = current.message;
    current = current.cause;
  }
  return message;
}
