/**
 * The emulator's advanced-hunting engine: a KQL subset evaluated over {@link TableSource}s, parsed and
 * type-checked by Microsoft's own Kusto.Language (see kusto.ts), so syntax and semantic errors carry the
 * real parser's diagnostics and generated column names match Kusto's.
 *
 * Errors are always `DefenderError` 400 `BadRequest`:
 *  - syntax error: "A recognition error occurred.. Fix syntax errors in your query. <diagnostic> [line, position]"
 *  - unknown table / column / function, type errors: "Semantic error: <diagnostic> [line, position]"
 *  - valid KQL the emulator does not implement: "The operator 'mv-expand' isn't supported by the emulator"
 *  - more than `maxScannedRows` rows scanned (emulated CPU quota): "Query exceeded the timeout period."
 *  - result over 124 MB: "Query execution has exceeded the allowed result size. ..."
 *
 * Row cap (ASSUMPTION): Defender documents "max 100,000 rows" and answers 400 only for the result *size*
 * limit, so a result with more rows is silently cut to the first `maxRows` (100,000) rows.
 */
import { DefenderError } from '../errors.js';
import { badRequest, type Col, type Ctx, type LetBinding, type Lets, unsupported } from './context.js';
import {
  analyze,
  checkKqlSyntax,
  describePosition,
  elements,
  type KNode,
  kindOf,
  loadKusto,
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  nestingDepth,
  prop,
  symbolKindOf,
} from './kusto.js';
import { compileScalar, resultTypeOf, simpleName } from './scalar.js';
import { evalTabular } from './tabular.js';
import type { HuntingResult, KqlType, Row, ScanHints, TableSource } from './types.js';
import { formatDateTime, toOutputValue } from './values.js';

export type { KqlDiagnostic, SyntaxCheck, TableSchema } from './kusto.js';
export { checkKqlSyntax };

/** Loads and JIT-warms the parser (~1-2 s) ahead of the first query; optional. */
export function warmUpHunting(): void {
  checkKqlSyntax('print x = 1 | where x > 0 | summarize count() by tostring(x)', []);
}

export const DEFAULT_MAX_ROWS = 100_000;
export const DEFAULT_MAX_SCANNED_ROWS = 20_000_000;
/** Defender's documented result size limit (124 MB). */
export const MAX_RESULT_BYTES = 124 * 1024 * 1024;
export const HUNTING_WINDOW_MS = 30 * 86_400_000;

const SYNTAX_PREFIX = 'A recognition error occurred.. Fix syntax errors in your query.';

export interface RunKqlOptions {
  /** The query's `now()` (epoch ms). */
  nowMs: number;
  /** Rows kept from the result (default 100,000; the rest is silently dropped). */
  maxRows?: number;
  /** Emulated CPU quota: rows scanned (plus join output rows) before "Query exceeded the timeout period." */
  maxScannedRows?: number;
  /**
   * Timestamp window the tables expose (default: the 30 days before `nowMs`, as Defender). Graph's
   * `Timespan` maps here.
   */
  window?: { fromMs: number; toMs?: number };
  /** Receives every scan the query made with its hints (tests, diagnostics). */
  onScan?: (table: string, hints: ScanHints) => void;
}

export async function runKql(
  query: string,
  tables: readonly TableSource[],
  opts: RunKqlOptions,
): Promise<HuntingResult> {
  const started = performance.now();
  try {
    return execute(query, tables, opts, started);
  } catch (err) {
    if (err instanceof DefenderError) throw err;
    // Never let an engine failure escape as anything but a 400 (the query is what we could not handle).
    const detail =
      err instanceof RangeError ? 'the query is too complex' : String((err as Error)?.message ?? err);
    throw badRequest(`An unexpected error occurred during query execution: ${detail}`);
  }
}

