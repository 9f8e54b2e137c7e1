import { describe, expect, it } from 'vitest';
import { RequestTimedOut } from '../errors.js';
import { hangingFetch, jsonResponse, request, scriptedFetch } from './test-fakes.js';
import { timeoutPolicy } from './timeout-policy.js';
import { fetchTransport } from './transport.js';

describe('timeoutPolicy', () => {
  it('turns an attempt that gets no answer in time into RequestTimedOut naming operation and timeout', async () => {
    const send = fetchTransport(hangingFetch());
    const error = await timeoutPolicy({ timeoutInMs: 20 })
      .send(request(), send)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimedOut);
    expect((error as RequestTimedOut).code).toBe('RequestTimedOut');
    expect((error as RequestTimedOut).message).toBe(
      'listMachines: no answer from api.securitycenter.microsoft.com within 20 ms',
    );
  });

  it("rethrows the caller's abort reason, not a timeout", async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    const pending = timeoutPolicy({ timeoutInMs: 10_000 }).send(
      request({ signal: controller.signal }),
      fetchTransport(hangingFetch()),
    );
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
  });

  it('hands the transport a signal that follows the caller', async () => {
    const fetch = scriptedFetch(jsonResponse(200, {}));
    const controller = new AbortController();
    await timeoutPolicy().send(request({ signal: controller.signal }), fetchTransport(fetch));
    const sent = fetch.calls[0].signal!;
    expect(sent.aborted).toBe(false);
    controller.abort();
    expect(sent.aborted).toBe(true);
  });
});
