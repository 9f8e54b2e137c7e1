import type { TSchema } from 'typebox';

/**
 * Tolerant parsing (STYLE.md 6): unknown fields pass through untouched; a field the schema allows to be
 * null but the service left out becomes `null`, so callers never meet `undefined` where the wire type
 * says `T | null`. Nothing here throws: a body that is not an object is returned as it came.
 */
export function tolerant<T>(schema: TSchema, value: unknown): T {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props || typeof value !== 'object' || value === null || Array.isArray(value)) return value as T;
  const out = value as Record<string, unknown>;
  for (const [key, prop] of Object.entries(props)) {
    if (out[key] === undefined && acceptsNull(prop)) out[key] = null;
  }
  return out as T;
}

function acceptsNull(schema: TSchema): boolean {
  const s = schema as { type?: unknown; anyOf?: TSchema[] };
  if (s.type === 'null') return true;
  return Array.isArray(s.anyOf) && s.anyOf.some(acceptsNull);
}
