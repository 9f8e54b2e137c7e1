import { describe, expect, it } from 'vitest';
import { authPolicy } from './auth-policy.js';
import { countingTokenProvider, pipelineResponse, request } from './test-fakes.js';
import type { PipelineRequest, PipelineResponse } from './types.js';

/** A `next` answering with the given statuses in order and keeping the Authorization header of each send. */
function answering(...statuses: number[]) {
  const seen: (string | null)[] = [];
  const next = async (sent: PipelineRequest): Promise<PipelineResponse> => {
    seen.push(sent.headers.get('authorization'));
    return pipelineResponse(statuses[Math.min(seen.length, statuses.length) - 1]);
  };
  return { next, seen };
}

describe('authPolicy', () => {
  it("attaches a bearer token for the request's resource without touching the caller's headers", async () => {
    const tokens = countingTokenProvider();
    const { next, seen } = answering(200);
    const original = request({ resource: 'graph' });
    await authPolicy(tokens).send(original, next);
    expect(seen).toEqual(['Bearer secret-token-1']);
    expect(tokens.requests).toEqual([{ resource: 'graph', forceRefresh: false }]);
    expect(original.headers.has('authorization')).toBe(false);
  });

  it('sends no token for the token endpoint itself', async () => {
    const tokens = countingTokenProvider();
    const { next, seen } = answering(200);
    await authPolicy(tokens).send(request({ resource: 'none', family: 'token' }), next);
    expect(seen).toEqual([null]);
    expect(tokens.requests).toEqual([]);
  });

  it('on a 401 forces a token refresh once and returns the retried answer', async () => {
    const tokens = countingTokenProvider();
    const { next, seen } = answering(401, 200);
    const response = await authPolicy(tokens).send(request(), next);
    expect(response.status).toBe(200);
    expect(seen).toEqual(['Bearer secret-token-1', 'Bearer secret-token-2']);
    expect(tokens.requests).toEqual([
      { resource: 'defender', forceRefresh: false },
      { resource: 'defender', forceRefresh: true },
    ]);
  });

  it('returns a second 401 as it is, without a third send', async () => {
    const tokens = countingTokenProvider();
    const { next, seen } = answering(401, 401, 200);
    const response = await authPolicy(tokens).send(request(), next);
    expect(response.status).toBe(401);
    expect(seen).toHaveLength(2);
    expect(tokens.requests).toHaveLength(2);
  });
});
