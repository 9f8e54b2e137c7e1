import type { ApiFamily, Priority } from '../governor/types.js';

/**
 * The request pipeline (STYLE.md 2): named policies, each in its own file, composed in one place
 * (`create-pipeline.ts`). A policy gets the request and `next`, and may retry, wait, or decorate.
 */
export interface PipelineRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers: Headers;
  body?: string;
  /** Rate-limit family and priority for the governor. */
  family: ApiFamily;
  priority: Priority;
  /** Which token the auth policy attaches (none for the token endpoint itself). */
  resource: 'defender' | 'graph' | 'none';
  /** Operation name for logs and errors (`listMachines`). */
  operation: string;
  signal?: AbortSignal;
}

export interface PipelineResponse {
  status: number;
  headers: Headers;
  /** The whole body as text (pages are ≤ 10,000 items). */
  bodyText: string;
  /** The 2xx body parsed, once the JSON-body policy has read it (so a 10,000-item page is parsed once). */
  json?: unknown;
}

export type SendRequest = (request: PipelineRequest) => Promise<PipelineResponse>;

export interface Policy {
  readonly name: string;
  send(request: PipelineRequest, next: SendRequest): Promise<PipelineResponse>;
}

/** The one transport seam: a `fetch`-compatible function (tests pass a mock, contract tests the emulator). */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

/** Minimal structured logger (pino-compatible shape). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Clock and sleep, injectable so retry and governor tests never sleep for real. */
export interface Timer {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
