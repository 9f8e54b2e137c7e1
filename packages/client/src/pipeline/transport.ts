import { NetworkError } from '../errors.js';
import { describeNetworkFailure } from './network-failure.js';
import type { FetchLike, SendRequest } from './types.js';

/**
 * The pipeline's last step: one `fetch`, body read whole as text. A failed connection becomes a
 * `NetworkError` naming the host and the cause; an abort is rethrown as the signal's reason.
 * Example: `const send = fetchTransport(globalThis.fetch);`
 */
export function fetchTransport(fetch: FetchLike): SendRequest {
  return async (request) => {
    const { host } = request.url;
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
      });
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      throw new NetworkError(
        `${request.operation}: could not reach ${host}: ${describeNetworkFailure(error)}`,
        {
          cause: error,
        },
      );
    }
    try {
      return { status: response.status, headers: response.headers, bodyText: await response.text() };
    } catch (error) {
      if (request.signal?.aborted) throw request.signal.reason;
      // undici: TypeError('terminated') with cause UND_ERR_SOCKET when the socket closes mid-body.
      throw new NetworkError(
        `${request.operation}: the connection to ${host} broke while reading the ${response.status} answer: ` +
          describeNetworkFailure(error),
        { cause: error },
      );
    }
  };
}
