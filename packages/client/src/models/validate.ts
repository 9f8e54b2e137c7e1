import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

// Validation helpers shared by the client (tolerant parsing) and the emulator tests (strict checks).
// typebox decides validity; the walker below only turns failures into short, path-based messages and,
// in strict mode, additionally reports properties the schema does not declare.

type JsonSchema = {
  type?: string;
  const?: unknown;
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: { enum?: unknown[] } & JsonSchema;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
};

type Validator = ReturnType<typeof Compile>;
const compiled = new WeakMap<TSchema, Validator>();

function check(schema: TSchema, value: unknown): boolean {
  let validator = compiled.get(schema);
  if (!validator) {
    validator = Compile(schema) as Validator;
    compiled.set(schema, validator);
  }
  return validator.Check(value);
}

/** JSON kind of a value: string, integer, number, boolean, null, object, array (undefined → 'undefined'). */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SIMPLE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function joinKey(path: string, key: string): string {
  if (SIMPLE_KEY.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

function preview(value: unknown): string {
  const kind = jsonKind(value);
  if (kind === 'object' || kind === 'array' || kind === 'null' || kind === 'undefined') return kind;
  const text = JSON.stringify(value);
  return `${kind} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
}

function describe(schema: JsonSchema): string {
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(describe).join(' | ');
  if (schema.enum) return `one of ${JSON.stringify(schema.enum)}`;
  let text = schema.type ?? 'any';
  if (schema.not?.enum) text += ` other than ${schema.not.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  return text;
}

function kindMatches(schema: JsonSchema, value: unknown): boolean {
  if (schema.anyOf) return schema.anyOf.some((branch) => kindMatches(branch, value));
  const kind = jsonKind(value);
  switch (schema.type) {
    case undefined:
      return true;
    case 'number':
      return kind === 'number' || kind === 'integer';
    default:
      return schema.type === kind;
  }
}

/** A union branch is "plausible" when its JSON kind fits and its discriminators (const / not) agree. */
function plausible(branch: JsonSchema, value: unknown): boolean {
  if (!kindMatches(branch, value)) return false;
  if (!isPlainObject(value) || !branch.properties) return true;
  for (const [key, prop] of Object.entries(branch.properties)) {
    if (!(key in value)) continue;
    if ((prop.const !== undefined || prop.not !== undefined) && !Value.Check(prop as TSchema, value[key])) {
      return false;
    }
  }
  return true;
}

function mergeAllOf(schema: JsonSchema): JsonSchema {
  const parts = schema.allOf ?? [];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const part of parts) {
    Object.assign(properties, part.properties ?? {});
    required.push(...(part.required ?? []));
  }
  return { type: 'object', properties, required };
}

function walk(schema: JsonSchema, value: unknown, path: string, out: string[], strict: boolean): void {
  const here = path || '(root)';
  if (schema.anyOf) {
    const match = schema.anyOf.find((branch) => Value.Check(branch as TSchema, value));
    if (match) {
      if (strict) walk(match, value, path, out, strict);
      return;
    }
    const candidates = schema.anyOf.filter((branch) => plausible(branch, value));
    if (candidates.length === 1) {
      walk(candidates[0], value, path, out, strict);
      return;
    }
    out.push(`${here}: expected ${describe(schema)}, got ${preview(value)}`);
    return;
  }
  if (schema.allOf) {
    walk(mergeAllOf(schema), value, path, out, strict);
    return;
  }
  if (schema.type === 'object') {
    if (!isPlainObject(value)) {
      out.push(`${here}: expected object, got ${preview(value)}`);
      return;
    }
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? []) {
      if (!(key in value)) out.push(`${joinKey(path, key)}: missing required property`);
    }
    const patterns = Object.entries(schema.patternProperties ?? {}).map(
      ([pattern, sub]) => [new RegExp(pattern), sub] as const,
    );
    for (const [key, child] of Object.entries(value)) {
      const childPath = joinKey(path, key);
      const declared = properties[key];
      if (declared) {
        walk(declared, child, childPath, out, strict);
        continue;
      }
      const byPattern = patterns.filter(([re]) => re.test(key));
      if (byPattern.length > 0) {
        for (const [, sub] of byPattern) walk(sub, child, childPath, out, strict);
      } else if (typeof schema.additionalProperties === 'object') {
        walk(schema.additionalProperties, child, childPath, out, strict);
      } else if (schema.additionalProperties === false || strict) {
        out.push(`${childPath}: property not declared in schema`);
      }
    }
    return;
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) {
      out.push(`${here}: expected array, got ${preview(value)}`);
      return;
    }
    const items = schema.items;
    if (items) {
      for (const [index, item] of value.entries()) walk(items, item, `${path}[${index}]`, out, strict);
    }
    return;
  }
  if (!Value.Check(schema as TSchema, value)) {
    out.push(`${here}: expected ${describe(schema)}, got ${preview(value)}`);
  }
}

