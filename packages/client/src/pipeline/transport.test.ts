import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { NetworkError } from '../errors.js';
import { isTransientNetworkFailure } from './network-failure.js';
import { jsonResponse, request, scriptedFetch } from './test-fakes.js';
import { fetchTransport } from './transport.js';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

async function failureOf(promise: Promise<unknown>): Promise<NetworkError> {
  const error = await promise.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NetworkError);
  return error as NetworkError;
}

/** A local server (no sleeping): each test closes it. */
async function listen(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/machines`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('fetchTransport', () => {
  it('sends method, headers, body and signal, and reads the whole body as text', async () => {
    const fetch = scriptedFetch(jsonResponse(201, { id: 'a1' }, { 'retry-after': '1' }));
    const signal = new AbortController().signal;
    const response = await fetchTransport(fetch)(
      request({
        method: 'POST',
        headers: new Headers({ 'content-type': 'application/json' }),
        body: '{"Comment":"x"}',
        signal,
      }),
    );
    expect(response).toMatchObject({ status: 201, bodyText: '{"id":"a1"}' });
    expect(response.headers.get('retry-after')).toBe('1');
    expect(fetch.calls[0]).toMatchObject({ method: 'POST', body: '{"Comment":"x"}', signal });
    expect(fetch.calls[0].url).toBe(request().url.href);
    expect(fetch.calls[0].headers.get('content-type')).toBe('application/json');
  });

  it.each([
    ['ECONNREFUSED', 'connection refused (ECONNREFUSED)'],
    ['ENOTFOUND', 'host name not found (DNS) (ENOTFOUND)'],
    ['ECONNRESET', 'connection reset by the other side (ECONNRESET)'],
    ['UND_ERR_SOCKET', 'socket closed by the other side (UND_ERR_SOCKET)'],
  ])('names the host and the cause of a "fetch failed" with %s', async (code, text) => {
    const fetch = scriptedFetch(new TypeError('fetch failed', { cause: withCode('low-level text', code) }));
    const error = await failureOf(fetchTransport(fetch)(request()));
    expect(error.message).toBe(`listMachines: could not reach api.securitycenter.microsoft.com: ${text}`);
    expect(error.code).toBe('NetworkError');
    expect(isTransientNetworkFailure(error)).toBe(true);
  });

  it('finds the cause inside an AggregateError (several addresses tried)', async () => {
    const cause = new AggregateError(
      [withCode('connect ECONNREFUSED ::1:443', 'ECONNREFUSED')],
      'all failed',
    );
    const fetch = scriptedFetch(new TypeError('fetch failed', { cause }));
    const error = await failureOf(fetchTransport(fetch)(request()));
    expect(error.message).toContain('connection refused (ECONNREFUSED)');
  });

  it('reports a body cut off mid-stream ("terminated") as a NetworkError', async () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"value":[{"id":'));
        controller.error(
          new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }),
        );
      },
    });
    const fetch = scriptedFetch(async () => new Response(body, { status: 200 }));
    const error = await failureOf(fetchTransport(fetch)(request()));
    expect(error.message).toBe(
      'listMachines: the connection to api.securitycenter.microsoft.com broke while reading the 200 answer: ' +
        'socket closed by the other side (UND_ERR_SOCKET)',
    );
  });

  it("rethrows an abort as the signal's reason, not as a network failure", async () => {
    const reason = new Error('cancelled');
    const controller = new AbortController();
    const fetch = scriptedFetch(async () => {
      controller.abort(reason);
      throw reason;
    });
    await expect(fetchTransport(fetch)(request({ signal: controller.signal }))).rejects.toBe(reason);
  });

  it('maps the real Node fetch errors: refused connection and a socket closed mid-body', async () => {
    const refused = await listen(() => {});
    await refused.close();
    const send = fetchTransport(globalThis.fetch);
    const refusedError = await failureOf(send(request({ url: new URL(refused.url) })));
    expect(refusedError.message).toMatch(
      /could not reach 127\.0\.0\.1:\d+: connection refused \(ECONNREFUSED\)/,
    );

    const cut = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"value":[', () => res.socket?.destroy());
    });
    try {
      const cutError = await failureOf(send(request({ url: new URL(cut.url) })));
      expect(cutError.message).toMatch(/broke while reading the 200 answer: .*\(UND_ERR_SOCKET\)/);
    } finally {
      await cut.close();
    }
  });
});
