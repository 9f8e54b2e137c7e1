import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.test-support.js';
import { InProcessJobQueue } from './in-process-job-queue.js';

/** A handler whose jobs finish only when the test says so. */
function held() {
  const started: string[] = [];
  const finish = new Map<string, () => void>();
  const handler = async (job: { payload: string }) => {
    started.push(job.payload);
    await new Promise<void>((resolve) => finish.set(job.payload, resolve));
  };
  const settle = async (payload: string) => {
    finish.get(payload)?.();
    // Let the queue see the end and start what comes next.
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  return { started, handler, settle };
}

describe('InProcessJobQueue', () => {
  it('lets a waiting job with the same singleton key absorb a new one, but not a running one', async () => {
    const queue = new InProcessJobQueue({ concurrency: 1 });
    const { started, handler, settle } = held();
    queue.register('sync', handler);
    await queue.start();
    expect(await queue.enqueue('sync', 'a1', { singletonKey: 'a' })).not.toBeNull();
    expect(started).toEqual(['a1']);
    expect(await queue.enqueue('sync', 'a2', { singletonKey: 'a' })).not.toBeNull();
    expect(await queue.enqueue('sync', 'a3', { singletonKey: 'a' })).toBeNull();
    await settle('a1');
    await settle('a2');
    expect(started).toEqual(['a1', 'a2']);
  });

  it('runs the jobs of one group one at a time, other groups alongside', async () => {
    const queue = new InProcessJobQueue({ concurrency: 2 });
    const { started, handler, settle } = held();
    queue.register('sync', handler);
    await queue.start();
    await queue.enqueue('sync', 't1-a', { group: 't1' });
    await queue.enqueue('sync', 't1-b', { group: 't1' });
    await queue.enqueue('sync', 't2-a', { group: 't2' });
    expect(started).toEqual(['t1-a', 't2-a']);
    await settle('t2-a');
    expect(started).toEqual(['t1-a', 't2-a']);
    await settle('t1-a');
    expect(started).toEqual(['t1-a', 't2-a', 't1-b']);
    await settle('t1-b');
  });

  it('stops waiting for a running job at the deadline and drops the waiting ones', async () => {
    const clock = new FakeClock();
    const queue = new InProcessJobQueue({ concurrency: 1, clock });
    const { started, handler, settle } = held();
    queue.register('sync', handler);
    await queue.start();
    await queue.enqueue('sync', 'slow');
    await queue.enqueue('sync', 'next');
    let stopped = false;
    const stopping = queue.stop({ timeoutMs: 5_000 }).then(() => {
      stopped = true;
    });
    clock.advance(4_999);
    await Promise.resolve();
    expect(stopped).toBe(false);
    clock.advance(1);
    await stopping;
    await settle('slow');
    expect(started).toEqual(['slow']);
  });

  it('refuses a job nobody handles', async () => {
    await expect(new InProcessJobQueue().enqueue('nope', {})).rejects.toThrow(/no handler .* 'nope'/);
  });
});
