/**
 * Contract between the hunting engine and the tables it queries.
 *
 * Values in rows: `string`, `number` (int/long/real), `boolean`, `Date` (datetime), `null`, or plain JSON
 * (dynamic). Column types use KQL names.
 */
export type KqlType =
  | 'string'
  | 'int'
  | 'long'
  | 'real'
  | 'bool'
  | 'datetime'
  | 'timespan'
  | 'dynamic'
  | 'guid';
export type KqlValue =
  | string
  | number
  | boolean
  | Date
  | null
  | readonly unknown[]
  | { readonly [k: string]: unknown };
export type Row = Record<string, KqlValue>;

/**
 * What the engine could prove from the query's leading `where` clauses. A table may use it to avoid
 * generating rows that cannot match; the engine still applies every predicate itself, so ignoring a hint
 * is always correct.
 */
export interface ScanHints {
  /** Inclusive lower bound on Timestamp, epoch ms. */
  fromMs?: number;
  /** Inclusive upper bound on Timestamp, epoch ms. */
  toMs?: number;
  /** Rows must have one of these DeviceId values (exact). */
  deviceIds?: readonly string[];
  /** Rows must have one of these DeviceName values (case-insensitive). */
  deviceNames?: readonly string[];
}

export interface TableSource {
  readonly name: string;
  readonly columns: readonly (readonly [name: string, type: KqlType])[];
  scan(hints: ScanHints): Iterable<Row>;
}

export interface HuntingResult {
  schema: { name: string; type: KqlType }[];
  rows: Row[];
  /** Rows examined across all table scans (drives the emulated CPU quota). */
  rowsScanned: number;
  executionMs: number;
}
