import type { IncomingMessage } from 'node:http';
import type { RateLimit } from '../limits/rate-limiter.js';

/**
 * A tiny router built for Defender's URL quirks: path segments match case-insensitively (docs mix
 * `/api/Software` and `/api/software`), `/api/v1.0/...` equals `/api/...`, and OData function segments
 * such as `findbyip(ip='10.0.0.1',timestamp=2024-01-01T00:00:00Z)` are matched by regular expressions.
 */
export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT';

/** Which credential a route wants: a Defender-audience token, a Graph token, none (Entra), or loopback. */
export type RouteAuth = 'defender' | 'graph' | 'none' | 'control';

/** Licence-gated features (spec 10). */
export type Feature = 'hunting' | 'liveResponse' | 'restrictExecution' | 'investigationPackage' | 'tvm';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** OData content type and `OData-Version: 4.0` (Defender sets them on OData answers only). */
  odata?: boolean;
  /** Collections are streamed item by item; set for large `value` arrays. */
  stream?: { prefix: Record<string, unknown>; items: Iterable<unknown>; suffix?: Record<string, unknown> };
  /** Plain text body (`$count` answers a bare number). */
  text?: string;
}

export interface RequestContext {
  req: IncomingMessage;
  method: Method;
  url: URL;
  /** Origin the client used (scheme + host), echoed in `@odata.context` and links. */
  origin: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body (or the raw form for token requests); undefined when absent. */
  body: unknown;
  rawBody: string;
  /** The verified access-token claims on authenticated routes. */
  claims: Claims | undefined;
}

export interface Claims {
  appid: string;
  tid: string;
  roles: string[];
  app_displayname?: string;
  [k: string]: unknown;
}

export interface RouteDef {
  method: Method;
  /** `/api/machines/:id/isolate`; a segment may be a RegExp whose named groups become params. */
  path: string | (string | RegExp)[];
  /** Family for stats, faults and the bridge's governor (`machines`, `alerts`, `hunting`, ...). */
  family: string;
  /** Operation name, used as the rate-limit key ("per API"). */
  operation: string;
  auth: RouteAuth;
  /** Any one of these roles suffices. */
  roles?: string[];
  limit?: RateLimit;
  feature?: Feature;
  handler(ctx: RequestContext): Reply | Promise<Reply>;
}

interface CompiledRoute {
  def: RouteDef;
  segments: (string | RegExp)[];
}

export interface RouteMatch {
  def: RouteDef;
  params: Record<string, string>;
}

export class Router {
  private routes: CompiledRoute[] = [];

  add(...defs: RouteDef[]): void {
    for (const def of defs) {
      const segments = typeof def.path === 'string' ? splitPath(def.path) : def.path;
      this.routes.push({ def, segments: segments.map((s) => (typeof s === 'string' ? s.toLowerCase() : s)) });
    }
  }

  /** The route for this method and path, or the methods the path does allow (for 405), or nothing. */
  match(method: string, pathname: string): RouteMatch | { allow: Method[] } | undefined {
    const segments = normalise(splitPath(pathname));
    const allow: Method[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.def.method === method) return { def: route.def, params };
      if (!allow.includes(route.def.method)) allow.push(route.def.method);
    }
    return allow.length > 0 ? { allow } : undefined;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

/** `/api/v1.0/x` → `/api/x` (spec 1.1: the versioned path equals the unversioned one). */
function normalise(segments: string[]): string[] {
  if (segments.length >= 2 && segments[0].toLowerCase() === 'api' && segments[1].toLowerCase() === 'v1.0') {
    return [segments[0], ...segments.slice(2)];
  }
  return segments;
}

function matchSegments(pattern: (string | RegExp)[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    let seg: string;
    try {
      seg = decodeURIComponent(actual[i]);
    } catch {
      return undefined;
    }
    if (typeof p === 'string') {
      if (p.startsWith(':')) params[p.slice(1)] = seg;
      else if (p !== seg.toLowerCase()) return undefined;
    } else {
      const m = p.exec(seg);
      if (!m) return undefined;
      Object.assign(params, m.groups ?? {});
    }
  }
  return params;
}
