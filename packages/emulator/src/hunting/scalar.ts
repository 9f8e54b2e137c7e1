/**
 * Compiles analyzed KQL scalar expressions into closures over rows.
 *
 * Types come from the analyzer (`ResultType` on every expression), so each closure knows statically
 * whether it handles strings, numbers, datetimes (epoch ms) or dynamic values; see values.ts for the
 * representation. Sub-expressions without column references are folded to constants once.
 */
import { badRequest, type Env, type Getter, snippet, unsupported } from './context.js';
import { elements, type KNode, kindOf, prop, symbolKindOf } from './kusto.js';
import type { KqlType } from './types.js';
import {
  asString,
  compareValues,
  EPOCH_OFFSET_MS,
  flattenList,
  hasTerm,
  ipv4InRange,
  MS_PER_DAY,
  parseDateTimeText,
  parseJson,
  parseNumberLiteral,
  parseTimeSpanText,
  toBool,
  toJsonValue,
  toKqlType,
  toNumberOrNull,
  toStringValue,
  valuesEqual,
} from './values.js';

export interface Compiled {
  fn: Getter;
  type: KqlType;
  isConst: boolean;
}

const NO_ROW = null;

function constant(value: unknown, type: KqlType): Compiled {
  return { fn: () => value, type, isConst: true };
}

/** Builds a compiled expression; folds it to a constant when every input is constant. */
function make(fn: Getter, type: KqlType, deps: readonly Compiled[]): Compiled {
  if (deps.every((d) => d.isConst)) return constant(fn(NO_ROW), type);
  return { fn, type, isConst: false };
}

export function resultTypeOf(node: KNode): KqlType {
  return toKqlType(node.ResultType?.Name);
}

function kind(env: Env, node: KNode): string {
  return kindOf(env.ctx.k, node);
}

function need(node: KNode, name: string): KNode {
  const c = prop(node, name);
  if (!c) throw new Error(`syntax node has no ${name}`);
  return c;
}

/** The name a NameReference / NameDeclaration / token spells. */
export function simpleName(node: KNode | null): string {
  if (!node) return '';
  if (node.SimpleName !== undefined && node.SimpleName !== null) return String(node.SimpleName);
  if (node.IsToken) return node.ValueText ?? node.Text ?? '';
  return node.toString().trim();
}

/** Arguments of a function call. */
export function callArgs(node: KNode): KNode[] {
  const list = prop(node, 'ArgumentList');
  return list ? elements(list, 'Expressions') : [];
}

export function functionName(node: KNode): string {
  return (node.ReferencedSymbol?.Name ?? simpleName(prop(node, 'Name'))).toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------

export function compileScalar(node: KNode, env: Env): Compiled {
  if (env.override) {
    const o = env.override(node);
    if (o) return o;
  }
  const k = kind(env, node);
  switch (k) {
    case 'ParenthesizedExpression':
      return compileScalar(need(node, 'Expression'), env);
    case 'StringLiteralExpression':
    case 'CompoundStringLiteralExpression':
      return constant(String(node.LiteralValue ?? ''), 'string');
    case 'LongLiteralExpression':
    case 'IntLiteralExpression':
    case 'RealLiteralExpression':
    case 'DecimalLiteralExpression':
      return constant(parseNumberLiteral(literalText(node)), resultTypeOf(node));
    case 'BooleanLiteralExpression':
      return constant(toBool(unwrap(literalText(node))), 'bool');
    case 'DateTimeLiteralExpression': {
      const inner = unwrap(literalText(node));
      return constant(inner.toLowerCase() === 'null' ? null : parseDateTimeText(inner), 'datetime');
    }
    case 'TimespanLiteralExpression':
      return constant(parseTimeSpanText(literalText(node)), 'timespan');
    case 'GuidLiteralExpression': {
      const inner = unwrap(literalText(node));
      return constant(inner.toLowerCase() === 'null' ? null : inner.toLowerCase(), 'guid');
    }
    case 'NullLiteralExpression':
      return constant(null, 'dynamic');
    case 'DynamicExpression':
      return constant(dynamicLiteral(need(node, 'Expression'), env), 'dynamic');
    case 'NameReference':
      return compileNameReference(node, env);
    case 'PathExpression':
      return compilePath(node, env);
    case 'ElementExpression':
      return compileElement(node, env);
    case 'UnaryMinusExpression': {
      const e = compileScalar(need(node, 'Expression'), env);
      return make(
        (r) => {
          const v = num(e.fn(r));
          return v === null ? null : -v;
        },
        resultTypeOf(node),
        [e],
      );
    }
    case 'UnaryPlusExpression':
      return compileScalar(need(node, 'Expression'), env);
    case 'InExpression':
    case 'NotInExpression':
    case 'InCsExpression':
    case 'NotInCsExpression':
    case 'HasAnyExpression':
    case 'HasAllExpression':
      return compileListOperator(node, env);
    case 'BetweenExpression':
    case 'NotBetweenExpression':
      return compileBetween(node, env, k === 'NotBetweenExpression');
    case 'FunctionCallExpression':
      return compileCall(node, env);
    case 'ToScalarExpression':
      return compileToScalar(node, env);
    default:
      if (prop(node, 'Left') && prop(node, 'Right') && prop(node, 'Operator'))
        return compileBinary(node, env);
      throw unsupported(`The expression '${snippet(env.ctx, node)}'`);
  }
}

function literalText(node: KNode): string {
  const t = prop(node, 'Token');
  return t?.Text ?? node.toString().trim();
}

function unwrap(text: string): string {
  const m = /^[a-z]+\s*\(([\s\S]*)\)$/i.exec(text.trim());
  return m ? m[1].trim() : text.trim();
}

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : toNumberOrNull(v);
}

