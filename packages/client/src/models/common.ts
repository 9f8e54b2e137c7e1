import { type Static, type TSchema, Type } from 'typebox';

/** `X | null` — the only nullability form used by these schemas. */
export function Nullable<T extends TSchema>(schema: T) {
  return Type.Union([schema, Type.Null()]);
}

/**
 * OData v4 collection envelope: `{'@odata.context', '@odata.count'?, '@odata.nextLink'?, value: T[]}`.
 * `@odata.count` only with `$count=true`; `@odata.nextLink` only when no `$top` was given (spec 3.2, 3.3).
 */
export function ODataCollection<T extends TSchema>(itemSchema: T) {
  return Type.Object({
    '@odata.context': Type.String(),
    '@odata.count': Type.Optional(Type.Integer()),
    '@odata.nextLink': Type.Optional(Type.String()),
    value: Type.Array(itemSchema),
  });
}
export type ODataCollection<T> = {
  '@odata.context': string;
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value: T[];
};

/**
 * Single-entity response: the entity's own properties plus `@odata.context` (`...#<Set>/$entity`).
 * Optional because some mocks/responses omit it (spec 3.2). Use this (not the bare entity schema)
 * when strictly checking a top-level single-entity body.
 */
export function ODataEntity<T extends TSchema>(entitySchema: T) {
  return Type.Evaluate(
    Type.Intersect([entitySchema, Type.Object({ '@odata.context': Type.Optional(Type.String()) })]),
  );
}
export type ODataEntity<T> = T & { '@odata.context'?: string };

/** Object with the keys of `{key, value}` pairs, e.g. live-response command params. */
export const KeyValuePair = Type.Object({ key: Type.String(), value: Type.String() });
export type KeyValuePair = Static<typeof KeyValuePair>;
