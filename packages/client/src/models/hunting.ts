import { type Static, Type } from 'typebox';
import { Nullable } from './common.js';

// Spec 7.1–7.3. Samples: advanced_hunting_result.json (XDR doc example; same shape as MDE
// /api/advancedqueries/run), graph_run_hunting_query_result.json (Graph doc example).

/** Column type strings seen: DateTime, String. The others are likely but NOT FOUND (UNSURE). */
export const HuntingColumnTypes = [
  'DateTime',
  'String',
  'Int64',
  'Int32',
  'Boolean',
  'Double',
  'Object',
  'Guid',
] as const;

/** A result row keyed by column name; values are any JSON. */
export const HuntingRow = Type.Record(Type.String(), Type.Unknown());
export type HuntingRow = Static<typeof HuntingRow>;

const HuntingCacheCounter = Type.Object({
  hits: Type.Integer(),
  misses: Type.Integer(),
  total: Type.Integer(),
});

/** QueryResponse.Stats (real recorded response + XDR doc). Nested key set beyond the samples: UNSURE. */
export const HuntingStats = Type.Object({
  ExecutionTime: Type.Number(), // seconds
  resource_usage: Type.Object({
    cache: Type.Object({
      memory: Nullable(HuntingCacheCounter),
      disk: Nullable(HuntingCacheCounter),
    }),
    cpu: Type.Object({
      user: Type.String(), // "hh:mm:ss(.fffffff)"
      kernel: Type.String(),
      'total cpu': Type.String(),
    }),
    memory: Type.Object({
      peak_per_node: Type.Integer(),
    }),
  }),
  dataset_statistics: Type.Array(
    Type.Object({
      table_row_count: Type.Integer(),
      table_size: Type.Integer(),
    }),
  ),
});
export type HuntingStats = Static<typeof HuntingStats>;

/** MDE/XDR Schema[] item — PascalCase keys. */
export const HuntingColumn = Type.Object({
  Name: Type.String(),
  Type: Type.String(), // HuntingColumnTypes
});
export type HuntingColumn = Static<typeof HuntingColumn>;

/** MDE `POST /api/advancedqueries/run` / XDR `/api/advancedhunting/run` 200 body. The MDE doc example has no Stats. */
export const HuntingResponse = Type.Object({
  Stats: Type.Optional(HuntingStats),
  Schema: Type.Array(HuntingColumn),
  Results: Type.Array(HuntingRow),
});
export type HuntingResponse = Static<typeof HuntingResponse>;

/** Graph schema[] item — lower-case keys. */
export const GraphHuntingColumn = Type.Object({
  name: Type.String(),
  type: Type.String(),
});
export type GraphHuntingColumn = Static<typeof GraphHuntingColumn>;

/** Graph `POST /security/runHuntingQuery` 200 body: lower-case schema/results, no Stats. */
export const GraphHuntingResponse = Type.Object({
  '@odata.context': Type.String(), // ...$metadata#microsoft.graph.security.huntingQueryResults
  schema: Type.Array(GraphHuntingColumn),
  results: Type.Array(HuntingRow),
});
export type GraphHuntingResponse = Static<typeof GraphHuntingResponse>;