/** JSON value of a `dynamic(...)` literal body. */
function dynamicLiteral(node: KNode, env: Env): unknown {
  switch (kind(env, node)) {
    case 'JsonArrayExpression':
      return elements(node, 'Values').map((v) => dynamicLiteral(v, env));
    case 'JsonObjectExpression': {
      const o: Record<string, unknown> = {};
      for (const pair of elements(node, 'Pairs')) {
        const name = prop(pair, 'Name');
        const value = prop(pair, 'Value');
        if (name && value) o[name.ValueText ?? simpleName(name)] = dynamicLiteral(value, env);
      }
      return o;
    }
    case 'NullLiteralExpression':
      return null;
    default: {
      const c = compileScalar(node, env);
      if (!c.isConst) throw unsupported(`The dynamic literal '${snippet(env.ctx, node)}'`);
      return toJsonValue(c.fn(NO_ROW), c.type);
    }
  }
}

function compileNameReference(node: KNode, env: Env): Compiled {
  const sym = node.ReferencedSymbol;
  const sk = symbolKindOf(env.ctx.k, sym);
  const name = sym?.Name ?? simpleName(node);
  if (sk === 'Column') {
    const i = findColumn(env, name);
    if (i < 0) throw unsupported(`The column reference '${name}' in this position`);
    return { fn: env.getter(i), type: env.cols[i].type, isConst: false };
  }
  if (sk === 'Variable') {
    const b = env.lets.get(name);
    if (b?.kind === 'scalar') return constant(b.value(), b.type);
    throw unsupported(`The use of '${name}' here`);
  }
  if (sk === 'Function') {
    // A function referenced without parentheses (`now`, `pi`).
    return compileFunction(name.toLowerCase(), [], node, env);
  }
  throw unsupported(`The name '${name}' in a scalar expression`);
}

export function findColumn(env: Env, name: string): number {
  for (let i = env.cols.length - 1; i >= 0; i--) if (env.cols[i].name === name) return i;
  return -1;
}

function member(base: unknown, key: unknown): unknown {
  if (base === null || base === undefined) return null;
  if (typeof base === 'string') {
    // Kusto only dereferences objects/arrays; a JSON string inside dynamic stays opaque.
    return null;
  }
  if (Array.isArray(base)) {
    if (typeof key !== 'number' || !Number.isInteger(key)) return null;
    const i = key < 0 ? base.length + key : key;
    return i >= 0 && i < base.length ? (base[i] ?? null) : null;
  }
  if (typeof base === 'object') {
    if (typeof key !== 'string' || !Object.hasOwn(base, key)) return null;
    return (base as Record<string, unknown>)[key] ?? null;
  }
  return null;
}

function compilePath(node: KNode, env: Env): Compiled {
  const baseNode = need(node, 'Expression');
  const base = compileScalar(baseNode, env);
  if (base.type !== 'dynamic') throw unsupported(`The member access '${snippet(env.ctx, node)}'`);
  const key = simpleName(prop(node, 'Selector'));
  return make((r) => member(base.fn(r), key), 'dynamic', [base]);
}

