/** Aggregation functions of `summarize`. */
import { type Env, type Getter, snippet, unsupported } from './context.js';
import { type KNode, kindOf, listItems } from './kusto.js';
import { callArgs, compileScalar, findColumn, functionName, isScalarFunction } from './scalar.js';
import type { KqlType } from './types.js';
import { compareValues, toJsonValue, toKqlType, toNumberOrNull, valueKey } from './values.js';

export interface AggState {
  add(row: unknown): void;
  /** `width` values, in output column order. */
  result(): unknown[];
}

export interface AggFactory {
  width: number;
  create(): AggState;
}

const DEFAULT_SET_SIZE = 1_048_576;

function num(v: unknown): number | null {
  return typeof v === 'number' ? v : toNumberOrNull(v);
}

/** A single-column aggregate from add/result closures. */
function single(create: () => { add(row: unknown): void; value(): unknown }): AggFactory {
  return {
    width: 1,
    create() {
      const s = create();
      return { add: (r) => s.add(r), result: () => [s.value()] };
    },
  };
}

const always: Getter = () => true;

const AGGREGATES = new Set([
  'count',
  'countif',
  'dcount',
  'dcountif',
  'count_distinct',
  'count_distinctif',
  'sum',
  'sumif',
  'avg',
  'avgif',
  'min',
  'max',
  'minif',
  'maxif',
  'make_set',
  'make_set_if',
  'make_list',
  'make_list_if',
  'make_list_with_nulls',
  'arg_max',
  'arg_min',
  'take_any',
  'any',
]);

function isAggregateCall(env: Env, node: KNode): boolean {
  if (kindOf(env.ctx.k, node) !== 'FunctionCallExpression') return false;
  const sym = node.ReferencedSymbol;
  return !!sym && AGGREGATES.has(functionName(node));
}

/**
 * Compiles one `summarize` aggregate: an aggregate call, or a scalar expression over aggregate calls
 * (`count() * 2`, `tostring(make_set(x))`).
 */
export function compileAggregateExpression(expr: KNode, env: Env, width: number): AggFactory {
  const isCall = kindOf(env.ctx.k, expr) === 'FunctionCallExpression';
  if (isCall && (isAggregateCall(env, expr) || !isScalarFunction(functionName(expr)))) {
    return compileAggregate(expr, env, width);
  }
  if (width !== 1) throw unsupported(`The aggregation expression '${snippet(env.ctx, expr)}'`);
  const inner: AggFactory[] = [];
  const outer = compileScalar(expr, {
    ctx: env.ctx,
    cols: [],
    lets: env.lets,
    getter: () => {
      throw unsupported(`The aggregation expression '${snippet(env.ctx, expr)}'`);
    },
    override: (node) => {
      if (!isAggregateCall(env, node)) return undefined;
      const slot = inner.length;
      const agg = compileAggregate(node, env, 1);
      if (agg.width !== 1) throw unsupported(`The aggregation expression '${snippet(env.ctx, expr)}'`);
      inner.push(agg);
      return {
        fn: (row) => (row as unknown[])[slot],
        type: toKqlType(node.ResultType?.Name),
        isConst: false,
      };
    },
  });
  if (inner.length === 0) throw unsupported(`The aggregation expression '${snippet(env.ctx, expr)}'`);
  return {
    width: 1,
    create() {
      const states = inner.map((a) => a.create());
      return {
        add: (r) => {
          for (const s of states) s.add(r);
        },
        result: () => [outer.fn(states.map((s) => s.result()[0]))],
      };
    },
  };
}

/**
 * Compiles one aggregate call. `width` is how many output columns the analyzer gave it (arg_max and
 * friends return several); `byNames` are the names of plain-column `by` keys (excluded from `*`).
 */
