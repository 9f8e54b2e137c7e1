/**
 * Microsoft's KQL parser and analyzer (`@kusto/language-service-next`, a Bridge.NET port of Kusto.Language),
 * loaded lazily and wrapped in the few structural types the engine needs.
 *
 * The package is a pair of browser-style scripts: `bridge.js` installs the `Bridge` and `System` globals,
 * then `Kusto.Language.Bridge.js` installs the `Kusto` global. Nothing else is touched (no built-in
 * prototypes). We load the minified builds (same code, ~4 MB instead of ~16 MB) through `createRequire`
 * on first use and keep them for the life of the process. The package's own `.d.ts` is 1.7 MB of global
 * namespace declarations, so instead of referencing it we declare only what we call.
 */
import { createRequire } from 'node:module';
import type { KqlType, TableSource } from './types.js';

/** A .NET `IReadOnlyList<T>` as Bridge exposes it. */
export interface KList<T> {
  readonly Count: number;
  getItem(index: number): T;
}

export interface KSymbol {
  readonly Name: string;
  readonly Kind: number;
  /** Tables and tuples. */
  readonly Columns?: KList<KSymbol> | null;
  /** Columns and variables. */
  readonly Type?: KSymbol | null;
}

/** A syntax element (node or token). Named children are read with {@link prop}. */
export interface KNode {
  readonly Kind: number;
  readonly IsToken: boolean;
  readonly IsMissing: boolean;
  readonly ChildCount: number;
  readonly TextStart: number;
  readonly Width: number;
  readonly End: number;
  /** Tokens only. */
  readonly Text?: string;
  readonly ValueText?: string;
  /** Expressions only. */
  readonly ResultType?: KSymbol | null;
  readonly ReferencedSymbol?: KSymbol | null;
  readonly LiteralValue?: unknown;
  readonly SimpleName?: string;
  GetChild(index: number): KNode | null;
  toString(): string;
}

export interface KDiagnostic {
  readonly Code: string;
  readonly Severity: string;
  readonly Message: string;
  readonly Start: number;
  readonly Length: number;
}

interface KCode {
  readonly Syntax: KNode;
  readonly MaxDepth: number;
  GetDiagnostics(): KList<KDiagnostic>;
  GetSyntaxDiagnostics(): KList<KDiagnostic>;
}

type Ctor<T> = new (...args: unknown[]) => T;
interface KustoLanguage {
  KustoCode: {
    ParseAndAnalyze(text: string, globals: unknown): KCode;
    Parse(text: string, globals?: unknown): KCode;
  };
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  Symbols: {
    DatabaseSymbol: { ctor: Ctor<unknown> };
    TableSymbol: { $ctor4: Ctor<unknown> };
    ColumnSymbol: Ctor<unknown>;
    ScalarTypes: Record<string, unknown>;
    SymbolKind: Record<string, number>;
  };
  Syntax: { SyntaxKind: Record<string, number> };
}

export interface Kusto {
  readonly lang: KustoLanguage;
  /** SyntaxKind number -> name (`FilterOperator`, `EqualExpression`, ...). */
  readonly kindNames: ReadonlyMap<number, string>;
  /** SymbolKind number -> name (`Column`, `Table`, `Variable`, ...). */
  readonly symbolKindNames: ReadonlyMap<number, string>;
}

let kusto: Kusto | undefined;

/** Loads the parser on first call (~0.5 s) and returns the cached instance afterwards. */
export function loadKusto(): Kusto {
  if (kusto) return kusto;
  const g = globalThis as { Kusto?: { Language: KustoLanguage } };
  if (!g.Kusto?.Language?.KustoCode) {
    const require = createRequire(import.meta.url);
    require('@kusto/language-service-next/bridge.min.js');
    require('@kusto/language-service-next/Kusto.Language.Bridge.min.js');
  }
  const lang = g.Kusto?.Language;
  if (!lang?.KustoCode) throw new Error('@kusto/language-service-next did not install the Kusto global');
  const names = (e: Record<string, number>) => {
    const m = new Map<number, string>();
    for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && !m.has(v)) m.set(v, k);
    return m;
  };
  kusto = { lang, kindNames: names(lang.Syntax.SyntaxKind), symbolKindNames: names(lang.Symbols.SymbolKind) };
  return kusto;
}

export function kindOf(k: Kusto, node: KNode): string {
  return k.kindNames.get(node.Kind) ?? 'Unknown';
}

export function symbolKindOf(k: Kusto, sym: KSymbol | null | undefined): string {
  return sym ? (k.symbolKindNames.get(sym.Kind) ?? 'Unknown') : 'None';
}

export function listItems<T>(list: KList<T> | null | undefined): T[] {
  const out: T[] = [];
  if (!list) return out;
  const n = list.Count;
  for (let i = 0; i < n; i++) out.push(list.getItem(i));
  return out;
}

/** A named child (`Left`, `Expression`, `Operator`, ...), or null. */
export function prop(node: KNode, name: string): KNode | null {
  const v = (node as unknown as Record<string, unknown>)[name];
  return v && typeof v === 'object' ? (v as KNode) : null;
}