function compileElement(node: KNode, env: Env): Compiled {
  const base = compileScalar(need(node, 'Expression'), env);
  const selector = need(node, 'Selector');
  const keyNode = prop(selector, 'Expression') ?? selector;
  const key = compileScalar(keyNode, env);
  if (base.type !== 'dynamic') throw unsupported(`The element access '${snippet(env.ctx, node)}'`);
  return make((r) => member(base.fn(r), key.fn(r)), 'dynamic', [base, key]);
}

function compileToScalar(node: KNode, env: Env): Compiled {
  const inner = need(node, 'Expression');
  const type = resultTypeOf(node);
  const ctx = env.ctx;
  if (!ctx.subqueries.has(node)) {
    const t = ctx.evalTabular(inner, env.lets);
    let value: unknown = null;
    for (const row of t.rows) {
      value = row[0] ?? null;
      break;
    }
    ctx.subqueries.set(node, value);
  }
  return constant(ctx.subqueries.get(node), type);
}

// ---------------------------------------------------------------------------------------------------------
// Operators

type StrPred = (hay: string, needle: string) => boolean;

/** Case-insensitive string predicates take pre-lowered needles when the needle is constant. */
const STRING_OPS: Record<string, { ci: boolean; pred: StrPred; negate: boolean }> = {
  has: { ci: true, pred: (h, n) => hasTerm(h, n, true), negate: false },
  '!has': { ci: true, pred: (h, n) => hasTerm(h, n, true), negate: true },
  has_cs: { ci: false, pred: (h, n) => hasTerm(h, n, true), negate: false },
  '!has_cs': { ci: false, pred: (h, n) => hasTerm(h, n, true), negate: true },
  hasprefix: { ci: true, pred: (h, n) => hasTerm(h, n, true, 'prefix'), negate: false },
  '!hasprefix': { ci: true, pred: (h, n) => hasTerm(h, n, true, 'prefix'), negate: true },
  hasprefix_cs: { ci: false, pred: (h, n) => hasTerm(h, n, true, 'prefix'), negate: false },
  '!hasprefix_cs': { ci: false, pred: (h, n) => hasTerm(h, n, true, 'prefix'), negate: true },
  hassuffix: { ci: true, pred: (h, n) => hasTerm(h, n, true, 'suffix'), negate: false },
  '!hassuffix': { ci: true, pred: (h, n) => hasTerm(h, n, true, 'suffix'), negate: true },
  hassuffix_cs: { ci: false, pred: (h, n) => hasTerm(h, n, true, 'suffix'), negate: false },
  '!hassuffix_cs': { ci: false, pred: (h, n) => hasTerm(h, n, true, 'suffix'), negate: true },
  contains: { ci: true, pred: (h, n) => h.includes(n), negate: false },
  '!contains': { ci: true, pred: (h, n) => h.includes(n), negate: true },
  contains_cs: { ci: false, pred: (h, n) => h.includes(n), negate: false },
  '!contains_cs': { ci: false, pred: (h, n) => h.includes(n), negate: true },
  startswith: { ci: true, pred: (h, n) => h.startsWith(n), negate: false },
  '!startswith': { ci: true, pred: (h, n) => h.startsWith(n), negate: true },
  startswith_cs: { ci: false, pred: (h, n) => h.startsWith(n), negate: false },
  '!startswith_cs': { ci: false, pred: (h, n) => h.startsWith(n), negate: true },
  endswith: { ci: true, pred: (h, n) => h.endsWith(n), negate: false },
  '!endswith': { ci: true, pred: (h, n) => h.endsWith(n), negate: true },
  endswith_cs: { ci: false, pred: (h, n) => h.endsWith(n), negate: false },
  '!endswith_cs': { ci: false, pred: (h, n) => h.endsWith(n), negate: true },
  '=~': { ci: true, pred: (h, n) => h === n, negate: false },
  '!~': { ci: true, pred: (h, n) => h === n, negate: true },
};

