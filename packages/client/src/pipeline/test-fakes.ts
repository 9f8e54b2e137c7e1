import type { TokenProvider } from '../auth/types.js';
import type { Governor, GovernorKey, GovernorStats, Priority } from '../governor/types.js';
import type { FetchLike, Logger, PipelineRequest, PipelineResponse, Timer } from './types.js';

/** Fakes shared by the pipeline tests: nothing here sleeps or opens a socket. */

/** A clock that only moves when something sleeps; `holdSleeps` makes sleeps wait for an abort. */
export class FakeTimer implements Timer {
  readonly sleeps: number[] = [];
  holdSleeps = false;
  constructor(public nowMs = Date.UTC(2025, 5, 2, 12, 0, 0)) {}
  now(): number {
    return this.nowMs;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    this.sleeps.push(ms);
    if (!this.holdSleeps) {
      this.nowMs += ms;
      return Promise.resolve();
    }
    return new Promise((_resolve, reject) => {
      signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
    });
  }
}

export interface FetchCall {
  url: string;
  method: string | undefined;
  headers: Headers;
  body: unknown;
  signal: AbortSignal | undefined;
}

type Answer = Response | Error | ((init: RequestInit | undefined) => Promise<Response>);

/** A fetch that gives the scripted answers in order (the last one repeats) and records each call. */
export function scriptedFetch(...answers: Answer[]): FetchLike & { calls: FetchCall[] } {
  const calls: FetchCall[] = [];
  const fetch = async (input: string | URL, init?: RequestInit) => {
    calls.push({
      url: String(input),
      method: init?.method,
      headers: new Headers(init?.headers),
      body: init?.body,
      signal: init?.signal ?? undefined,
    });
    const answer = answers[Math.min(calls.length, answers.length) - 1];
    if (answer instanceof Error) throw answer;
    if (typeof answer === 'function') return answer(init);
    return answer.clone();
  };
  return Object.assign(fetch, { calls });
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = body === undefined ? null : JSON.stringify(body);
  return new Response(text, { status, headers: { 'content-type': 'application/json', ...headers } });
}

export function pipelineResponse(
  status: number,
  bodyText = '',
  headers: Record<string, string> = {},
): PipelineResponse {
  return { status, headers: new Headers(headers), bodyText };
}

/** A fetch that answers only when its signal aborts, with the signal's reason, as undici does. */
export function hangingFetch(): FetchLike {
  return (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true });
    });
}

export function request(overrides: Partial<PipelineRequest> = {}): PipelineRequest {
  return {
    method: 'GET',
    url: new URL(
      'https://api.securitycenter.microsoft.com/api/machines?$filter=healthStatus%20eq%20%27Active%27',
    ),
    headers: new Headers(),
    family: 'machines',
    priority: 'bulk',
    resource: 'defender',
    operation: 'listMachines',
    ...overrides,
  };
}

export type GovernorEvent =
  | { kind: 'acquire'; key: GovernorKey; priority: Priority }
  | { kind: 'throttled'; key: GovernorKey; retryAfterMs: number };

export function recordingGovernor(): Governor & { events: GovernorEvent[] } {
  const events: GovernorEvent[] = [];
  return {
    events,
    async acquire(key, priority, signal) {
      signal?.throwIfAborted();
      events.push({ kind: 'acquire', key, priority });
    },
    throttled(key, retryAfterMs) {
      events.push({ kind: 'throttled', key, retryAfterMs });
    },
    stats(): GovernorStats {
      return {
        granted: {},
        waits: {},
        throttled: {},
        queued: { response: 0, lookup: 0, polling: 0, bulk: 0 },
      };
    },
  };
}

/** Hands out `secret-token-1`, `secret-token-2` … and records each request for one. */
export function countingTokenProvider(): TokenProvider & {
  requests: { resource: string; forceRefresh: boolean }[];
} {
  const requests: { resource: string; forceRefresh: boolean }[] = [];
  return {
    requests,
    async getToken(resource, options) {
      requests.push({ resource, forceRefresh: options?.forceRefresh ?? false });
      return `secret-token-${requests.length}`;
    },
  };
}

/** A logger that keeps every line as the JSON a real logger would write. */
export function capturingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg?: string) => {
    lines.push(JSON.stringify({ level, ...obj, msg }));
  };
  return { lines, debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
