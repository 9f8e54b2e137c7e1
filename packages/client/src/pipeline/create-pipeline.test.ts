import { describe, expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { DefenderApiError, RequestTimedOut, ResponseParseError } from '../errors.js';
import { composePolicies, createPipeline, type PipelineOptions } from './create-pipeline.js';
import { parseJsonResponse } from './read-response.js';
import {
  capturingLogger,
  countingTokenProvider,
  FakeTimer,
  hangingFetch,
  jsonResponse,
  recordingGovernor,
  request,
  scriptedFetch,
} from './test-fakes.js';
import type { FetchLike, Policy } from './types.js';

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

function pipeline(fetch: FetchLike, overrides: Partial<PipelineOptions> = {}) {
  const fakes = {
    timer: new FakeTimer(),
    governor: recordingGovernor(),
    tokenProvider: countingTokenProvider(),
    logger: capturingLogger(),
  };
  const send = createPipeline({
    fetch,
    tenantId: 'tenant-1',
    clientId: 'app-1',
    userAgentVersion: '1.2.3',
    ...fakes,
    ...overrides,
  });
  return { send, ...fakes };
}

describe('composePolicies', () => {
  it('runs the first policy outermost and the transport last', async () => {
    const order: string[] = [];
    const tracing = (name: string): Policy => ({
      name,
      async send(req, next) {
        order.push(`${name} in`);
        const response = await next(req);
        order.push(`${name} out`);
        return response;
      },
    });
    const send = composePolicies([tracing('a'), tracing('b')], async () => {
      order.push('transport');
      return { status: 200, headers: new Headers(), bodyText: '' };
    });
    await send(request());
    expect(order).toEqual(['a in', 'b in', 'transport', 'b out', 'a out']);
  });
});

describe('createPipeline', () => {
  it('after a 429 wait takes a new permit and a fresh token, and refreshes once on 401', async () => {
    const fetch = scriptedFetch(
      jsonResponse(
        429,
        { error: { code: 'TooManyRequests', message: 'slow down', target: 't' } },
        { 'retry-after': '2' },
      ),
      jsonResponse(401, { error: { code: 'Unauthorized', message: 'expired', target: 't' } }),
      jsonResponse(200, { value: [] }),
    );
    const { send, timer, governor, tokenProvider } = pipeline(fetch);
    const response = await send(request({ priority: 'lookup' }));

    expect(response.status).toBe(200);
    expect(timer.sleeps).toEqual([2000]);
    expect(fetch.calls.map((c) => c.headers.get('authorization'))).toEqual([
      'Bearer secret-token-1',
      'Bearer secret-token-2',
      'Bearer secret-token-3',
    ]);
    expect(tokenProvider.requests.map((r) => r.forceRefresh)).toEqual([false, false, true]);
    expect(governor.events.map((e) => e.kind)).toEqual(['acquire', 'throttled', 'acquire']);
    expect(new Set(fetch.calls.map((c) => c.headers.get('user-agent')))).toEqual(
      new Set(['mde-bridge/1.2.3 (+https://github.com/mde-bridge)']),
    );
  });

  it('keeps a User-Agent the caller set, and defaults the version to the package version', async () => {
    const fetch = scriptedFetch(jsonResponse(200, {}));
    await pipeline(fetch).send(request({ headers: new Headers({ 'user-agent': 'custom/1' }) }));
    await pipeline(fetch, { userAgentVersion: undefined }).send(request());
    expect(fetch.calls.map((c) => c.headers.get('user-agent'))).toEqual([
      'custom/1',
      `mde-bridge/${packageJson.version} (+https://github.com/mde-bridge)`,
    ]);
  });

  it('never writes the token or a secret into the logs or the error', async () => {
    const fetch = scriptedFetch(
      jsonResponse(503, {}),
      jsonResponse(403, { error: { code: 'Forbidden', message: 'no role', target: 't' } }),
    );
    const { send, logger } = pipeline(fetch);
    const sent = request({
      url: new URL('https://host.example/api/machines?client_secret=hunter2&code=c0de'),
    });
    const response = await send(sent);
    const error = catchError(() => parseJsonResponse(sent, response));
    if (!(error instanceof DefenderApiError)) throw new Error('expected a DefenderApiError');
    const logged = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThanOrEqual(2);
    for (const secret of ['secret-token', 'hunter2', 'c0de']) {
      expect(logged).not.toContain(secret);
      expect(JSON.stringify(error.request)).not.toContain(secret);
      expect(error.message).not.toContain(secret);
    }
    expect(JSON.parse(logger.lines.at(-1)!)).toMatchObject({
      operation: 'listMachines',
      method: 'GET',
      url: 'https://host.example/api/machines?client_secret=[redacted]&code=[redacted]',
      status: 403,
      attempts: 2,
    });
  });

  it('reports a POST attempt without an answer as RequestTimedOut and does not retry it', async () => {
    let sends = 0;
    const fetch: FetchLike = (input, init) => {
      sends++;
      return hangingFetch()(input, init);
    };
    const error = await pipeline(fetch, { timeoutInMs: 20 })
      .send(request({ method: 'POST' }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimedOut);
    expect(sends).toBe(1);
  });
});

describe('createPipeline with answers cut off mid-body', () => {
  const cutOff = () => new Response('{"value":[{"id":"a"},{"id":', { status: 200 });

  it('sends a GET again after backing off, and hands the caller the parsed body', async () => {
    const fetch = scriptedFetch(cutOff(), cutOff(), jsonResponse(200, { value: [{ id: 'a' }] }));
    const { send, timer } = pipeline(fetch);
    const sent = request();
    const response = await send(sent);
    expect(fetch.calls).toHaveLength(3);
    expect(timer.sleeps).toHaveLength(2);
    expect(response.json).toEqual({ value: [{ id: 'a' }] });
    expect(parseJsonResponse(sent, response)).toEqual({ value: [{ id: 'a' }] });
  });

  it('gives up on a GET within the attempt budget with a ResponseParseError naming the attempts', async () => {
    const fetch = scriptedFetch(cutOff());
    const error = await pipeline(fetch, { maxRetries: 2 })
      .send(request())
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as Error).message).toMatch(/cut off.*gave up after 3 attempts/);
    expect(fetch.calls).toHaveLength(3);
  });

  it('never sends a POST again: the service may have carried it out', async () => {
    const fetch = scriptedFetch(cutOff(), jsonResponse(201, { id: 'action-1' }));
    const { send, timer } = pipeline(fetch);
    const error = await send(request({ method: 'POST', body: '{}' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseParseError);
    expect((error as Error).message).toContain('cut off');
    expect(fetch.calls).toHaveLength(1);
    expect(timer.sleeps).toEqual([]);
  });
});