function execute(
  query: string,
  tables: readonly TableSource[],
  opts: RunKqlOptions,
  started: number,
): HuntingResult {
  if (typeof query !== 'string' || query.trim() === '')
    throw badRequest(`${SYNTAX_PREFIX} The query is empty.`);
  if (query.length > MAX_QUERY_LENGTH) throw badRequest('The query text is too long.');
  if (nestingDepth(query) > MAX_NESTING) {
    throw badRequest(`${SYNTAX_PREFIX} Query syntax depth exceeds maximum safe limit.`);
  }
  const k = loadKusto();
  const analyzed = analyze(k, query, tables);
  if (analyzed.syntaxErrors.length) {
    const d = analyzed.syntaxErrors[0];
    throw badRequest(`${SYNTAX_PREFIX} ${d.message} [${describePosition(query, d.start)}]`);
  }
  if (analyzed.semanticErrors.length) {
    const d = analyzed.semanticErrors[0];
    throw badRequest(`Semantic error: ${d.message} [${describePosition(query, d.start)}]`);
  }

  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  const ctx: Ctx = {
    k,
    text: query,
    nowMs: opts.nowMs,
    tables: new Map(tables.map((t) => [t.name, t])),
    windowFromMs: opts.window?.fromMs ?? opts.nowMs - HUNTING_WINDOW_MS,
    windowToMs: opts.window?.toMs,
    maxScannedRows: opts.maxScannedRows ?? DEFAULT_MAX_SCANNED_ROWS,
    rowsScanned: 0,
    work: 0,
    subqueries: new Map(),
    onScan: opts.onScan,
    evalTabular: (node, lets) => evalTabular(ctx, node, lets),
  };

  const root = analyzed.code.Syntax;
  let lets: Lets = new Map();
  let resultNode: { node: KNode; lets: Lets } | null = null;
  for (const st of elements(root, 'Statements')) {
    const kind = kindOf(k, st);
    if (kind === 'LetStatement') {
      lets = bindLet(ctx, st, lets);
    } else if (kind === 'ExpressionStatement') {
      if (resultNode) throw unsupported('A query with more than one tabular result');
      resultNode = { node: prop(st, 'Expression') as KNode, lets };
    } else {
      throw unsupported(`The statement '${query.slice(st.TextStart, st.End).split(/\s/)[0]}'`);
    }
  }
  if (!resultNode) throw badRequest(`${SYNTAX_PREFIX} The query has no tabular expression.`);
  const rt = resultNode.node.ResultType;
  if (!rt || symbolKindOf(k, rt) !== 'Table') {
    throw badRequest('Semantic error: The query must end with a tabular expression.');
  }
  const table = evalTabular(ctx, resultNode.node, resultNode.lets);
  const rows: Row[] = [];
  let bytes = 0;
  for (const r of table.rows) {
    if (rows.length >= maxRows) break;
    const row: Row = {};
    for (let i = 0; i < table.cols.length; i++) {
      const c = table.cols[i];
      const v = toOutputValue(r[i], c.type);
      row[c.name] = v;
      bytes += estimateBytes(v) + c.name.length + 4;
    }
    if (bytes > MAX_RESULT_BYTES) {
      throw badRequest(
        'Query execution has exceeded the allowed result size. Optimize your query by limiting the number of results and try again',
      );
    }
    rows.push(row);
  }
  return {
    schema: table.cols.map((c: Col) => ({ name: c.name, type: c.type })),
    rows,
    rowsScanned: ctx.rowsScanned,
    executionMs: performance.now() - started,
  };
}

function estimateBytes(v: unknown): number {
  if (v === null || v === undefined) return 4;
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'number' || typeof v === 'boolean') return 8;
  if (v instanceof Date) return 30;
  return JSON.stringify(v).length;
}

function bindLet(ctx: Ctx, st: KNode, lets: Lets): Lets {
  const name = simpleName(prop(st, 'Name'));
  const expr = prop(st, 'Expression');
  if (!expr) return lets;
  const next = new Map(lets);
  const kind = kindOf(ctx.k, expr);
  if (kind === 'FunctionDeclaration') {
    next.set(name, { kind: 'function' });
    return next;
  }
  const rt = expr.ResultType;
  if (rt && symbolKindOf(ctx.k, rt) === 'Table') {
    next.set(name, { kind: 'tabular', node: expr, lets });
    return next;
  }
  const type: KqlType = resultTypeOf(expr);
  let state: 'new' | 'busy' | 'done' = 'new';
  let value: unknown = null;
  const binding: LetBinding = {
    kind: 'scalar',
    type,
    value: () => {
      if (state === 'done') return value;
      if (state === 'busy') throw unsupported(`The recursive let '${name}'`);
      state = 'busy';
      const c = compileScalar(expr, { ctx, cols: [], lets, getter: () => () => null });
      if (!c.isConst) throw unsupported(`The let statement '${name}'`);
      value = c.fn(null);
      state = 'done';
      return value;
    },
  };
  next.set(name, binding);
  return next;
}