function compileBinary(node: KNode, env: Env): Compiled {
  const op = (need(node, 'Operator').Text ?? '').trim();
  const lower = op.toLowerCase();
  const type = resultTypeOf(node);
  if (lower === 'and' || lower === 'or') {
    const l = compileScalar(need(node, 'Left'), env);
    const r = compileScalar(need(node, 'Right'), env);
    const lf = l.fn;
    const rf = r.fn;
    // Kusto's three-valued logic: false and null = false, true or null = true.
    const fn: Getter =
      lower === 'and'
        ? (row) => {
            const a = lf(row);
            if (a === false) return false;
            const b = rf(row);
            if (b === false) return false;
            return a === true && b === true ? true : null;
          }
        : (row) => {
            const a = lf(row);
            if (a === true) return true;
            const b = rf(row);
            if (b === true) return true;
            return a === false && b === false ? false : null;
          };
    return make(fn, 'bool', [l, r]);
  }
  if (lower === 'matches regex') return compileRegexMatch(node, env);
  const l = compileScalar(need(node, 'Left'), env);
  const r = compileScalar(need(node, 'Right'), env);
  const lf = l.fn;
  const rf = r.fn;
  const sop = STRING_OPS[lower];
  if (sop) {
    const { ci, pred, negate } = sop;
    const norm = ci ? (v: unknown) => asString(v).toLowerCase() : asString;
    if (r.isConst) {
      const needle = norm(rf(NO_ROW));
      return make((row) => pred(norm(lf(row)), needle) !== negate, 'bool', [l, r]);
    }
    return make((row) => pred(norm(lf(row)), norm(rf(row))) !== negate, 'bool', [l, r]);
  }
  switch (op) {
    case '==':
    case '!=': {
      const neg = op === '!=';
      return make(
        (row) => {
          const a = lf(row);
          const b = rf(row);
          if (a === null || b === null || a === undefined || b === undefined) return null;
          if (typeof a === typeof b && typeof a !== 'object') return (a === b) !== neg;
          return looseEqual(a, b) !== neg;
        },
        'bool',
        [l, r],
      );
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const test =
        op === '<'
          ? (c: number) => c < 0
          : op === '<='
            ? (c: number) => c <= 0
            : op === '>'
              ? (c: number) => c > 0
              : (c: number) => c >= 0;
      if (isNumericish(l.type) && isNumericish(r.type)) {
        return make(
          (row) => {
            const a = num(lf(row));
            const b = num(rf(row));
            if (a === null || b === null) return null;
            return test(a < b ? -1 : a > b ? 1 : 0);
          },
          'bool',
          [l, r],
        );
      }
      return make(
        (row) => {
          const a = lf(row);
          const b = rf(row);
          if (a === null || b === null || a === undefined || b === undefined) return null;
          return test(compareValues(a, b));
        },
        'bool',
        [l, r],
      );
    }
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return compileArithmetic(op, l, r, type);
    default:
      throw unsupported(`The operator '${op}'`);
  }
}

function isNumericish(t: KqlType): boolean {
  return t === 'int' || t === 'long' || t === 'real' || t === 'datetime' || t === 'timespan';
}

/** `==` across representations (dynamic vs scalar). */
function looseEqual(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = num(a);
    const y = num(b);
    return x !== null && x === y;
  }
  if (typeof a === 'string' && typeof b === 'string') return a === b;
  return valuesEqual(a, b);
}

function compileArithmetic(op: string, l: Compiled, r: Compiled, type: KqlType): Compiled {
  const lf = l.fn;
  const rf = r.fn;
  const integer = type === 'int' || type === 'long';
  let f: (a: number, b: number) => number | null;
  switch (op) {
    case '+':
      f = (a, b) => a + b;
      break;
    case '-':
      f = (a, b) => a - b;
      break;
    case '*':
      f = integer ? (a, b) => Math.trunc(a * b) : (a, b) => a * b;
      break;
    case '/':
      f = integer ? (a, b) => (b === 0 ? null : Math.trunc(a / b)) : (a, b) => a / b;
      break;
    default:
      f = integer ? (a, b) => (b === 0 ? null : a % b) : (a, b) => a % b;
  }
  return make(
    (row) => {
      const a = num(lf(row));
      const b = num(rf(row));
      if (a === null || b === null) return null;
      return f(a, b);
    },
    type,
    [l, r],
  );
}

function compileRegexMatch(node: KNode, env: Env): Compiled {
  const l = compileScalar(need(node, 'Left'), env);
  const r = compileScalar(need(node, 'Right'), env);
  if (!r.isConst) throw unsupported('A non-constant regular expression');
  const re = toRegExp(asString(r.fn(NO_ROW)));
  const lf = l.fn;
  return make((row) => re.test(asString(lf(row))), 'bool', [l, r]);
}

function toRegExp(pattern: string, flags = ''): RegExp {
  let p = pattern;
  let f = flags;
  // RE2 inline flags at the start: (?i), (?s), (?m)
  const inline = /^\(\?([ims]+)\)/.exec(p);
  if (inline) {
    p = p.slice(inline[0].length);
    for (const ch of inline[1]) if (!f.includes(ch)) f += ch;
  }
  try {
    return new RegExp(p, f);
  } catch {
    throw badRequest(`The regular expression '${pattern.slice(0, 60)}' is invalid.`);
  }
}

