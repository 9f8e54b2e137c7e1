/**
 * Tabular operators. A pipeline `Source | op | op ...` is flattened (tabular `let`s are inlined), the
 * leading `where`s are fused into the table scan (with pushdown hints), and each further operator maps
 * one {@link TableValue} to the next. Streaming operators (where, extend, project, take) stay lazy so
 * `take 10` stops the scan early; blocking ones (sort, summarize, join, ...) materialise arrays.
 *
 * Output column names and types always come from the analyzer (`ResultType` of each operator), so
 * generated names (`count_`, `Column1`, `DeviceId1`, `arg_max` renames) match real Kusto exactly; the
 * evaluator only maps values to those positions.
 */
import { compileAggregateExpression } from './aggregates.js';
import {
  arrayGetter,
  badRequest,
  type Col,
  type Ctx,
  charge,
  type Env,
  type Getter,
  type Lets,
  snippet,
  type TableValue,
  unsupported,
} from './context.js';
import { elements, type KNode, type KSymbol, kindOf, listItems, prop, symbolKindOf } from './kusto.js';
import { extractHints } from './pushdown.js';
import { compileScalar, simpleName } from './scalar.js';
import type { Row } from './types.js';
import { compareValues, normalizer, toKqlType, toNumberOrNull, valueKey } from './values.js';

interface Op {
  node: KNode;
  lets: Lets;
}

function kind(ctx: Ctx, node: KNode): string {
  return kindOf(ctx.k, node);
}

export function colsOf(sym: KSymbol | null | undefined): Col[] {
  return listItems(sym?.Columns).map((c) => ({ name: c.Name, type: toKqlType(c.Type?.Name) }));
}

function envFor(ctx: Ctx, cols: readonly Col[], lets: Lets): Env {
  return { ctx, cols, lets, getter: arrayGetter };
}

/** The keyword an operator starts with (`mv-expand`, `summarize`, ...). */
function operatorKeyword(ctx: Ctx, node: KNode): string {
  const text = ctx.text.slice(node.TextStart, node.End);
  const m = /^[a-z][a-z0-9_-]*/i.exec(text);
  return m ? m[0] : kind(ctx, node);
}

function unsupportedOperator(ctx: Ctx, node: KNode): Error {
  return unsupported(`The operator '${operatorKeyword(ctx, node)}'`);
}

