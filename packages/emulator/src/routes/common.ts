import { isoTicks } from '../clock.js';
import { errors } from '../errors.js';
import type { DeviceRecord } from '../generator/types.js';
import type { Reply, RequestContext } from '../http/router.js';
import { applyQuery, parseQuery } from '../odata/index.js';
import type { EntitySetSpec, ODataSeek } from '../odata/types.js';
import type { EmulatorState } from '../state/emulator-state.js';

/** Defender's published limit for most APIs (spec 9.1). */
export const STANDARD_LIMIT = { perMinute: 100, perHour: 1500 };

export function metadataUrl(ctx: RequestContext, fragment: string): string {
  return `${ctx.origin}/api/$metadata#${fragment}`;
}

/** An OData collection answer: query options validated and applied, the page streamed. */
export function collection<T>(
  ctx: RequestContext,
  spec: EntitySetSpec<T>,
  items: Iterable<T>,
  opts: { context?: string; map?: (item: T) => unknown; seek?: ODataSeek<T> } = {},
): Reply {
  const q = parseQuery(ctx.query, spec);
  const result = applyQuery(items, q, spec, { pageUrl: ctx.url, seek: opts.seek });
  const prefix: Record<string, unknown> = {
    '@odata.context': metadataUrl(ctx, opts.context ?? spec.entitySet),
  };
  if (result.count !== undefined) prefix['@odata.count'] = result.count;
  const map = opts.map;
  const value = map ? (result.value as T[]).map((v) => map(v)) : result.value;
  return {
    status: 200,
    odata: true,
    stream: {
      prefix,
      items: value,
      suffix: result.nextLink ? { '@odata.nextLink': result.nextLink } : undefined,
    },
  };
}

/** A plain collection with no query options (sub-resources that take none). */
export function plainCollection(ctx: RequestContext, context: string, items: unknown[]): Reply {
  return { status: 200, odata: true, body: { '@odata.context': metadataUrl(ctx, context), value: items } };
}

export function entity(ctx: RequestContext, set: string, value: object, status = 200): Reply {
  return { status, odata: true, body: { '@odata.context': metadataUrl(ctx, `${set}/$entity`), ...value } };
}

/** Rejects every `$`-option on routes Defender serves without OData support. */
export function refuseODataOptions(ctx: RequestContext, what: string): void {
  for (const key of ctx.query.keys()) {
    if (key.startsWith('$')) throw errors.odata(`The query option '${key}' is not supported on ${what}`);
  }
}

export function requireDevice(state: EmulatorState, id: string): DeviceRecord {
  const device = state.device(id);
  if (!device) throw errors.resourceNotFound(`Machine ${id} was not found`);
  return device;
}

/** The JSON object body of a write request; a missing or non-object body is `InvalidRequestBody`. */
export function objectBody(ctx: RequestContext): Record<string, unknown> {
  const body = ctx.body;
  if (body === undefined) throw errors.invalidRequestBody('the request has no body');
  if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof URLSearchParams) {
    throw errors.invalidRequestBody('the body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * A required string parameter. Body parameters are case-sensitive (spec 3.1): `comment` where `Comment`
 * is expected is reported as missing, naming the expected spelling.
 */
export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (value === undefined || value === null) {
    const wrongCase = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
    throw errors.missingParameter(
      wrongCase ? `${name} (parameter names are case-sensitive; got '${wrongCase}')` : name,
    );
  }
  if (typeof value !== 'string' || value.trim() === '')
    throw errors.invalidRequestBody(`${name} must be a non-empty string`);
  return value;
}

export function optionalEnum<T extends string>(
  body: Record<string, unknown>,
  name: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T)) {
    throw errors.invalidRequestBody(`${name} must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Who the action log shows as requestor: the app's client id for app tokens (spec 4.3, UNSURE). */
export function requestor(ctx: RequestContext): string {
  return ctx.claims?.appid ?? 'unknown';
}

export function now(state: EmulatorState): string {
  return isoTicks(state.clock.now());
}

export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