function listValues(node: KNode, env: Env): Compiled[] {
  const right = need(node, 'Right');
  const items = kind(env, right) === 'ExpressionList' ? elements(right, 'Expressions') : [right];
  return items.map((item) => {
    const t = item.ResultType;
    if (t && symbolKindOf(env.ctx.k, t) === 'Table') {
      // `x in ((subquery))` / `x in (tabularLet)`: the subquery's first column, evaluated once.
      const ctx = env.ctx;
      if (!ctx.subqueries.has(item)) {
        const tab = ctx.evalTabular(item, env.lets);
        const values: unknown[] = [];
        for (const row of tab.rows) values.push(row[0] ?? null);
        ctx.subqueries.set(item, values);
      }
      return constant(ctx.subqueries.get(item), 'dynamic');
    }
    return compileScalar(item, env);
  });
}

function compileListOperator(node: KNode, env: Env): Compiled {
  const op = (need(node, 'Operator').Text ?? '').trim().toLowerCase();
  const l = compileScalar(need(node, 'Left'), env);
  const items = listValues(node, env);
  const lf = l.fn;
  const allConst = items.every((i) => i.isConst);
  const listAt = (row: unknown) => flattenList(items.map((i) => i.fn(row)));
  if (op === 'has_any' || op === 'has_all') {
    const all = op === 'has_all';
    const test = (hay: string, needles: unknown[]) => {
      const h = hay;
      if (all) return needles.every((n) => hasTerm(h, asString(n), false));
      return needles.some((n) => hasTerm(h, asString(n), false));
    };
    if (allConst) {
      const needles = listAt(NO_ROW).map((n) => asString(n).toLowerCase());
      return make((row) => test(asString(lf(row)).toLowerCase(), needles), 'bool', [l, ...items]);
    }
    return make(
      (row) =>
        test(
          asString(lf(row)).toLowerCase(),
          listAt(row).map((n) => asString(n).toLowerCase()),
        ),
      'bool',
      [l, ...items],
    );
  }
  const negate = op.startsWith('!');
  const ci = op.endsWith('~');
  const keyOf = (v: unknown): string | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return ci ? `s${v.toLowerCase()}` : `s${v}`;
    if (typeof v === 'number') return `d${v}`;
    if (typeof v === 'boolean') return v ? 'T' : 'F';
    return `j${JSON.stringify(v)}`;
  };
  const member = (v: unknown, set: Set<string>) => {
    const key = keyOf(v);
    return key !== null && set.has(key);
  };
  if (allConst) {
    const set = new Set<string>();
    for (const v of listAt(NO_ROW)) {
      const key = keyOf(v);
      if (key !== null) set.add(key);
    }
    return make((row) => member(lf(row), set) !== negate, 'bool', [l, ...items]);
  }
  return make(
    (row) => {
      const set = new Set<string>();
      for (const v of listAt(row)) {
        const key = keyOf(v);
        if (key !== null) set.add(key);
      }
      return member(lf(row), set) !== negate;
    },
    'bool',
    [l, ...items],
  );
}

function compileBetween(node: KNode, env: Env, negate: boolean): Compiled {
  const l = compileScalar(need(node, 'Left'), env);
  const couple = need(node, 'Right');
  const lo = compileScalar(need(couple, 'First'), env);
  const hi = compileScalar(need(couple, 'Second'), env);
  const lf = l.fn;
  const lof = lo.fn;
  const hif = hi.fn;
  return make(
    (row) => {
      const v = lf(row);
      const a = lof(row);
      let b = hif(row);
      if (v === null || a === null || b === null) return null;
      // `datetime between (start .. 1d)`: a timespan upper bound is relative to the lower one.
      if (l.type === 'datetime' && hi.type === 'timespan') b = (a as number) + (b as number);
      const inside = compareValues(v, a) >= 0 && compareValues(v, b) <= 0;
      return inside !== negate;
    },
    'bool',
    [l, lo, hi],
  );
}

// ---------------------------------------------------------------------------------------------------------
// Functions

function compileCall(node: KNode, env: Env): Compiled {
  const name = functionName(node);
  const sym = node.ReferencedSymbol;
  const raw = sym?.Name ?? '';
  if (env.lets.get(raw)?.kind === 'function') throw unsupported(`The user-defined function '${raw}'`);
  if (symbolKindOf(env.ctx.k, sym) !== 'Function') throw unsupported(`The function '${name}'`);
  return compileFunction(name, callArgs(node), node, env);
}

