import { describe, expect, it } from 'vitest';
import { type PeriodicTaskOptions, startPeriodicTask } from './periodic-task.js';

/** Timers the test fires by hand, and a logger that keeps what it was told. */
function harness() {
  const timer: { fn: (() => void) | null; ms: number | null; cleared: boolean } = {
    fn: null,
    ms: null,
    cleared: false,
  };
  const errors: { obj: unknown; msg: string }[] = [];
  const fixtures: Pick<PeriodicTaskOptions<number>, 'setInterval' | 'clearInterval' | 'logger'> = {
    setInterval: (fn, ms) => {
      timer.fn = fn;
      timer.ms = ms;
      return 'handle';
    },
    clearInterval: (handle) => {
      if (handle === 'handle') timer.cleared = true;
    },
    logger: { error: (obj: unknown, msg?: string) => void errors.push({ obj, msg: msg ?? '' }) },
  };
  /** A task with test defaults (name 'test', 10 ms, fallback 0) and these timers and logger. */
  const start = (options: Partial<PeriodicTaskOptions<number>> & Pick<PeriodicTaskOptions<number>, 'tick'>) =>
    startPeriodicTask({ name: 'test', intervalMs: 10, fallback: 0, ...fixtures, ...options });
  return { timer, errors, start };
}

/** A pass that finishes only when the test says so. */
function heldPasses() {
  let calls = 0;
  const finish: ((value: number) => void)[] = [];
  const tick = () => {
    calls++;
    return new Promise<number>((resolve) => finish.push(resolve));
  };
  return { tick, finish, calls: () => calls };
}

describe('startPeriodicTask', () => {
  it('runs a first pass at start, and `started` settles when it has finished', async () => {
    const { timer, start } = harness();
    const passes = heldPasses();
    const task = start({ intervalMs: 1234, tick: passes.tick });
    expect(passes.calls()).toBe(1);
    expect(timer.ms).toBe(1234);
    let started = false;
    void task.started.then(() => {
      started = true;
    });
    await Promise.resolve();
    expect(started).toBe(false);
    passes.finish[0](3);
    await task.started;
    expect(started).toBe(true);
    await task.stop();
  });

  it('joins a tick asked for while one runs, from a caller or the timer', async () => {
    const { timer, start } = harness();
    const passes = heldPasses();
    const task = start({ tick: passes.tick });
    const joined = task.tick();
    timer.fn?.();
    expect(passes.calls()).toBe(1);
    passes.finish[0](7);
    expect(await joined).toBe(7);
    await task.started;
    // The first pass is over: the next tick is a new pass.
    const next = task.tick();
    expect(passes.calls()).toBe(2);
    passes.finish[1](2);
    expect(await next).toBe(2);
    await task.stop();
  });

  it('logs a pass that throws, answers the fallback, and tries again on the next tick', async () => {
    const { errors, start } = harness();
    let calls = 0;
    const task = start({
      name: 'flaky loop',
      tick: async () => {
        calls++;
        if (calls === 1) throw new Error('database gone');
        return 5;
      },
      fallback: -1,
    });
    await task.started;
    expect(errors).toHaveLength(1);
    expect(errors[0].msg).toBe('flaky loop pass failed');
    expect((errors[0].obj as { err: Error }).err.message).toBe('database gone');
    expect(await task.tick()).toBe(5);
    expect(errors).toHaveLength(1);
    await task.stop();
  });

  it('stop() clears the timer, tells the pass to end and waits for it', async () => {
    const { timer, start } = harness();
    let seenAbort = false;
    let finish: () => void = () => {};
    const task = start({
      tick: async (signal) => {
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
        seenAbort = signal.aborted;
        return 1;
      },
    });
    let stopped = false;
    const stopping = task.stop().then(() => {
      stopped = true;
    });
    expect(timer.cleared).toBe(true);
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(stopped).toBe(false);
    finish();
    await stopping;
    expect(stopped).toBe(true);
    expect(seenAbort).toBe(true);
  });

  it('runs `beforeStart` first; when it throws, logs it and skips the first pass', async () => {
    const { errors, start } = harness();
    const order: string[] = [];
    const ok = start({
      name: 'ordered',
      beforeStart: async () => void order.push('before'),
      tick: async () => {
        order.push('pass');
        return 1;
      },
    });
    await ok.started;
    expect(order).toEqual(['before', 'pass']);
    await ok.stop();

    let passes = 0;
    const failing = start({
      name: 'broken',
      beforeStart: async () => {
        throw new Error('reset failed');
      },
      tick: async () => ++passes,
    });
    await failing.started;
    expect(passes).toBe(0);
    expect(errors.map((e) => e.msg)).toEqual(['broken start failed']);
    await failing.stop();
  });

  it('with runAtStart false, runs no pass until the timer or a caller asks', async () => {
    const { timer, start } = harness();
    let passes = 0;
    const task = start({
      runAtStart: false,
      tick: async () => ++passes,
    });
    await task.started;
    expect(passes).toBe(0);
    timer.fn?.();
    await task.stop();
    expect(passes).toBe(1);
  });
});