/** Rejects operator parameters other than `hint.*` (and those the caller handles itself). */
function checkParameters(ctx: Ctx, node: KNode, allowed: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of elements(node, 'Parameters')) {
    const name = simpleName(prop(p, 'Name')).toLowerCase();
    const value = prop(p, 'Expression');
    const text = value ? ctx.text.slice(value.TextStart, value.End).trim() : '';
    if (name.startsWith('hint.')) continue;
    if (!allowed.includes(name))
      throw unsupported(`The parameter '${name}' of '${operatorKeyword(ctx, node)}'`);
    out.set(name, text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Pipelines and sources

function flatten(ctx: Ctx, node: KNode, lets: Lets): { source: KNode; lets: Lets; ops: Op[] } {
  const k = kind(ctx, node);
  if (k === 'PipeExpression') {
    const inner = flatten(ctx, prop(node, 'Expression') as KNode, lets);
    inner.ops.push({ node: prop(node, 'Operator') as KNode, lets });
    return inner;
  }
  if (k === 'ParenthesizedExpression' || k === 'MaterializeExpression') {
    const e = prop(node, 'Expression');
    if (e) return flatten(ctx, e, lets);
  }
  if (k === 'NameReference' && symbolKindOf(ctx.k, node.ReferencedSymbol) === 'Variable') {
    const b = lets.get(node.ReferencedSymbol?.Name ?? '');
    if (b?.kind === 'tabular') return flatten(ctx, b.node, b.lets);
  }
  return { source: node, lets, ops: [] };
}

function isTableRef(ctx: Ctx, node: KNode): boolean {
  return kind(ctx, node) === 'NameReference' && symbolKindOf(ctx.k, node.ReferencedSymbol) === 'Table';
}

export function evalTabular(ctx: Ctx, node: KNode, lets: Lets): TableValue {
  const { source, lets: sourceLets, ops } = flatten(ctx, node, lets);
  let i = 0;
  let table: TableValue;
  if (isTableRef(ctx, source)) {
    const filters: Op[] = [];
    while (i < ops.length && kind(ctx, ops[i].node) === 'FilterOperator') filters.push(ops[i++]);
    table = scan(ctx, source, filters);
  } else {
    table = evalSource(ctx, source, sourceLets);
  }
  for (; i < ops.length; i++) table = applyOperator(ctx, table, ops[i].node, ops[i].lets);
  return table;
}

function evalSource(ctx: Ctx, node: KNode, lets: Lets): TableValue {
  switch (kind(ctx, node)) {
    case 'PrintOperator': {
      const out = colsOf(node.ResultType);
      const env = envFor(ctx, [], lets);
      const exprs = elements(node, 'Expressions').map((e) => valueExpression(ctx, e));
      if (exprs.length !== out.length) throw unsupportedOperator(ctx, node);
      const values = exprs.map((e) => compileScalar(e, env).fn(null));
      return { cols: out, rows: [values] };
    }
    case 'UnionOperator':
      return union(ctx, null, node, lets);
    case 'NameReference': {
      const sk = symbolKindOf(ctx.k, node.ReferencedSymbol);
      throw unsupported(
        `The ${sk === 'Function' ? 'function' : 'tabular reference'} '${snippet(ctx, node)}'`,
      );
    }
    case 'FunctionCallExpression': {
      const fn = simpleName(prop(node, 'Name'));
      throw unsupported(
        `The ${lets.get(fn)?.kind === 'function' ? 'user-defined function' : 'function'} '${fn}'`,
      );
    }
    default:
      if (kind(ctx, node).endsWith('Operator')) throw unsupportedOperator(ctx, node);
      throw unsupported(`The tabular expression '${snippet(ctx, node)}'`);
  }
}

function scan(ctx: Ctx, source: KNode, filters: Op[]): TableValue {
  const name = source.ReferencedSymbol?.Name ?? '';
  const table = ctx.tables.get(name);
  if (!table) throw badRequest(`Failed to resolve table expression named '${name}'`);
  const cols: Col[] = table.columns.map(([n, t]) => ({ name: n, type: t }));
  const norms = cols.map((c) => normalizer(c.type));
  const names = cols.map((c) => c.name);
  const rawGetter = (i: number): Getter => {
    const n = names[i];
    const f = norms[i];
    return (r) => f((r as Row)[n]);
  };
  const preds = filters.map(
    (f) =>
      compileScalar(prop(f.node, 'Condition') as KNode, { ctx, cols, lets: f.lets, getter: rawGetter }).fn,
  );
  const hints = extractHints(ctx, table, filters);
  ctx.onScan?.(name, hints);
  const tsIndex = cols.findIndex((c) => c.name === 'Timestamp' && c.type === 'datetime');
  const tsNorm = tsIndex >= 0 ? norms[tsIndex] : null;
  const from = ctx.windowFromMs;
  const to = ctx.windowToMs ?? Number.POSITIVE_INFINITY;
  function* rows(): Generator<unknown[]> {
    for (const raw of table!.scan(hints)) {
      ctx.rowsScanned++;
      charge(ctx, 1);
      if (tsNorm) {
        const ts = tsNorm(raw.Timestamp);
        if (typeof ts === 'number' && (ts < from || ts > to)) continue;
      }
      let ok = true;
      for (const p of preds) {
        if (p(raw) !== true) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      const row = new Array<unknown>(names.length);
      for (let i = 0; i < names.length; i++) row[i] = norms[i](raw[names[i]]);
      yield row;
    }
  }
  return { cols, rows: { [Symbol.iterator]: rows } };
}

// ---------------------------------------------------------------------------------------------------------
// Operators

function applyOperator(ctx: Ctx, input: TableValue, node: KNode, lets: Lets): TableValue {
  const env = envFor(ctx, input.cols, lets);
  switch (kind(ctx, node)) {
    case 'FilterOperator': {
      checkParameters(ctx, node);
      const pred = compileScalar(prop(node, 'Condition') as KNode, env).fn;
      const src = input.rows;
      return {
        cols: input.cols,
        rows: {
          *[Symbol.iterator]() {
            for (const r of src) if (pred(r) === true) yield r;
          },
        },
      };
    }
    case 'ExtendOperator':
      return extend(ctx, input, node, lets);
    case 'ProjectOperator':
      return project(ctx, input, node, lets);
    case 'ProjectAwayOperator':
    case 'ProjectKeepOperator':
    case 'ProjectReorderOperator':
      return pickByName(ctx, input, node);
    case 'ProjectRenameOperator': {
      const out = colsOf(node.ResultType);
      if (out.length !== input.cols.length) throw unsupportedOperator(ctx, node);
      return { cols: out, rows: input.rows };
    }
    case 'TakeOperator': {
      checkParameters(ctx, node);
      const n = constCount(ctx, prop(node, 'Expression'), lets);
      const src = input.rows;
      return {
        cols: input.cols,
        rows: {
          *[Symbol.iterator]() {
            if (n <= 0) return;
            let i = 0;
            for (const r of src) {
              yield r;
              if (++i >= n) return;
            }
          },
        },
      };
    }
    case 'TopOperator': {
      checkParameters(ctx, node);
      const n = constCount(ctx, prop(node, 'Expression'), lets);
      const by = prop(node, 'ByExpression');
      if (!by) throw unsupportedOperator(ctx, node);
      return { cols: input.cols, rows: sortRows(ctx, [...input.rows], [by], env).slice(0, n) };
    }
    case 'SortOperator': {
      checkParameters(ctx, node);
      return { cols: input.cols, rows: sortRows(ctx, [...input.rows], elements(node, 'Expressions'), env) };
    }
    case 'SummarizeOperator':
      return summarize(ctx, input, node, env);
    case 'JoinOperator':
      return join(ctx, input, node, lets);
    case 'DistinctOperator':
      return distinct(ctx, input, node, env);
    case 'CountOperator': {
      if (prop(node, 'AsIdentifier')) throw unsupportedOperator(ctx, node);
      let n = 0;
      for (const _ of input.rows) n++;
      return { cols: colsOf(node.ResultType), rows: [[n]] };
    }
    case 'UnionOperator':
      return union(ctx, input, node, lets);
    case 'SerializeOperator':
      if (elements(node, 'Expressions').length) throw unsupportedOperator(ctx, node);
      return input;
    default:
      throw unsupportedOperator(ctx, node);
  }
}

/** `name = expr` -> expr; anything else unchanged. */
function valueExpression(ctx: Ctx, node: KNode): KNode {
  if (kind(ctx, node) === 'SimpleNamedExpression') return prop(node, 'Expression') as KNode;
  return node;
}

function constCount(ctx: Ctx, node: KNode | null, lets: Lets): number {
  if (!node) return 0;
  const c = compileScalar(node, envFor(ctx, [], lets));
  if (!c.isConst) throw unsupported(`A non-constant row count '${snippet(ctx, node)}'`);
  const n = toNumberOrNull(c.fn(null));
  return n === null ? 0 : Math.max(0, Math.floor(n));
}

function project(ctx: Ctx, input: TableValue, node: KNode, lets: Lets): TableValue {
  const out = colsOf(node.ResultType);
  const exprs = elements(node, 'Expressions');
  if (exprs.length !== out.length) throw unsupportedOperator(ctx, node);
  const env = envFor(ctx, input.cols, lets);
  const fns = exprs.map((e) => compileScalar(valueExpression(ctx, e), env).fn);
  const src = input.rows;
  return {
    cols: out,
    rows: {
      *[Symbol.iterator]() {
        for (const r of src) yield fns.map((f) => f(r));
      },
    },
  };
}

function pickByName(ctx: Ctx, input: TableValue, node: KNode): TableValue {
  const out = colsOf(node.ResultType);
  const idx = out.map((c) => input.cols.findIndex((i) => i.name === c.name));
  if (idx.some((i) => i < 0)) throw unsupportedOperator(ctx, node);
  const src = input.rows;
  return {
    cols: out,
    rows: {
      *[Symbol.iterator]() {
        for (const r of src) yield idx.map((i) => r[i]);
      },
    },
  };
}

function extend(ctx: Ctx, input: TableValue, node: KNode, lets: Lets): TableValue {
  const out = colsOf(node.ResultType);
  const work: Col[] = input.cols.map((c) => ({ ...c }));
  const assigns: { index: number; fn: Getter }[] = [];
  let nextGenerated = input.cols.length;
  for (const e of elements(node, 'Expressions')) {
    const k = kind(ctx, e);
    let name: string | null = null;
    let valueNode = e;
    if (k === 'SimpleNamedExpression') {
      name = simpleName(prop(e, 'Name'));
      valueNode = prop(e, 'Expression') as KNode;
    } else if (k === 'NameReference' && symbolKindOf(ctx.k, e.ReferencedSymbol) === 'Column') {
      name = e.ReferencedSymbol?.Name ?? null;
    }
    // Later expressions may use columns defined earlier in the same extend.
    const c = compileScalar(valueNode, envFor(ctx, work.slice(), lets));
    let index = name === null ? -1 : work.findIndex((w) => w.name === name);
    if (index < 0) {
      if (name === null) name = out[nextGenerated]?.name ?? null;
      if (name === null) throw unsupportedOperator(ctx, node);
      index = work.length;
      work.push({ name, type: c.type });
      nextGenerated++;
    } else {
      work[index] = { name: work[index].name, type: c.type };
    }
    assigns.push({ index, fn: c.fn });
  }
  if (work.length !== out.length || work.some((w, i) => w.name !== out[i].name))
    throw unsupportedOperator(ctx, node);
  const width = out.length;
  const src = input.rows;
  return {
    cols: out,
    rows: {
      *[Symbol.iterator]() {
        for (const r of src) {
          const row = r.slice();
          row.length = width;
          for (const a of assigns) row[a.index] = a.fn(row);
          yield row;
        }
      },
    },
  };
}

interface SortKey {
  fn: Getter;
  desc: boolean;
  nullsFirst: boolean;
}

function orderKeys(ctx: Ctx, nodes: KNode[], env: Env): SortKey[] {
  return nodes.map((n) => {
    let expr = n;
    let desc = true;
    let nullsFirst: boolean | null = null;
    if (kind(ctx, n) === 'OrderedExpression') {
      expr = prop(n, 'Expression') as KNode;
      const ordering = prop(n, 'Ordering');
      const dir = ordering && prop(ordering, 'AscOrDescKeyword');
      if (dir?.Text?.toLowerCase() === 'asc') desc = false;
      const nulls = ordering && prop(ordering, 'NullsClause');
      const fl = nulls && prop(nulls, 'FirstOrLastKeyword');
      if (fl?.Text) nullsFirst = fl.Text.toLowerCase() === 'first';
    }
    // Kusto: ascending sorts put nulls first, descending last, unless told otherwise.
    return { fn: compileScalar(expr, env).fn, desc, nullsFirst: nullsFirst ?? !desc };
  });
}

function sortRows(ctx: Ctx, rows: unknown[][], nodes: KNode[], env: Env): unknown[][] {
  const keys = orderKeys(ctx, nodes, env);
  const decorated = rows.map((r) => ({ r, k: keys.map((key) => key.fn(r)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const x = a.k[i];
      const y = b.k[i];
      const xn = x === null || x === undefined;
      const yn = y === null || y === undefined;
      if (xn || yn) {
        if (xn && yn) continue;
        return xn === keys[i].nullsFirst ? -1 : 1;
      }
      const c = compareValues(x, y);
      if (c !== 0) return keys[i].desc ? -c : c;
    }
    return 0;
  });
  return decorated.map((d) => d.r);
}

function rowKey(values: readonly unknown[]): string {
  let s = '';
  for (const v of values) s += `${valueKey(v)}\u0001`;
  return s;
}

function summarize(ctx: Ctx, input: TableValue, node: KNode, env: Env): TableValue {
  checkParameters(ctx, node);
  const out = colsOf(node.ResultType);
  const byClause = prop(node, 'ByClause');
  const byNodes = byClause ? elements(byClause, 'Expressions') : [];
  const byFns = byNodes.map((b) => compileScalar(valueExpression(ctx, b), env).fn);
  const aggs = elements(node, 'Aggregates').map((a) => {
    const call = valueExpression(ctx, a);
    const tuple = listItems(call.ResultType?.Columns);
    const width = call.ResultType?.Name === 'tuple' || tuple.length > 0 ? tuple.length : 1;
    return compileAggregateExpression(call, env, width);
  });
  const width = byFns.length + aggs.reduce((s, a) => s + a.width, 0);
  if (width !== out.length) throw unsupportedOperator(ctx, node);
  const groups = new Map<
    string,
    { keys: unknown[]; states: ReturnType<(typeof aggs)[number]['create']>[] }
  >();
  for (const r of input.rows) {
    const keys = byFns.map((f) => f(r));
    const key = rowKey(keys);
    let g = groups.get(key);
    if (!g) {
      g = { keys, states: aggs.map((a) => a.create()) };
      groups.set(key, g);
    }
    for (const s of g.states) s.add(r);
  }
  if (groups.size === 0 && byFns.length === 0)
    groups.set('', { keys: [], states: aggs.map((a) => a.create()) });
  const rows: unknown[][] = [];
  for (const g of groups.values()) {
    const row = g.keys.slice();
    for (const s of g.states) row.push(...s.result());
    rows.push(row);
  }
  return { cols: out, rows };
}

function distinct(ctx: Ctx, input: TableValue, node: KNode, env: Env): TableValue {
  checkParameters(ctx, node);
  const out = colsOf(node.ResultType);
  const exprs = elements(node, 'Expressions');
  const star = exprs.length === 1 && kind(ctx, exprs[0]) === 'StarExpression';
  const fns = star
    ? input.cols.map((_, i) => arrayGetter(i))
    : exprs.map((e) => compileScalar(valueExpression(ctx, e), env).fn);
  if (fns.length !== out.length) throw unsupportedOperator(ctx, node);
  const seen = new Set<string>();
  const rows: unknown[][] = [];
  for (const r of input.rows) {
    const values = fns.map((f) => f(r));
    const key = rowKey(values);
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push(values);
  }
  return { cols: out, rows };
}

const JOIN_KINDS = new Set([
  'innerunique',
  'inner',
  'leftouter',
  'rightouter',
  'fullouter',
  'leftanti',
  'anti',
  'leftantisemi',
  'rightanti',
  'rightantisemi',
  'leftsemi',
  'rightsemi',
]);

function join(ctx: Ctx, left: TableValue, node: KNode, lets: Lets): TableValue {
  const params = checkParameters(ctx, node, ['kind']);
  let joinKind = (params.get('kind') ?? 'innerunique').toLowerCase();
  if (!JOIN_KINDS.has(joinKind)) throw unsupported(`The join kind '${joinKind}'`);
  if (joinKind === 'anti' || joinKind === 'leftantisemi') joinKind = 'leftanti';
  if (joinKind === 'rightantisemi') joinKind = 'rightanti';
  const rightNode = prop(node, 'Expression');
  if (!rightNode) throw unsupportedOperator(ctx, node);
  const right = evalTabular(ctx, rightNode, lets);
  const clause = prop(node, 'ConditionClause');
  if (!clause || kind(ctx, clause) !== 'JoinOnClause') throw unsupported("A join without an 'on' clause");

  const leftKeys: number[] = [];
  const rightKeys: number[] = [];
  const sideOf = (n: KNode | null): { side: string; col: string } | null => {
    if (!n || kind(ctx, n) !== 'PathExpression') return null;
    const base = prop(n, 'Expression');
    const side = base ? ctx.text.slice(base.TextStart, base.End).trim().toLowerCase() : '';
    return { side, col: simpleName(prop(n, 'Selector')) };
  };
  for (const e of elements(clause, 'Expressions')) {
    const k = kind(ctx, e);
    let l: string | null = null;
    let r: string | null = null;
    if (k === 'NameReference') {
      l = r = simpleName(e);
    } else if (k === 'EqualExpression') {
      const a = sideOf(prop(e, 'Left'));
      const b = sideOf(prop(e, 'Right'));
      if (a && b && a.side === '$left' && b.side === '$right') [l, r] = [a.col, b.col];
      else if (a && b && a.side === '$right' && b.side === '$left') [l, r] = [b.col, a.col];
    }
    const li = l === null ? -1 : left.cols.findIndex((c) => c.name === l);
    const ri = r === null ? -1 : right.cols.findIndex((c) => c.name === r);
    if (li < 0 || ri < 0) throw unsupported(`The join condition '${snippet(ctx, e)}'`);
    leftKeys.push(li);
    rightKeys.push(ri);
  }

  const out = colsOf(node.ResultType);
  const leftOnly = joinKind === 'leftanti' || joinKind === 'leftsemi';
  const rightOnly = joinKind === 'rightanti' || joinKind === 'rightsemi';
  const expected = leftOnly
    ? left.cols.length
    : rightOnly
      ? right.cols.length
      : left.cols.length + right.cols.length;
  if (out.length !== expected) throw unsupportedOperator(ctx, node);

  const keyOf = (row: unknown[], idx: number[]): string | null => {
    let s = '';
    for (const i of idx) {
      const v = row[i];
      if (v === null || v === undefined) return null; // null keys never match
      s += `${valueKey(v)}\u0001`;
    }
    return s;
  };
  const rightRows = [...right.rows];
  const byKey = new Map<string, unknown[][]>();
  for (const r of rightRows) {
    const key = keyOf(r, rightKeys);
    if (key === null) continue;
    const list = byKey.get(key);
    if (list) list.push(r);
    else byKey.set(key, [r]);
  }
  const rightNulls: unknown[] = right.cols.map(() => null);
  const leftNulls: unknown[] = left.cols.map(() => null);
  const rows: unknown[][] = [];
  const matchedRight = new Set<unknown[]>();
  const seenLeftKeys = new Set<string>();
  for (const l of left.rows) {
    const key = keyOf(l, leftKeys);
    if (joinKind === 'innerunique' && key !== null) {
      if (seenLeftKeys.has(key)) continue;
      seenLeftKeys.add(key);
    }
    const matches = key === null ? undefined : byKey.get(key);
    switch (joinKind) {
      case 'leftanti':
        if (!matches) rows.push(l);
        break;
      case 'leftsemi':
        if (matches) rows.push(l);
        break;
      case 'rightanti':
      case 'rightsemi':
        if (matches) for (const r of matches) matchedRight.add(r);
        break;
      default:
        if (matches) {
          charge(ctx, matches.length);
          for (const r of matches) {
            rows.push(l.concat(r));
            matchedRight.add(r);
          }
        } else if (joinKind === 'leftouter' || joinKind === 'fullouter') {
          rows.push(l.concat(rightNulls));
        }
    }
  }
  if (joinKind === 'rightouter' || joinKind === 'fullouter') {
    for (const r of rightRows) if (!matchedRight.has(r)) rows.push(leftNulls.concat(r));
  } else if (joinKind === 'rightsemi') {
    for (const r of rightRows) if (matchedRight.has(r)) rows.push(r);
  } else if (joinKind === 'rightanti') {
    for (const r of rightRows) if (!matchedRight.has(r)) rows.push(r);
  }
  return { cols: out, rows };
}

function union(ctx: Ctx, input: TableValue | null, node: KNode, lets: Lets): TableValue {
  const params = checkParameters(ctx, node, ['kind', 'isfuzzy']);
  if ((params.get('kind') ?? 'outer').toLowerCase() !== 'outer') throw unsupported('union kind=inner');
  const out = colsOf(node.ResultType);
  const sources: TableValue[] = input ? [input] : [];
  for (const e of elements(node, 'Expressions')) {
    const k = kind(ctx, e);
    if (k !== 'NameReference' && k !== 'ParenthesizedExpression' && k !== 'PipeExpression') {
      throw unsupported(`The union source '${snippet(ctx, e)}'`);
    }
    sources.push(evalTabular(ctx, e, lets));
  }
  const maps = sources.map((s) =>
    s.cols.map((c) => {
      let i = out.findIndex((o) => o.name === c.name && o.type === c.type);
      if (i < 0) i = out.findIndex((o) => o.name === `${c.name}_${c.type}`);
      if (i < 0) throw unsupportedOperator(ctx, node);
      return i;
    }),
  );
  const width = out.length;
  return {
    cols: out,
    rows: {
      *[Symbol.iterator]() {
        for (let s = 0; s < sources.length; s++) {
          const map = maps[s];
          for (const r of sources[s].rows) {
            const row = new Array<unknown>(width).fill(null);
            for (let i = 0; i < map.length; i++) row[map[i]] = r[i];
            yield row;
          }
        }
      },
    },
  };
}
