import type { ErrorBody, TestConnectionResult } from './types.js';

/** The API's error envelope as a thrown value: `code` is the contract's stable code, `field` the bad input. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly retryAfterSeconds: number | undefined;
  /** Present on 422 `connection_failed` (a tenant save refused because Test Connection failed). */
  readonly testConnection: TestConnectionResult | undefined;

  constructor(status: number, body: ErrorBody | null) {
    super(body?.error?.message ?? `Request failed (HTTP ${status})`);
    this.name = 'ApiError';
    this.status = status;
    this.code = body?.error?.code ?? (status >= 500 ? 'internal' : 'unknown');
    this.field = body?.error?.field;
    this.retryAfterSeconds = body?.error?.retryAfterSeconds;
    this.testConnection = body?.testConnection;
  }
}

export type QueryValue = string | number | boolean | null | undefined;

let csrfToken: string | null = null;
let onUnauthenticated: () => void = () => {};

/** The session's CSRF token (from the login response or GET /auth/me); sent on every state-changing request. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do on any 401 (the app sends the browser to /login, remembering where it was). */
export function setUnauthenticatedHandler(handler: () => void): void {
  onUnauthenticated = handler;
}

/** `/api/v1` + path + the defined query values, e.g. `apiUrl('/hosts', { q: 'web', page: 2 })`. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `/api/v1${path}${search ? `?${search}` : ''}`;
}

async function request<T>(method: string, path: string, body?: unknown, query?: Record<string, QueryValue>) {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(apiUrl(path, query), {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = null;
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed as ErrorBody | null);
    // A failed sign-in is also a 401, but the login form shows it instead of redirecting to itself.
    if (response.status === 401 && path !== '/auth/login') onUnauthenticated();
    throw error;
  }
  return parsed as T;
}

export const api = {
  get: <T>(path: string, query?: Record<string, QueryValue>) => request<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, body ?? {}),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, body),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, body),
  /** `body` for the routes that take one, e.g. DELETE /hosts/:id/lockdown with `{ comment }`. */
  delete: <T = void>(path: string, body?: unknown) => request<T>('DELETE', path, body),
};