/** The elements of a `SyntaxList<SeparatedElement<T>>` (or of a plain `SyntaxList<T>`) child. */
export function elements(node: KNode, name: string): KNode[] {
  const list = prop(node, name);
  if (!list) return [];
  const out: KNode[] = [];
  for (let i = 0; i < list.ChildCount; i++) {
    const c = list.GetChild(i);
    if (!c) continue;
    const el = prop(c, 'Element');
    out.push(el ?? c);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Global state (the tables' schemas) for the analyzer

const SCALAR_TYPE: Record<KqlType, string> = {
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

export type TableSchema = Pick<TableSource, 'name' | 'columns'>;

const globalsCache = new Map<string, unknown>();

/** A GlobalState whose default database holds exactly these tables (cached by schema). */
export function globalsFor(k: Kusto, tables: readonly TableSchema[]): unknown {
  const key = tables.map((t) => `${t.name}(${t.columns.map(([n, ty]) => `${n}:${ty}`).join(',')})`).join(';');
  const hit = globalsCache.get(key);
  if (hit) return hit;
  const S = k.lang.Symbols;
  const tableSymbols = tables.map((t) => {
    const cols = t.columns.map(
      ([name, type]) =>
        new S.ColumnSymbol(name, S.ScalarTypes[SCALAR_TYPE[type] ?? 'Dynamic'], null, null, null, null),
    );
    return new S.TableSymbol.$ctor4(t.name, cols);
  });
  const db = new S.DatabaseSymbol.ctor('Defender', tableSymbols);
  const globals = k.lang.GlobalState.Default.WithDatabase(db);
  if (globalsCache.size >= 16) globalsCache.delete(globalsCache.keys().next().value as string);
  globalsCache.set(key, globals);
  return globals;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing and diagnostics

export interface KqlDiagnostic {
  message: string;
  start: number;
  length: number;
}

export interface Analyzed {
  code: KCode;
  syntaxErrors: KqlDiagnostic[];
  semanticErrors: KqlDiagnostic[];
}

/** Deepest bracket nesting the parser is given; deeper input makes it slow (quadratic) for no benefit. */
export const MAX_NESTING = 64;
/** Longest query text accepted (the parser is linear but not free: ~10 ms per KB). */
export const MAX_QUERY_LENGTH = 256 * 1024;

function toDiag(d: KDiagnostic): KqlDiagnostic {
  return { message: String(d.Message), start: d.Start, length: d.Length };
}

/** Nesting depth of (), [], {} outside string literals and comments. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === "'" || c === '"') {
      const verbatim = text[i - 1] === '@';
      i++;
      while (i < text.length && text[i] !== c && text[i] !== '\n') {
        if (text[i] === '\\' && !verbatim) i++;
        i++;
      }
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
      if (depth > max) max = depth;
    } else if (c === ')' || c === ']' || c === '}') {
      depth = Math.max(0, depth - 1);
    }
  }
  return max;
}

/** Parses and analyzes `text` against the tables; never throws for any input string. */
export function analyze(k: Kusto, text: string, tables: readonly TableSchema[]): Analyzed {
  const code = k.lang.KustoCode.ParseAndAnalyze(text, globalsFor(k, tables));
  const errors = (l: KList<KDiagnostic>) =>
    listItems(l)
      .filter((d) => d.Severity === 'Error')
      .map(toDiag);
  const syntaxErrors = errors(code.GetSyntaxDiagnostics());
  const all = errors(code.GetDiagnostics());
  const isSyntax = (d: KqlDiagnostic) =>
    syntaxErrors.some((s) => s.start === d.start && s.length === d.length && s.message === d.message);
  return { code, syntaxErrors, semanticErrors: all.filter((d) => !isSyntax(d)) };
}

/** `line L, position P` (both 1-based) of an offset in the text. */
export function describePosition(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return `line ${line}, position ${offset - lineStart + 1}`;
}

export type SyntaxCheck = { ok: true } | { ok: false; diagnostics: KqlDiagnostic[] };

/**
 * Validates a query against table schemas with the real parser and analyzer: syntax errors and semantic
 * errors (unknown table, column, function; type mismatches). Does not say whether the emulator can run it.
 */
export function checkKqlSyntax(query: string, tableSchemas: readonly TableSchema[]): SyntaxCheck {
  if (query.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      diagnostics: [{ message: 'The query text is too long.', start: 0, length: query.length }],
    };
  }
  if (nestingDepth(query) > MAX_NESTING) {
    return {
      ok: false,
      diagnostics: [
        { message: 'Query syntax depth exceeds maximum safe limit.', start: 0, length: query.length },
      ],
    };
  }
  try {
    const a = analyze(loadKusto(), query, tableSchemas);
    const diagnostics = [...a.syntaxErrors, ...a.semanticErrors];
    return diagnostics.length ? { ok: false, diagnostics } : { ok: true };
  } catch (err) {
    return { ok: false, diagnostics: [{ message: `Parser failure: ${String(err)}`, start: 0, length: 0 }] };
  }
}