// ---------------------------------------------------------------------------------------------------------
// Wire shapes

const WIRE_TYPE: Record<KqlType, string> = {
  string: 'String',
  int: 'Int32',
  long: 'Int64',
  real: 'Double',
  bool: 'Boolean',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  dynamic: 'Object',
  guid: 'Guid',
};

/** The .NET type name Defender shows in `Schema[].Type` / Graph `schema[].type`. */
export function wireTypeName(type: KqlType): string {
  return WIRE_TYPE[type] ?? 'Object';
}

function wireValue(v: unknown): unknown {
  if (v instanceof Date) return formatDateTime(v.getTime());
  return v === undefined ? null : v;
}

function wireRows(result: HuntingResult): Record<string, unknown>[] {
  return result.rows.map((r) => {
    const o: Record<string, unknown> = {};
    for (const c of result.schema) o[c.name] = wireValue(r[c.name]);
    return o;
  });
}

function cpuTime(ms: number): string {
  const ticks = Math.max(0, Math.round(ms * 10_000));
  const frac = ticks % 10_000_000;
  const totalSeconds = (ticks - frac) / 10_000_000;
  const s = totalSeconds % 60;
  const m = Math.floor(totalSeconds / 60) % 60;
  const h = Math.floor(totalSeconds / 3600);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${frac ? `.${pad(frac, 7)}` : ''}`;
}

export interface MdeHuntingResponse {
  Stats: {
    ExecutionTime: number;
    resource_usage: {
      cache: {
        memory: { hits: number; misses: number; total: number };
        disk: { hits: number; misses: number; total: number };
      };
      cpu: { user: string; kernel: string; 'total cpu': string };
      memory: { peak_per_node: number };
    };
    dataset_statistics: { table_row_count: number; table_size: number }[];
  };
  Schema: { Name: string; Type: string }[];
  Results: Record<string, unknown>[];
}

/** `POST /api/advancedqueries/run` (and the XDR twin) response body. */
export function toMdeResponse(result: HuntingResult): MdeHuntingResponse {
  const results = wireRows(result);
  const size = results.length ? JSON.stringify(results).length : 0;
  const ms = result.executionMs;
  const hits = result.rowsScanned;
  return {
    Stats: {
      ExecutionTime: Math.round(ms * 1000) / 1_000_000,
      resource_usage: {
        cache: {
          memory: { hits, misses: 0, total: hits },
          disk: { hits: 0, misses: 0, total: 0 },
        },
        cpu: { user: cpuTime(ms), kernel: '00:00:00', 'total cpu': cpuTime(ms) },
        memory: { peak_per_node: 1_048_576 + size * 2 },
      },
      dataset_statistics: [{ table_row_count: results.length, table_size: size }],
    },
    Schema: result.schema.map((c) => ({ Name: c.name, Type: wireTypeName(c.type) })),
    Results: results,
  };
}

export const GRAPH_HUNTING_CONTEXT =
  'https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults';

export interface GraphHuntingResponse {
  '@odata.context': string;
  schema: { name: string; type: string }[];
  results: Record<string, unknown>[];
}

/** `POST {graph}/v1.0/security/runHuntingQuery` response body. */
export function toGraphResponse(
  result: HuntingResult,
  contextUrl = GRAPH_HUNTING_CONTEXT,
): GraphHuntingResponse {
  return {
    '@odata.context': contextUrl,
    schema: result.schema.map((c) => ({ name: c.name, type: wireTypeName(c.type) })),
    results: wireRows(result),
  };
}