type Impl = (args: Compiled[], env: Env, node: KNode) => Getter;

function arg(args: Compiled[], i: number): Getter {
  const a = args[i];
  return a ? a.fn : () => null;
}

function constArg(args: Compiled[], i: number, what: string): unknown {
  const a = args[i];
  if (!a) return undefined;
  if (!a.isConst) throw unsupported(`A non-constant ${what}`);
  return a.fn(NO_ROW);
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === '';

function startOf(unit: 'day' | 'week' | 'month' | 'year', ms: number): number {
  const d = new Date(Math.floor(ms));
  switch (unit) {
    case 'day':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case 'week':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - d.getUTCDay());
    case 'month':
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    default:
      return Date.UTC(d.getUTCFullYear(), 0, 1);
  }
}

function startOfFn(unit: 'day' | 'week' | 'month' | 'year'): Impl {
  return (a) => {
    const f = arg(a, 0);
    const off = arg(a, 1);
    return (r) => {
      const v = num(f(r));
      if (v === null) return null;
      const s = startOf(unit, v);
      const n = num(off(r)) ?? 0;
      if (!n) return s;
      const d = new Date(s);
      switch (unit) {
        case 'day':
          return s + n * MS_PER_DAY;
        case 'week':
          return s + n * 7 * MS_PER_DAY;
        case 'month':
          return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
        default:
          return Date.UTC(d.getUTCFullYear() + n, 0, 1);
      }
    };
  };
}

function toIntFn(): Impl {
  return (a) => {
    const f = arg(a, 0);
    const t = a[0]?.type;
    return (r) => {
      const v = f(r);
      if (v === null || v === undefined) return null;
      if (typeof v === 'string' && t !== 'dynamic' && !/^\s*[+-]?(\d+(\.\d*)?|0x[0-9a-f]+)\s*$/i.test(v))
        return null;
      const n = num(v);
      return n === null || !Number.isFinite(n) ? null : Math.trunc(n);
    };
  };
}