export function compileAggregate(call: KNode, env: Env, width: number): AggFactory {
  const k = env.ctx.k;
  if (kindOf(k, call) !== 'FunctionCallExpression') {
    throw unsupported(`The aggregation expression '${snippet(env.ctx, call)}'`);
  }
  const name = functionName(call);
  const argNodes = callArgs(call);
  const isStar = (n: KNode | undefined) => !!n && kindOf(k, n) === 'StarExpression';
  const compile = (i: number) => {
    const n = argNodes[i];
    if (!n || isStar(n)) throw unsupported(`'${name}' with these arguments`);
    return compileScalar(n, env);
  };
  const optional = (i: number) => (argNodes[i] ? compile(i) : null);
  const constInt = (i: number, dflt: number) => {
    const c = optional(i);
    if (!c) return dflt;
    if (!c.isConst) throw unsupported(`A non-constant size limit in '${name}'`);
    return num(c.fn(null)) ?? dflt;
  };

  switch (name) {
    case 'count':
    case 'countif': {
      const pred = name === 'countif' ? compile(0).fn : always;
      return single(() => {
        let n = 0;
        return {
          add: (r) => {
            if (pred(r) === true) n++;
          },
          value: () => n,
        };
      });
    }
    case 'dcount':
    case 'dcountif':
    case 'count_distinct':
    case 'count_distinctif': {
      const e = compile(0).fn;
      const pred = name.endsWith('if') ? compile(1).fn : always;
      return single(() => {
        const seen = new Set<string>();
        return {
          add: (r) => {
            if (pred(r) !== true) return;
            const v = e(r);
            if (v !== null && v !== undefined) seen.add(valueKey(v));
          },
          value: () => seen.size,
        };
      });
    }
    case 'sum':
    case 'sumif':
    case 'avg':
    case 'avgif': {
      const e = compile(0).fn;
      const pred = name.endsWith('if') ? compile(1).fn : always;
      const avg = name.startsWith('avg');
      return single(() => {
        let total = 0;
        let n = 0;
        return {
          add: (r) => {
            if (pred(r) !== true) return;
            const v = num(e(r));
            if (v === null) return;
            total += v;
            n++;
          },
          value: () => (n === 0 ? null : avg ? total / n : total),
        };
      });
    }
    case 'min':
    case 'max':
    case 'minif':
    case 'maxif': {
      const e = compile(0).fn;
      const pred = name.endsWith('if') ? compile(1).fn : always;
      const sign = name.startsWith('max') ? 1 : -1;
      return single(() => {
        let best: unknown = null;
        return {
          add: (r) => {
            if (pred(r) !== true) return;
            const v = e(r);
            if (v === null || v === undefined) return;
            if (best === null || compareValues(v, best) * sign > 0) best = v;
          },
          value: () => best,
        };
      });
    }
    case 'make_set':
    case 'make_set_if':
    case 'make_list':
    case 'make_list_if':
    case 'make_list_with_nulls': {
      const c = compile(0);
      const e = c.fn;
      const type: KqlType = c.type;
      const isIf = name.endsWith('_if');
      const pred = isIf ? compile(1).fn : always;
      const max = constInt(isIf ? 2 : 1, DEFAULT_SET_SIZE);
      const set = name.startsWith('make_set');
      const keepNulls = name === 'make_list_with_nulls';
      return single(() => {
        const out: unknown[] = [];
        const seen = new Set<string>();
        return {
          add: (r) => {
            if (out.length >= max || pred(r) !== true) return;
            const v = e(r);
            if ((v === null || v === undefined) && !keepNulls) return;
            const j = toJsonValue(v, type);
            if (set) {
              // make_set over a dynamic array adds its elements
              const items = Array.isArray(j) && type === 'dynamic' ? j : [j];
              for (const item of items) {
                const key = valueKey(item);
                if (!seen.has(key) && out.length < max) {
                  seen.add(key);
                  out.push(item);
                }
              }
            } else if (Array.isArray(j) && type === 'dynamic') {
              out.push(...j);
            } else {
              out.push(j);
            }
          },
          value: () => out,
        };
      });
    }
    case 'arg_max':
    case 'arg_min':
      return argExtreme(call, env, width, name === 'arg_max' ? 1 : -1);
    case 'take_any':
    case 'any':
      return takeAny(call, env, width);
    default:
      throw unsupported(`The aggregation function '${name}'`);
  }
}

/** Getters for the extra columns of arg_max/arg_min/take_any (explicit expressions, or `*`). */
function extraColumns(call: KNode, env: Env, from: number, width: number, skip: number): Getter[] {
  const k = env.ctx.k;
  const args = callArgs(call).slice(from);
  const hasStar = args.some((a) => kindOf(k, a) === 'StarExpression');
  if (!hasStar) {
    const getters = args.map((a) => compileScalar(a, env).fn);
    if (getters.length + skip !== width) throw unsupported(`The aggregation '${snippet(env.ctx, call)}'`);
    return getters;
  }
  if (args.length !== 1) throw unsupported(`'*' mixed with columns in '${snippet(env.ctx, call)}'`);
  // The tuple's column names (before the analyzer de-duplicates them against other output columns) are
  // the input columns `*` expanded to.
  const tupleCols = listItems(call.ResultType?.Columns);
  if (tupleCols.length !== width) throw unsupported(`The aggregation '${snippet(env.ctx, call)}'`);
  return tupleCols.slice(skip).map((c) => {
    const i = findColumn(env, c.Name);
    if (i < 0) throw unsupported(`The aggregation '${snippet(env.ctx, call)}'`);
    return env.getter(i);
  });
}

function argExtreme(call: KNode, env: Env, width: number, sign: number): AggFactory {
  const args = callArgs(call);
  if (args.length < 1) throw unsupported(`The aggregation '${snippet(env.ctx, call)}'`);
  const target = compileScalar(args[0], env).fn;
  const extras = args.length > 1 ? extraColumns(call, env, 1, width, 1) : [];
  if (extras.length + 1 !== width) throw unsupported(`The aggregation '${snippet(env.ctx, call)}'`);
  return {
    width,
    create() {
      let best: unknown = null;
      let values: unknown[] | null = null;
      return {
        add(r) {
          const v = target(r);
          if (v === null || v === undefined) return;
          if (best === null || compareValues(v, best) * sign > 0) {
            best = v;
            values = extras.map((g) => g(r));
          }
        },
        result: () => [best, ...(values ?? extras.map(() => null))],
      };
    },
  };
}

function takeAny(call: KNode, env: Env, width: number): AggFactory {
  const getters = extraColumns(call, env, 0, width, 0);
  return {
    width,
    create() {
      let values: unknown[] | null = null;
      return {
        add(r) {
          if (!values) values = getters.map((g) => g(r));
        },
        result: () => values ?? getters.map(() => null),
      };
    },
  };
}