function fallbackErrors(schema: TSchema, value: unknown): string[] {
  return Value.Errors(schema, value).map((error) => `${error.instancePath || '(root)'}: ${error.message}`);
}

/**
 * Tolerant validation: unknown (undeclared) properties are allowed. Returns human-readable errors such as
 * `value[0].rbacGroupId: expected integer, got string "0"` or `value[2].lastUpdateDateTimeUtc: missing
 * required property`; empty when valid.
 */
export function validate(schema: TSchema, value: unknown): string[] {
  if (check(schema, value)) return [];
  const out: string[] = [];
  walk(schema as JsonSchema, value, '', out, false);
  return out.length > 0 ? out : fallbackErrors(schema, value);
}

/**
 * Strict validation: everything `validate` reports, plus every property (at any depth) that the schema
 * does not declare, reported as `<path>: property not declared in schema`. Record-typed objects
 * (e.g. hunting result rows) accept any key.
 */
export function validateStrict(schema: TSchema, value: unknown): string[] {
  const out: string[] = [];
  walk(schema as JsonSchema, value, '', out, true);
  if (out.length === 0 && !check(schema, value)) return fallbackErrors(schema, value);
  return out;
}

/** Thrown by `assertValid`; `errors` holds the `validate` messages. */
export class SchemaValidationError extends Error {
  readonly errors: string[];
  constructor(errors: string[], label?: string) {
    super(
      `${label ?? 'value'} does not match schema: ${errors.slice(0, 5).join('; ')}${errors.length > 5 ? ` (+${errors.length - 5} more)` : ''}`,
    );
    this.name = 'SchemaValidationError';
    this.errors = errors;
  }
}

/** Tolerant check that narrows `value`, throwing `SchemaValidationError` when invalid. */
export function assertValid<T extends TSchema>(
  schema: T,
  value: unknown,
  label?: string,
): asserts value is Static<T> {
  const errors = validate(schema, value);
  if (errors.length > 0) throw new SchemaValidationError(errors, label);
}

const KIND_ORDER = ['string', 'integer', 'number', 'boolean', 'object', 'array', 'null'];

function collectShape(value: unknown, path: string, shape: Map<string, Set<string>>): void {
  if (path) {
    let kinds = shape.get(path);
    if (!kinds) {
      kinds = new Set();
      shape.set(path, kinds);
    }
    kinds.add(jsonKind(value));
  }
  if (Array.isArray(value)) {
    for (const item of value) collectShape(item, `${path}[]`, shape);
  } else if (isPlainObject(value)) {
    for (const [key, child] of Object.entries(value)) collectShape(child, joinKey(path, key), shape);
  }
}

/**
 * `path:type` list (sorted by path, so a parent precedes its children) describing a JSON value, merged over array items, e.g.
 * `value[].ipAddresses[].macAddress:string|null`, `value[].machineTags:array`, `["@odata.context"]:string`.
 * Types are listed in the order string, integer, number, boolean, object, array, null; integer and
 * number collapse to number when both occur. Empty arrays produce no `[]` child entry.
 */
export function keyShape(value: unknown): string[] {
  const shape = new Map<string, Set<string>>();
  collectShape(value, '', shape);
  const paths = [...shape.keys()].sort();
  return paths.map((path) => {
    const kinds = shape.get(path) ?? new Set<string>();
    if (kinds.has('integer') && kinds.has('number')) kinds.delete('integer');
    const ordered = [...kinds].sort((a, b) => KIND_ORDER.indexOf(a) - KIND_ORDER.indexOf(b));
    return `${path}:${ordered.join('|')}`;
  });
}

/** Compares two `keyShape` lists: entries only in `actual` and entries only in `expected`. */
export function diffKeyShape(
  actual: unknown,
  expected: unknown,
): { onlyInActual: string[]; onlyInExpected: string[] } {
  const a = new Set(keyShape(actual));
  const e = new Set(keyShape(expected));
  return {
    onlyInActual: [...a].filter((line) => !e.has(line)),
    onlyInExpected: [...e].filter((line) => !a.has(line)),
  };
}