const FUNCTIONS: Record<string, Impl> = {
  not: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = f(r);
      return v === null || v === undefined ? null : !v;
    };
  },
  isempty: (a) => {
    const f = arg(a, 0);
    return (r) => isEmpty(f(r));
  },
  isnotempty: (a) => {
    const f = arg(a, 0);
    return (r) => !isEmpty(f(r));
  },
  isnull: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = f(r);
      return v === null || v === undefined;
    };
  },
  isnotnull: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = f(r);
      return v !== null && v !== undefined;
    };
  },
  coalesce: (a) => (r) => {
    for (const c of a) {
      const v = c.fn(r);
      if (!isEmpty(v)) return v;
    }
    return a[0]?.type === 'string' ? '' : null;
  },
  iff: (a) => {
    const c = arg(a, 0);
    const t = arg(a, 1);
    const e = arg(a, 2);
    return (r) => (c(r) === true ? t(r) : e(r));
  },
  case: (a) => (r) => {
    let i = 0;
    for (; i + 1 < a.length; i += 2) if (a[i].fn(r) === true) return a[i + 1].fn(r);
    return i < a.length ? a[i].fn(r) : null;
  },
  tolower: (a) => {
    const f = arg(a, 0);
    return (r) => asString(f(r)).toLowerCase();
  },
  toupper: (a) => {
    const f = arg(a, 0);
    return (r) => asString(f(r)).toUpperCase();
  },
  strlen: (a) => {
    const f = arg(a, 0);
    return (r) => asString(f(r)).length;
  },
  strcat: (a) => (r) => a.map((c) => toStringValue(c.fn(r), c.type)).join(''),
  strcat_delim: (a) => (r) => {
    const d = toStringValue(a[0]?.fn(r), a[0]?.type ?? 'string');
    return a
      .slice(1)
      .map((c) => toStringValue(c.fn(r), c.type))
      .join(d);
  },
  substring: (a) => {
    const s = arg(a, 0);
    const st = arg(a, 1);
    const len = a[2] ? a[2].fn : null;
    return (r) => {
      const text = asString(s(r));
      const start = Math.max(0, num(st(r)) ?? 0);
      if (!len) return text.substring(start);
      const n = num(len(r));
      return n === null ? text.substring(start) : text.substr(start, Math.max(0, n));
    };
  },
  indexof: (a) => {
    const s = arg(a, 0);
    const lookup = arg(a, 1);
    const st = a[2] ? a[2].fn : null;
    return (r) => {
      const text = asString(s(r));
      const start = st ? (num(st(r)) ?? 0) : 0;
      if (start < 0 || start > text.length) return -1;
      return text.indexOf(asString(lookup(r)), start);
    };
  },
  replace_string: (a) => {
    const s = arg(a, 0);
    const lookup = arg(a, 1);
    const rewrite = arg(a, 2);
    return (r) => {
      const l = asString(lookup(r));
      const text = asString(s(r));
      return l === '' ? text : text.split(l).join(asString(rewrite(r)));
    };
  },
  split: (a) => {
    const s = arg(a, 0);
    const d = arg(a, 1);
    const idx = a[2] ? a[2].fn : null;
    return (r) => {
      const delim = asString(d(r));
      const parts = delim === '' ? [asString(s(r))] : asString(s(r)).split(delim);
      if (!idx) return parts;
      const i = num(idx(r));
      return i !== null && i >= 0 && i < parts.length ? [parts[i]] : [];
    };
  },
  extract: (a) => {
    if (a.length > 3) throw unsupported('extract() with a type argument');
    const re = toRegExp(asString(constArg(a, 0, 'regular expression')));
    const g = arg(a, 1);
    const s = arg(a, 2);
    return (r) => {
      const m = re.exec(asString(s(r)));
      const i = num(g(r)) ?? 0;
      return m && m[i] !== undefined ? m[i] : '';
    };
  },
  trim: (a) => {
    const p = asString(constArg(a, 0, 'regular expression'));
    const re = toRegExp(`^(?:${p})+|(?:${p})+$`, 'g');
    const s = arg(a, 1);
    return (r) => asString(s(r)).replace(re, '');
  },
  trim_start: (a) => {
    const re = toRegExp(`^(?:${asString(constArg(a, 0, 'regular expression'))})+`);
    const s = arg(a, 1);
    return (r) => asString(s(r)).replace(re, '');
  },
  trim_end: (a) => {
    const re = toRegExp(`(?:${asString(constArg(a, 0, 'regular expression'))})+$`);
    const s = arg(a, 1);
    return (r) => asString(s(r)).replace(re, '');
  },
  countof: (a) => {
    const s = arg(a, 0);
    const search = arg(a, 1);
    return (r) => {
      const n = asString(search(r));
      if (!n) return 0;
      return asString(s(r)).split(n).length - 1;
    };
  },
  tostring: (a) => {
    const f = arg(a, 0);
    const t = a[0]?.type ?? 'string';
    return (r) => toStringValue(f(r), t);
  },
  toint: toIntFn(),
  tolong: toIntFn(),
  toreal: (a) => {
    const f = arg(a, 0);
    return (r) => num(f(r));
  },
  tobool: (a) => {
    const f = arg(a, 0);
    return (r) => toBool(f(r));
  },
  todatetime: (a) => {
    const f = arg(a, 0);
    const t = a[0]?.type;
    return (r) => {
      const v = f(r);
      if (v === null || v === undefined) return null;
      if (t === 'datetime') return v;
      return typeof v === 'string' ? parseDateTimeText(v) : null;
    };
  },
  totimespan: (a) => {
    const f = arg(a, 0);
    const t = a[0]?.type;
    return (r) => {
      const v = f(r);
      if (v === null || v === undefined) return null;
      if (t === 'timespan') return v;
      if (typeof v === 'number') return v / 10_000; // ticks
      return typeof v === 'string' ? parseTimeSpanText(v) : null;
    };
  },
  toguid: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = asString(f(r)).trim().toLowerCase();
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(v) ? v : null;
    };
  },
  parse_json: (a) => {
    const f = arg(a, 0);
    const t = a[0]?.type;
    return t === 'string' ? (r) => parseJson(f(r)) : (r) => f(r) ?? null;
  },
  ago: (a, env) => {
    const f = arg(a, 0);
    const now = env.ctx.nowMs;
    return (r) => {
      const v = num(f(r));
      return v === null ? null : now - v;
    };
  },
  now: (a, env) => {
    const now = env.ctx.nowMs;
    const f = a[0] ? a[0].fn : null;
    return (r) => (f ? now + (num(f(r)) ?? 0) : now);
  },
  bin: (a) => {
    const v = arg(a, 0);
    const s = arg(a, 1);
    const dt = a[0]?.type === 'datetime';
    const integer = a[0]?.type === 'int' || a[0]?.type === 'long';
    return (r) => {
      const x = num(v(r));
      const size = num(s(r));
      if (x === null || size === null || !(size > 0)) return null;
      if (dt) return Math.floor((x + EPOCH_OFFSET_MS) / size) * size - EPOCH_OFFSET_MS;
      const b = Math.floor(x / size) * size;
      return integer ? Math.trunc(b) : b;
    };
  },
  startofday: startOfFn('day'),
  startofweek: startOfFn('week'),
  startofmonth: startOfFn('month'),
  startofyear: startOfFn('year'),
  endofday: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = num(f(r));
      return v === null ? null : startOf('day', v) + MS_PER_DAY - 0.0001;
    };
  },
  dayofweek: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = num(f(r));
      return v === null ? null : new Date(Math.floor(v)).getUTCDay() * MS_PER_DAY;
    };
  },
  hourofday: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = num(f(r));
      return v === null ? null : new Date(Math.floor(v)).getUTCHours();
    };
  },
  unixtime_seconds_todatetime: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = num(f(r));
      return v === null ? null : v * 1000;
    };
  },
  unixtime_milliseconds_todatetime: (a) => {
    const f = arg(a, 0);
    return (r) => num(f(r));
  },
  abs: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = num(f(r));
      return v === null ? null : Math.abs(v);
    };
  },
  round: (a) => {
    const f = arg(a, 0);
    const p = arg(a, 1);
    return (r) => {
      const v = num(f(r));
      if (v === null) return null;
      const digits = num(p(r)) ?? 0;
      const m = 10 ** digits;
      return Math.round(v * m) / m;
    };
  },
  min_of: (a) => (r) => {
    let best: unknown = null;
    for (const c of a) {
      const v = c.fn(r);
      if (v !== null && v !== undefined && (best === null || compareValues(v, best) < 0)) best = v;
    }
    return best;
  },
  max_of: (a) => (r) => {
    let best: unknown = null;
    for (const c of a) {
      const v = c.fn(r);
      if (v !== null && v !== undefined && (best === null || compareValues(v, best) > 0)) best = v;
    }
    return best;
  },
  array_length: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = f(r);
      return Array.isArray(v) ? v.length : null;
    };
  },
  bag_keys: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const v = f(r);
      return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : null;
    };
  },
  set_has_element: (a) => {
    const f = arg(a, 0);
    const e = arg(a, 1);
    return (r) => {
      const arr = f(r);
      const v = e(r);
      return Array.isArray(arr) ? arr.some((x) => looseEqual(x, v)) : null;
    };
  },
  pack_array: (a) => (r) => a.map((c) => toJsonValue(c.fn(r), c.type)),
  bag_pack: (a) => (r) => {
    const o: Record<string, unknown> = {};
    for (let i = 0; i + 1 < a.length; i += 2)
      o[asString(a[i].fn(r))] = toJsonValue(a[i + 1].fn(r), a[i + 1].type);
    return o;
  },
  base64_decode_tostring: (a) => {
    const f = arg(a, 0);
    return (r) => Buffer.from(asString(f(r)), 'base64').toString('utf8');
  },
  ipv4_is_private: (a) => {
    const f = arg(a, 0);
    return (r) => {
      const ip = asString(f(r));
      const res = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => ipv4InRange(ip, c));
      return res[0] === null ? null : res.some(Boolean);
    };
  },
  ipv4_is_in_range: (a) => {
    const f = arg(a, 0);
    const g = arg(a, 1);
    return (r) => ipv4InRange(asString(f(r)), asString(g(r)));
  },
  format_datetime: () => {
    throw unsupported("The function 'format_datetime'");
  },
};

const ALIASES: Record<string, string> = {
  iif: 'iff',
  todouble: 'toreal',
  todecimal: 'toreal',
  toboolean: 'tobool',
  todynamic: 'parse_json',
  parsejson: 'parse_json',
  floor: 'bin',
  pack: 'bag_pack',
};

export function isScalarFunction(name: string): boolean {
  const n = ALIASES[name] ?? name;
  return Object.hasOwn(FUNCTIONS, n) && n !== 'format_datetime';
}

function compileFunction(name: string, argNodes: KNode[], node: KNode, env: Env): Compiled {
  const n = ALIASES[name] ?? name;
  const impl = Object.hasOwn(FUNCTIONS, n) ? FUNCTIONS[n] : undefined;
  if (!impl) throw unsupported(`The function '${name}'`);
  const args = argNodes.map((a) => compileScalar(a, env));
  const fn = impl(args, env, node);
  return make(fn, resultTypeOf(node), args);
}
