/**
 * Scan hints from the `where` clauses that directly follow a table reference.
 *
 * Only conjunctions are looked at; anything not understood is simply not a hint (the engine applies every
 * predicate itself, so hints only need to be a superset of the matching rows):
 *   Timestamp >|>=|<|<=|== <constant>   (either side), Timestamp between (<constant> .. <constant>)
 *   DeviceId == 'x', DeviceId in ('a', 'b')                       -> deviceIds (exact)
 *   DeviceName ==|=~ 'x', DeviceName in|in~ ('a', 'b')            -> deviceNames (case-insensitive)
 */
import type { Ctx, Env, Lets } from './context.js';
import { elements, type KNode, kindOf, prop, symbolKindOf } from './kusto.js';
import { compileScalar } from './scalar.js';
import type { ScanHints, TableSource } from './types.js';
import { flattenList } from './values.js';

interface Filter {
  node: KNode;
  lets: Lets;
}

const NONE = Symbol('none');

function conjuncts(ctx: Ctx, node: KNode, out: KNode[]): void {
  const k = kindOf(ctx.k, node);
  if (k === 'AndExpression') {
    const l = prop(node, 'Left');
    const r = prop(node, 'Right');
    if (l) conjuncts(ctx, l, out);
    if (r) conjuncts(ctx, r, out);
  } else if (k === 'ParenthesizedExpression') {
    const e = prop(node, 'Expression');
    if (e) conjuncts(ctx, e, out);
  } else {
    out.push(node);
  }
}

function columnName(ctx: Ctx, node: KNode | null): string | null {
  if (!node) return null;
  const k = kindOf(ctx.k, node);
  if (k === 'ParenthesizedExpression') return columnName(ctx, prop(node, 'Expression'));
  if (k !== 'NameReference') return null;
  return symbolKindOf(ctx.k, node.ReferencedSymbol) === 'Column'
    ? (node.ReferencedSymbol?.Name ?? null)
    : null;
}

/** The value of an expression that references no column, or NONE. */
function constantValue(ctx: Ctx, node: KNode | null, lets: Lets): unknown {
  if (!node) return NONE;
  const env: Env = {
    ctx,
    cols: [],
    lets,
    getter: () => {
      throw new Error('not constant');
    },
  };
  try {
    const c = compileScalar(node, env);
    return c.isConst ? c.fn(null) : NONE;
  } catch {
    return NONE;
  }
}

function listConstants(ctx: Ctx, node: KNode | null, lets: Lets): unknown[] | null {
  if (!node) return null;
  const items = kindOf(ctx.k, node) === 'ExpressionList' ? elements(node, 'Expressions') : [node];
  const values: unknown[] = [];
  for (const item of items) {
    if (item.ResultType && symbolKindOf(ctx.k, item.ResultType) === 'Table') return null;
    const v = constantValue(ctx, item, lets);
    if (v === NONE) return null;
    values.push(v);
  }
  return flattenList(values);
}

const FLIP: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '=~': '=~' };

export function extractHints(ctx: Ctx, table: TableSource, filters: readonly Filter[]): ScanHints {
  const hasCol = (name: string, type?: string) =>
    table.columns.some(([n, t]) => n === name && (!type || t === type));
  const hasTimestamp = hasCol('Timestamp', 'datetime');
  let fromMs = Number.NEGATIVE_INFINITY;
  let toMs = Number.POSITIVE_INFINITY;
  let deviceIds: Set<string> | null = null;
  let deviceNames: Set<string> | null = null;

  const addIds = (values: unknown[]) => {
    const next = new Set(values.filter((v): v is string => typeof v === 'string'));
    deviceIds = deviceIds ? new Set([...deviceIds].filter((v) => next.has(v))) : next;
  };
  const addNames = (values: unknown[]) => {
    const next = new Set(
      values.filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase()),
    );
    deviceNames = deviceNames ? new Set([...deviceNames].filter((v) => next.has(v))) : next;
  };
  const time = (op: string, v: unknown) => {
    if (typeof v !== 'number' || Number.isNaN(v)) return;
    if (op === '>' || op === '>=' || op === '==') fromMs = Math.max(fromMs, v);
    if (op === '<' || op === '<=' || op === '==') toMs = Math.min(toMs, v);
  };

  for (const f of filters) {
    const cond = prop(f.node, 'Condition');
    if (!cond) continue;
    const parts: KNode[] = [];
    conjuncts(ctx, cond, parts);
    for (const part of parts) {
      const k = kindOf(ctx.k, part);
      const opText = (prop(part, 'Operator')?.Text ?? '').trim().toLowerCase();
      if (k === 'BetweenExpression') {
        if (columnName(ctx, prop(part, 'Left')) !== 'Timestamp' || !hasTimestamp) continue;
        const couple = prop(part, 'Right');
        const lo = constantValue(ctx, couple && prop(couple, 'First'), f.lets);
        const hi = constantValue(ctx, couple && prop(couple, 'Second'), f.lets);
        const second = couple && prop(couple, 'Second');
        if (typeof lo === 'number') {
          time('>=', lo);
          if (typeof hi === 'number') {
            const relative = second?.ResultType?.Name === 'timespan';
            time('<=', relative ? lo + hi : hi);
          }
        }
        continue;
      }
      if (k === 'InExpression' || k === 'InCsExpression') {
        const col = columnName(ctx, prop(part, 'Left'));
        const values = col ? listConstants(ctx, prop(part, 'Right'), f.lets) : null;
        if (!values) continue;
        if (col === 'DeviceId' && opText === 'in' && hasCol('DeviceId')) addIds(values);
        if (col === 'DeviceName' && hasCol('DeviceName')) addNames(values);
        continue;
      }
      if (!(opText in FLIP)) continue;
      let col = columnName(ctx, prop(part, 'Left'));
      let other = prop(part, 'Right');
      let op = opText;
      if (!col) {
        col = columnName(ctx, prop(part, 'Right'));
        other = prop(part, 'Left');
        op = FLIP[opText];
      }
      if (!col) continue;
      if (col === 'Timestamp' && hasTimestamp && op !== '=~') {
        time(op, constantValue(ctx, other, f.lets));
      } else if (col === 'DeviceId' && op === '==' && hasCol('DeviceId')) {
        const v = constantValue(ctx, other, f.lets);
        if (typeof v === 'string') addIds([v]);
      } else if (col === 'DeviceName' && (op === '==' || op === '=~') && hasCol('DeviceName')) {
        const v = constantValue(ctx, other, f.lets);
        if (typeof v === 'string') addNames([v]);
      }
    }
  }

  const hints: ScanHints = {};
  if (hasTimestamp) {
    // Hunting only sees its window (the last 30 days unless the caller narrowed it).
    const from = Math.max(fromMs, ctx.windowFromMs);
    const to = Math.min(toMs, ctx.windowToMs ?? Number.POSITIVE_INFINITY);
    if (Number.isFinite(from)) hints.fromMs = from;
    if (Number.isFinite(to)) hints.toMs = to;
  }
  const ids = deviceIds as Set<string> | null;
  const names = deviceNames as Set<string> | null;
  if (ids) hints.deviceIds = [...ids];
  if (names) hints.deviceNames = [...names];
  return hints;
}
