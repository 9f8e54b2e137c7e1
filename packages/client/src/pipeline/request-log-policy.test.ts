import { describe, expect, it } from 'vitest';
import { redactRequest, redactUrl, requestLogPolicy } from './request-log-policy.js';
import { capturingLogger, FakeTimer, pipelineResponse, request } from './test-fakes.js';

describe('redactUrl', () => {
  it('hides credential query values and keeps the rest as sent', () => {
    const url = new URL(
      'https://login.example/t/oauth2/v2.0/token?client_id=app&client_secret=s3cr3t&client_assertion=eyJ&code=abc' +
        '&refresh_token=r&sig=SAS&$filter=name%20eq%20%27x%27',
    );
    expect(redactUrl(url)).toBe(
      'https://login.example/t/oauth2/v2.0/token?client_id=app&client_secret=[redacted]&client_assertion=[redacted]' +
        '&code=[redacted]&refresh_token=[redacted]&sig=[redacted]&$filter=name%20eq%20%27x%27',
    );
  });

  it('drops user info and the fragment', () => {
    expect(redactUrl(new URL('https://user:pass@host.example/a#frag'))).toBe('https://host.example/a');
  });
});

describe('redactRequest', () => {
  it('keeps the auth scheme and hides the credential', () => {
    const redacted = redactRequest(
      request({
        headers: new Headers({ Authorization: 'Bearer eyJ.secret', cookie: 'a=b', accept: 'json' }),
      }),
    );
    expect(redacted.headers).toEqual({
      authorization: 'Bearer [redacted]',
      cookie: '[redacted]',
      accept: 'json',
    });
  });
});

describe('requestLogPolicy', () => {
  it('logs method, redacted URL, status, duration and attempts, and never headers', async () => {
    const logger = capturingLogger();
    const timer = new FakeTimer();
    const sent = request({
      url: new URL('https://host.example/api/x?code=abc&$top=1'),
      headers: new Headers({ authorization: 'Bearer secret-token-1' }),
    });
    await requestLogPolicy({ logger, timer }).send(sent, async () => {
      timer.nowMs += 42;
      return pipelineResponse(404);
    });
    expect(logger.lines).toHaveLength(1);
    expect(JSON.parse(logger.lines[0])).toEqual({
      level: 'warn',
      operation: 'listMachines',
      method: 'GET',
      url: 'https://host.example/api/x?code=[redacted]&$top=1',
      durationInMs: 42,
      status: 404,
      msg: 'listMachines GET https://host.example/api/x?code=[redacted]&$top=1 → 404 in 42 ms',
    });
    expect(logger.lines[0]).not.toContain('secret-token');
  });

  it('logs a failure and rethrows it', async () => {
    const logger = capturingLogger();
    const failure = new Error('boom');
    await expect(
      requestLogPolicy({ logger, timer: new FakeTimer() }).send(request(), async () => {
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect(JSON.parse(logger.lines[0])).toMatchObject({ level: 'warn', error: 'Error: boom' });
  });
});
