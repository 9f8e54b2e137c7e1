import { describe, expect, it, vi } from 'vitest';
import { NetworkError, RequestTimedOut } from '../errors.js';
import { backoffInMs, retryPolicy } from './retry-policy.js';
import { FakeTimer, pipelineResponse, request } from './test-fakes.js';
import type { PipelineResponse, SendRequest } from './types.js';

/** A `next` that gives the scripted answers in order (the last one repeats) and counts calls. */
function scripted(...answers: (PipelineResponse | Error)[]): SendRequest & { calls: number } {
  const next = async () => {
    next.calls++;
    const answer = answers[Math.min(next.calls, answers.length) - 1];
    if (answer instanceof Error) throw answer;
    return answer;
  };
  next.calls = 0;
  return next;
}

const half = () => 0.5;

describe('retryPolicy', () => {
  it('retries a 503 and returns the success that follows', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(503), pipelineResponse(200, '{}'));
    const response = await retryPolicy({ timer, random: half }).send(request(), next);
    expect(response.status).toBe(200);
    expect(next.calls).toBe(2);
    expect(timer.sleeps).toEqual([250]);
  });

  it('waits exactly the Retry-After seconds of a 429', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(429, '', { 'retry-after': '7' }), pipelineResponse(200));
    await retryPolicy({ timer, random: half }).send(request(), next);
    expect(timer.sleeps).toEqual([7000]);
  });

  it('waits until the HTTP-date of a Retry-After', async () => {
    const timer = new FakeTimer();
    const at = new Date(timer.now() + 30_000).toUTCString();
    const next = scripted(pipelineResponse(429, '', { 'retry-after': at }), pipelineResponse(200));
    await retryPolicy({ timer, random: half }).send(request(), next);
    expect(timer.sleeps).toEqual([30_000]);
  });

  it('cuts a Retry-After longer than 5 minutes to 5 minutes', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(429, '', { 'retry-after': '3600' }), pipelineResponse(200));
    await retryPolicy({ timer, totalDeadlineInMs: 3_600_000 }).send(request(), next);
    expect(timer.sleeps).toEqual([300_000]);
  });

  it.each([400, 401, 403, 404, 405, 409, 422, 501])(
    'returns a %i at once, without retrying',
    async (status) => {
      const timer = new FakeTimer();
      const next = scripted(pipelineResponse(status), pipelineResponse(200));
      const response = await retryPolicy({ timer }).send(request(), next);
      expect(response.status).toBe(status);
      expect(next.calls).toBe(1);
      expect(timer.sleeps).toEqual([]);
    },
  );

  it('backs off exponentially with full jitter, capped at 30 s', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(500));
    await retryPolicy({ timer, random: half, maxRetries: 8, totalDeadlineInMs: 3_600_000 }).send(
      request(),
      next,
    );
    expect(timer.sleeps).toEqual([250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000]);
    expect(backoffInMs(1, () => 0)).toBe(0);
    expect(backoffInMs(3, () => 0.999_999)).toBe(1999);
    expect(backoffInMs(20, () => 0.999_999)).toBeLessThan(30_000);
  });

  it('stops after maxRetries and returns the last response for the caller to turn into an error', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(502), pipelineResponse(503), pipelineResponse(504));
    const response = await retryPolicy({ timer, maxRetries: 2, random: half }).send(request(), next);
    expect(next.calls).toBe(3);
    expect(response.status).toBe(504);
  });

  it('makes 6 attempts by default', async () => {
    const next = scripted(pipelineResponse(503));
    await retryPolicy({ timer: new FakeTimer(), random: half }).send(request(), next);
    expect(next.calls).toBe(6);
  });

  it('gives up when the next wait would pass the total deadline', async () => {
    const timer = new FakeTimer();
    const next = scripted(pipelineResponse(429, '', { 'retry-after': '4' }));
    const response = await retryPolicy({ timer, totalDeadlineInMs: 10_000 }).send(request(), next);
    expect(timer.sleeps).toEqual([4000, 4000]);
    expect(next.calls).toBe(3);
    expect(response.status).toBe(429);
  });

  it('rejects with the signal reason as soon as the caller aborts during a wait', async () => {
    const timer = new FakeTimer();
    timer.holdSleeps = true;
    const controller = new AbortController();
    const next = scripted(pipelineResponse(429, '', { 'retry-after': '60' }));
    const pending = retryPolicy({ timer }).send(request({ signal: controller.signal }), next);
    await vi.waitFor(() => expect(timer.sleeps).toEqual([60_000]));
    const reason = new Error('shutting down');
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(next.calls).toBe(1);
  });

  it('does not send at all when the signal is already aborted', async () => {
    const next = scripted(pipelineResponse(200));
    const reason = new Error('cancelled');
    await expect(
      retryPolicy({ timer: new FakeTimer() }).send(request({ signal: AbortSignal.abort(reason) }), next),
    ).rejects.toBe(reason);
    expect(next.calls).toBe(0);
  });

  it('retries network failures: NetworkError, fetch TypeError, ECONNRESET, socket hang up', async () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    const next = scripted(
      new NetworkError('listMachines: could not reach host'),
      new TypeError('fetch failed', { cause: reset }),
      reset,
      new Error('socket hang up'),
      pipelineResponse(200),
    );
    const response = await retryPolicy({ timer: new FakeTimer(), random: half }).send(request(), next);
    expect(response.status).toBe(200);
    expect(next.calls).toBe(5);
  });

  it('throws a NetworkError saying how many attempts were made when the network stays down', async () => {
    const last = new NetworkError(
      'listMachines: could not reach api.securitycenter.microsoft.com: connection refused',
    );
    const next = scripted(last);
    const error = await retryPolicy({ timer: new FakeTimer(), maxRetries: 2, random: half })
      .send(request(), next)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).message).toContain('connection refused');
    expect((error as NetworkError).message).toContain('gave up after 3 attempts');
    expect((error as NetworkError).cause).toBe(last);
  });

  it('retries a timed-out GET but never a timed-out POST (it may have been carried out)', async () => {
    const timedOut = new RequestTimedOut('listMachines: no answer');
    const get = scripted(timedOut, pipelineResponse(200));
    expect((await retryPolicy({ timer: new FakeTimer(), random: () => 0 }).send(request(), get)).status).toBe(
      200,
    );
    expect(get.calls).toBe(2);
    const post = scripted(timedOut, pipelineResponse(200));
    await expect(
      retryPolicy({ timer: new FakeTimer() }).send(request({ method: 'POST' }), post),
    ).rejects.toBe(timedOut);
    expect(post.calls).toBe(1);
  });

  it('does not retry errors that are not network failures', async () => {
    for (const failure of [
      new Error('bug'),
      new TypeError('Invalid URL'),
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('cert'), { code: 'CERT_HAS_EXPIRED' }),
      }),
    ]) {
      const next = scripted(failure, pipelineResponse(200));
      await expect(retryPolicy({ timer: new FakeTimer() }).send(request(), next)).rejects.toBe(failure);
      expect(next.calls).toBe(1);
    }
  });
});
