import { describe, expect, it } from 'vitest';
import { composePolicies } from './create-pipeline.js';
import { governorPolicy } from './governor-policy.js';
import { retryPolicy } from './retry-policy.js';
import { FakeTimer, pipelineResponse, recordingGovernor, request } from './test-fakes.js';
import type { PipelineResponse } from './types.js';

function sequence(...responses: PipelineResponse[]) {
  let calls = 0;
  return async () => responses[Math.min(++calls, responses.length) - 1];
}

describe('governorPolicy', () => {
  const key = { tenantId: 'tenant-1', clientId: 'app-1', family: 'machines' };

  it('takes a permit before every attempt and reports each 429 with its Retry-After', async () => {
    const timer = new FakeTimer();
    const governor = recordingGovernor();
    const send = composePolicies(
      [
        retryPolicy({ timer, random: () => 0.5 }),
        governorPolicy({ governor, tenantId: 'tenant-1', clientId: 'app-1', timer }),
      ],
      sequence(
        pipelineResponse(429, '{"error":{"code":"429"}}', { 'retry-after': '12' }),
        pipelineResponse(503),
        pipelineResponse(200),
      ),
    );
    await send(request({ priority: 'response' }));
    expect(governor.events).toEqual([
      { kind: 'acquire', key, priority: 'response' },
      { kind: 'throttled', key, retryAfterMs: 12_000 },
      { kind: 'acquire', key, priority: 'response' },
      { kind: 'acquire', key, priority: 'response' },
    ]);
  });

  it('holds the key for 60 s when a 429 names no wait', async () => {
    const governor = recordingGovernor();
    const policy = governorPolicy({
      governor,
      tenantId: 'tenant-1',
      clientId: 'app-1',
      timer: new FakeTimer(),
    });
    await policy.send(request(), sequence(pipelineResponse(429)));
    expect(governor.events[1]).toEqual({ kind: 'throttled', key, retryAfterMs: 60_000 });
  });

  it('leaves token requests alone: Defender does not count them', async () => {
    const governor = recordingGovernor();
    const policy = governorPolicy({
      governor,
      tenantId: 'tenant-1',
      clientId: 'app-1',
      timer: new FakeTimer(),
    });
    await policy.send(request({ family: 'token', resource: 'none' }), sequence(pipelineResponse(429)));
    expect(governor.events).toEqual([]);
  });

  it('passes the caller signal to acquire, so an abort ends the wait for a permit', async () => {
    const governor = recordingGovernor();
    const policy = governorPolicy({
      governor,
      tenantId: 'tenant-1',
      clientId: 'app-1',
      timer: new FakeTimer(),
    });
    const reason = new Error('cancelled');
    await expect(
      policy.send(request({ signal: AbortSignal.abort(reason) }), sequence(pipelineResponse(200))),
    ).rejects.toBe(reason);
  });
});
