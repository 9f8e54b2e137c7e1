/** Types shared by the scalar compiler and the tabular evaluator. */
import { DefenderError } from '../errors.js';
import type { KNode, Kusto } from './kusto.js';
import type { KqlType, ScanHints, TableSource } from './types.js';

export interface Col {
  name: string;
  type: KqlType;
}

/** Reads one value out of a row (an internal array row, or a raw scanned object during pushdown). */
export type Getter = (row: unknown) => unknown;

/** A tabular value: schema plus rows (internal arrays, possibly a lazy single-pass iterable). */
export interface TableValue {
  cols: Col[];
  rows: Iterable<unknown[]>;
}

export type LetBinding =
  | { kind: 'scalar'; type: KqlType; value: () => unknown }
  | { kind: 'tabular'; node: KNode; lets: Lets }
  /** `let f = (...) { ... }`: recorded only to name it when it is called. */
  | { kind: 'function' };
export type Lets = ReadonlyMap<string, LetBinding>;

export interface Ctx {
  readonly k: Kusto;
  readonly text: string;
  readonly nowMs: number;
  readonly tables: ReadonlyMap<string, TableSource>;
  /** Earliest/latest Timestamp hunting can see. */
  readonly windowFromMs: number;
  readonly windowToMs: number | undefined;
  readonly maxScannedRows: number;
  rowsScanned: number;
  /** Rows scanned plus rows produced by joins: the emulated CPU budget. */
  work: number;
  /** Results of `toscalar(...)` / `in ((subquery))`, evaluated once per node. */
  readonly subqueries: Map<KNode, unknown>;
  /** Told about every scan made, with its hints (tests, diagnostics). */
  readonly onScan?: (table: string, hints: ScanHints) => void;
  evalTabular(node: KNode, lets: Lets): TableValue;
}

export interface Env {
  readonly ctx: Ctx;
  readonly cols: readonly Col[];
  getter(index: number): Getter;
  readonly lets: Lets;
  /** Compiles some nodes differently (aggregate calls inside `summarize x = count() * 2`). */
  readonly override?: (node: KNode) => { fn: Getter; type: KqlType; isConst: boolean } | undefined;
}

export const arrayGetter =
  (index: number): Getter =>
  (row) =>
    (row as unknown[])[index];

export function badRequest(message: string): DefenderError {
  return new DefenderError(400, 'BadRequest', message);
}

/** A valid KQL construct the emulator does not implement. */
export function unsupported(what: string): DefenderError {
  return badRequest(`${what} isn't supported by the emulator`);
}

export function timeoutError(): DefenderError {
  return badRequest('Query exceeded the timeout period.');
}

/** Counts emulated CPU work and fails the query once over budget. */
export function charge(ctx: Ctx, rows: number): void {
  ctx.work += rows;
  if (ctx.work > ctx.maxScannedRows) throw timeoutError();
}

/** Source text of a node, shortened for messages. */
export function snippet(ctx: Ctx, node: KNode): string {
  const s = ctx.text.slice(node.TextStart, node.TextStart + node.Width).replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
