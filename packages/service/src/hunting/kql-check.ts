/**
 * The KQL check every hunting query passes before it may spend quota: Microsoft's own parser and analyzer
 * (`@kusto/language-service-next`, a port of Kusto.Language) against the known table schemas, so syntax
 * errors and unknown tables, columns or functions are reported with their position and never sent.
 *
 * The package is a pair of browser-style scripts that install the `Bridge` and `Kusto` globals; it is loaded
 * on first use (~0.5 s) and kept for the life of the process. Server-side only. We declare the few members we
 * call rather than reference its 1.7 MB of global declarations.
 */
import { createRequire } from 'node:module';
import { type HuntingTableSchema, huntingTables, type KqlColumnType } from './table-schemas.js';

export interface HuntingDiagnostic {
  message: string;
  severity: 'error' | 'warning';
  /** 1-based line and column of the start of the problem. */
  line: number;
  column: number;
  length: number;
}

export interface KqlCheck {
  /** No error (warnings may remain). */
  ok: boolean;
  diagnostics: HuntingDiagnostic[];
}

interface KList<T> {
  readonly Count: number;
  getItem(index: number): T;
}
interface KDiagnostic {
  readonly Severity: string;
  readonly Message: string;
  readonly Start: number;
  readonly Length: number;
}
interface KustoLanguage {
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): { GetDiagnostics(): KList<KDiagnostic> } };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    DatabaseSymbol: { ctor: new (...args: unknown[]) => unknown };
    TableSymbol: { $ctor4: new (...args: unknown[]) => unknown };
    ColumnSymbol: new (...args: unknown[]) => unknown;
    ScalarTypes: Record<string, unknown>;
  };
}

/** Longest query the bridge sends (CONTRACT.md: 1–30,000 characters). */
export const MAX_QUERY_CHARS = 30_000;
/** Deeper bracket nesting makes the parser slow for no benefit; refused up front. */
const MAX_NESTING = 64;

const SCALAR: Record<KqlColumnType, string> = {
  string: 'String',
  int: 'Int',
  long: 'Long',
  real: 'Real',
  bool: 'Bool',
  datetime: 'DateTime',
  timespan: 'TimeSpan',
  dynamic: 'Dynamic',
  guid: 'Guid',
};

let language: KustoLanguage | undefined;
let globals: unknown;

function kusto(): { lang: KustoLanguage; globals: unknown } {
  if (!language) {
    const g = globalThis as { Kusto?: { Language?: KustoLanguage } };
    if (!g.Kusto?.Language?.KustoCode) {
      const require = createRequire(import.meta.url);
      require('@kusto/language-service-next/bridge.min.js');
      require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
    }
    const lang = g.Kusto?.Language;
    if (!lang?.KustoCode) throw new Error('@kusto/language-service-next did not install the Kusto global');
    language = lang;
  }
  globals ??= globalsFor(language, huntingTables);
  return { lang: language, globals };
}

function globalsFor(lang: KustoLanguage, tables: readonly HuntingTableSchema[]): unknown {
  const S = lang.Symbols;
  const symbols = tables.map(
    (t) =>
      new S.TableSymbol.$ctor4(
        t.name,
        t.columns.map(
          (c) => new S.ColumnSymbol(c.name, S.ScalarTypes[SCALAR[c.type]], null, null, null, null),
        ),
      ),
  );
  return lang.GlobalState.Default.WithDatabase(new S.DatabaseSymbol.ctor('Defender', symbols));
}

/** 1-based line and column of an offset. */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '(' || c === '[' || c === '{') max = Math.max(max, ++depth);
    else if (c === ')' || c === ']' || c === '}') depth = Math.max(0, depth - 1);
  }
  return max;
}

const whole = (query: string, message: string): KqlCheck => ({
  ok: false,
  diagnostics: [{ message, severity: 'error', line: 1, column: 1, length: query.length }],
});

/**
 * Checks a query against the known tables; never throws for any input string. Size limits are checked by the
 * caller (they are a 400 on the request, not a diagnostic), but an oversized text is still refused here.
 * @example checkKql('DeviceInfo | take 1').ok // true
 */
export function checkKql(query: string): KqlCheck {
  if (query.trim() === '') return whole(query, 'The query is empty.');
  if (query.length > MAX_QUERY_CHARS)
    return whole(query, `The query is longer than ${MAX_QUERY_CHARS} characters.`);
  if (nestingDepth(query) > MAX_NESTING)
    return whole(query, `The query nests brackets deeper than ${MAX_NESTING} levels.`);
  let items: KDiagnostic[];
  try {
    const { lang, globals: g } = kusto();
    const list = lang.KustoCode.ParseAndAnalyze(query, g).GetDiagnostics();
    items = Array.from({ length: list.Count }, (_, i) => list.getItem(i));
  } catch (err) {
    return whole(query, `The KQL parser failed on this query: ${(err as Error).message ?? String(err)}`);
  }
  const diagnostics = items
    .filter((d) => d.Severity === 'Error' || d.Severity === 'Warning')
    .map(
      (d): HuntingDiagnostic => ({
        message: String(d.Message),
        severity: d.Severity === 'Error' ? 'error' : 'warning',
        ...position(query, d.Start),
        length: d.Length,
      }),
    );
  return { ok: !diagnostics.some((d) => d.severity === 'error'), diagnostics };
}
