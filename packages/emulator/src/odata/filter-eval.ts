/**
 * `$filter` AST → predicate, type-checked against an `EntitySetSpec` before any item is looked at (so a bad
 * filter fails even on an empty collection).
 *
 * Semantics (see ASSUMPTIONS.md):
 * - Property names match case-insensitively (docs use `computerDnsName` and `ComputerDnsName`); operator
 *   keywords, function names, `true`/`false`/`null` and lambda variables are case-sensitive, as in OData.
 * - String comparisons (`eq ne gt ge lt le in`, `startswith`, `endswith`, `contains`) ignore case, like the
 *   case-insensitive SQL collation behind Defender's API. Ordering compares the lower-cased strings by
 *   UTF-16 code unit. GUIDs are strings here (a GUID literal may be compared with a string property and a
 *   GUID property with a quoted string).
 * - Datetimes compare as instants (epoch ms; sub-millisecond digits truncated). A datetime may only be
 *   compared with a datetime literal/property or null; numbers only with numbers; booleans with booleans.
 * - Null: `x eq null` is true for null/missing values; `eq` with one null side is false and `ne` true
 *   (OData/C# semantics, not SQL three-valued NULL); `gt ge lt le` with a null side are false. Functions
 *   with a null argument yield false (`startswith`...) or null (`tolower`...). `and`/`or`/`not` are
 *   three-valued; an item matches only when the whole expression is `true`.
 * - `any()` on a null collection is false, `all()` true.
 */
import { errors } from '../errors.js';
import { toInstant } from './datetime.js';
import { quoteFilter } from './filter-lexer.js';
import { type CompareOp, type FilterNode, parseFilter } from './filter-parser.js';
import type { EntitySetSpec, ODataProperty, ODataPropertyType } from './types.js';

type StaticType = ODataPropertyType | 'null';
type Fn = (item: unknown, env: unknown[]) => unknown;

interface Compiled {
  type: StaticType;
  /** How error messages name this operand: `property 'lastSeen'`, `literal 'x'`, ... */
  desc: string;
  fn: Fn;
  /** True when `fn` ignores the item (literals, functions of literals): evaluated once. */
  constant: boolean;
}

interface PropertyEntry<T> {
  name: string;
  prop: ODataProperty<T>;
}

const TYPE_LABEL: Record<StaticType, string> = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  datetime: 'datetime (Edm.DateTimeOffset)',
  guid: 'guid',
  stringCollection: 'collection of strings',
  null: 'null',
};

const indexCache = new WeakMap<object, Map<string, PropertyEntry<never>>>();

/** Case-insensitive lookup table for a property record (cached per record object). */
export function propertyIndex<T>(props: Record<string, ODataProperty<T>>): Map<string, PropertyEntry<T>> {
  let index = indexCache.get(props) as Map<string, PropertyEntry<T>> | undefined;
  if (!index) {
    index = new Map();
    for (const [name, prop] of Object.entries(props)) index.set(name.toLowerCase(), { name, prop });
    indexCache.set(props, index as Map<string, PropertyEntry<never>>);
  }
  return index;
}

/** Reads a property value as the runtime representation of its declared type. */
export function propertyReader<T>(entry: PropertyEntry<T>): (item: T) => unknown {
  const get = entry.prop.get;
  switch (entry.prop.type) {
    case 'string':
    case 'guid':
      return (item) => asString(get(item));
    case 'number':
      return (item) => asNumber(get(item));
    case 'boolean':
      return (item) => {
        const v = get(item);
        return typeof v === 'boolean' ? v : null;
      };
    case 'datetime':
      return (item) => toInstant(get(item));
    case 'stringCollection':
      return (item) => {
        const v = get(item);
        return Array.isArray(v) ? v : null;
      };
  }
}

function asString(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return null;
}

function asNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isNaN(v) ? null : v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isNaN(n) ? null : n;
  }
  return null;
}

const STRING_FUNCTIONS: Record<string, number> = {
  startswith: 2,
  endswith: 2,
  contains: 2,
  tolower: 1,
  toupper: 1,
};
const UNSUPPORTED_FUNCTIONS = new Set([
  'length',
  'indexof',
  'substring',
  'substringof',
  'trim',
  'concat',
  'matchespattern',
  'year',
  'month',
  'day',
  'hour',
  'minute',
  'second',
  'fractionalseconds',
  'totalseconds',
  'totaloffsetminutes',
  'date',
  'time',
  'now',
  'maxdatetime',
  'mindatetime',
  'round',
  'floor',
  'ceiling',
  'cast',
  'isof',
  'hassubset',
  'hassubsequence',
  'case',
]);

type Category = 'string' | 'number' | 'datetime' | 'boolean' | 'null';

function category(t: StaticType): Category | null {
  switch (t) {
    case 'string':
    case 'guid':
      return 'string';
    case 'stringCollection':
      return null;
    default:
      return t;
  }
}

/** Normalises a runtime value of a category for comparison (strings lower-cased; wrong types → null). */
const NORMALISE: Record<Category, (v: unknown) => unknown> = {
  string: (v) => (typeof v === 'string' ? v.toLowerCase() : null),
  number: (v) => (typeof v === 'number' ? v : null),
  datetime: (v) => (typeof v === 'number' ? v : null),
  boolean: (v) => (typeof v === 'boolean' ? v : null),
  null: () => null,
};

type Scalar = string | number | boolean | null | undefined;

const COMPARATORS: Record<CompareOp, (a: Scalar, b: Scalar) => boolean> = {
  eq: (a, b) => (a == null || b == null ? a == null && b == null : a === b),
  ne: (a, b) => (a == null || b == null ? !(a == null && b == null) : a !== b),
  gt: (a, b) => a != null && b != null && a > b,
  ge: (a, b) => a != null && b != null && a >= b,
  lt: (a, b) => a != null && b != null && a < b,
  le: (a, b) => a != null && b != null && a <= b,
};

class Compiler<T> {
  private readonly index: Map<string, PropertyEntry<T>>;
  /** Lambda variables in scope, innermost last; a variable's slot is its position here. */
  private readonly scope: string[] = [];

  constructor(
    private readonly spec: EntitySetSpec<T>,
    private readonly text: string | undefined,
  ) {
    this.index = propertyIndex(spec.filterable);
  }

  private where(pos: number): string {
    return this.text === undefined ? `position ${pos}` : `position ${pos} of ${quoteFilter(this.text)}`;
  }

  compileBoolean(node: FilterNode, context: string): Compiled {
    const c = this.compile(node);
    if (c.type !== 'boolean') {
      throw errors.odata(
        `${context} must be a boolean expression, but ${c.desc} is ${article(TYPE_LABEL[c.type])} (${this.where(node.pos)})`,
      );
    }
    return c;
  }

  compile(node: FilterNode): Compiled {
    switch (node.kind) {
      case 'literal': {
        const value = node.value;
        const type: StaticType = node.type;
        return { type, desc: `the literal ${node.text}`, fn: () => value, constant: true };
      }
      case 'member':
        return this.member(node.path, node.pos);
      case 'lambda':
        return this.lambda(node);
      case 'call':
        return this.call(node);
      case 'compare':
        return this.compare(node.op, node.left, node.right, node.pos);
      case 'in':
        return this.in(node.left, node.items, node.pos);
      case 'not': {
        const operand = this.compileBoolean(
          node.operand,
          "The operand of 'not' (which binds tighter than comparisons: write not (a eq b))",
        ).fn;
        return {
          type: 'boolean',
          desc: "a 'not' expression",
          constant: false,
          fn: (item, env) => {
            const v = operand(item, env);
            return v === true ? false : v === false ? true : null;
          },
        };
      }
      case 'and':
      case 'or': {
        const fns = node.operands.map((o) => this.compileBoolean(o, `Each operand of '${node.kind}'`).fn);
        const stop = node.kind === 'or';
        return {
          type: 'boolean',
          desc: `an '${node.kind}' expression`,
          constant: false,
          fn: (item, env) => {
            let unknown = false;
            for (const f of fns) {
              const v = f(item, env);
              if (v === stop) return stop;
              if (v !== !stop) unknown = true;
            }
            return unknown ? null : !stop;
          },
        };
      }
    }
  }

  private unknownProperty(name: string, pos: number): never {
    const names = [...this.index.values()].map((e) => e.name).join(', ');
    throw errors.odata(
      `The property '${name}' is not supported in $filter for ${this.spec.entitySet} (${this.where(pos)}). ` +
        `Filterable properties: ${names || '(none)'}`,
    );
  }

  private member(path: string[], pos: number): Compiled {
    const [head] = path;
    const slot = this.scope.lastIndexOf(head);
    if (slot >= 0) {
      if (path.length > 1) {
        throw errors.odata(
          `'${path.join('/')}' is not supported: the lambda variable '${head}' is a string and has no properties (${this.where(pos)})`,
        );
      }
      return {
        type: 'string',
        desc: `the lambda variable '${head}'`,
        constant: false,
        fn: (_item, env) => asString(env[slot]),
      };
    }
    if (path.length > 1) this.unknownProperty(path.join('/'), pos);
    const entry = this.index.get(head.toLowerCase());
    if (!entry) this.unknownProperty(head, pos);
    const read = propertyReader(entry) as (item: unknown) => unknown;
    return {
      type: entry.prop.type,
      desc: `the property '${entry.name}'`,
      constant: false,
      fn: (item) => read(item),
    };
  }

  private lambda(node: Extract<FilterNode, { kind: 'lambda' }>): Compiled {
    const collection = this.member(node.path, node.pos);
    if (collection.type !== 'stringCollection') {
      throw errors.odata(
        `${node.op}() can only be applied to a collection property, but ${collection.desc} is ${article(TYPE_LABEL[collection.type])} (${this.where(node.pos)})`,
      );
    }
    const getColl = collection.fn;
    if (node.body === null || node.variable === null) {
      return {
        type: 'boolean',
        desc: `${node.op}()`,
        constant: false,
        fn: (item, env) => {
          const coll = getColl(item, env) as unknown[] | null;
          return coll !== null && coll.length > 0;
        },
      };
    }
    const slot = this.scope.length;
    this.scope.push(node.variable);
    let body: Fn;
    try {
      body = this.compileBoolean(node.body, `The body of ${node.op}()`).fn;
    } finally {
      this.scope.pop();
    }
    const isAny = node.op === 'any';
    return {
      type: 'boolean',
      desc: `${node.op}()`,
      constant: false,
      fn: (item, env) => {
        const coll = getColl(item, env) as unknown[] | null;
        if (coll === null) return !isAny;
        for (const element of coll) {
          env[slot] = element;
          const v = body(item, env) === true;
          if (v === isAny) return isAny;
        }
        return !isAny;
      },
    };
  }

  private call(node: Extract<FilterNode, { kind: 'call' }>): Compiled {
    const { name } = node;
    const arity = Object.hasOwn(STRING_FUNCTIONS, name) ? STRING_FUNCTIONS[name] : undefined;
    if (arity === undefined) {
      const lower = name.toLowerCase();
      if (Object.hasOwn(STRING_FUNCTIONS, lower)) {
        throw errors.odata(
          `Unknown function '${name}' in $filter (function names are case-sensitive: use '${lower}') (${this.where(node.pos)})`,
        );
      }
      if (UNSUPPORTED_FUNCTIONS.has(lower)) {
        const hint = lower === 'substringof' ? "; use contains(property,'text')" : '';
        throw errors.odata(
          `The function '${name}' is not supported in $filter${hint} (${this.where(node.pos)})`,
        );
      }
      throw errors.odata(
        `Unknown function '${name}' in $filter; supported: ${Object.keys(STRING_FUNCTIONS).join(', ')} (${this.where(node.pos)})`,
      );
    }
    if (node.args.length !== arity) {
      throw errors.odata(
        `The function '${name}' takes ${arity} argument${arity === 1 ? '' : 's'} but was given ${node.args.length} (${this.where(node.pos)})`,
      );
    }
    const args = node.args.map((a) => {
      const c = this.compile(a);
      if (c.type !== 'string' && c.type !== 'guid' && c.type !== 'null') {
        throw errors.odata(
          `The function '${name}' expects string arguments, but ${c.desc} is ${article(TYPE_LABEL[c.type])} (${this.where(a.pos)})`,
        );
      }
      return c;
    });
    const constant = args.every((a) => a.constant);
    const desc = `the result of ${name}()`;
    if (arity === 1) {
      const arg = args[0].fn;
      const upper = name === 'toupper';
      const fn: Fn = (item, env) => {
        const v = arg(item, env);
        return typeof v === 'string' ? (upper ? v.toUpperCase() : v.toLowerCase()) : null;
      };
      return this.fold({ type: 'string', desc, constant, fn });
    }
    const [a, b] = args.map((c) => this.normalised(c, 'string'));
    const test =
      name === 'startswith'
        ? (x: string, y: string) => x.startsWith(y)
        : name === 'endswith'
          ? (x: string, y: string) => x.endsWith(y)
          : (x: string, y: string) => x.includes(y);
    const fn: Fn = (item, env) => {
      const x = a(item, env);
      const y = b(item, env);
      return typeof x === 'string' && typeof y === 'string' && test(x, y);
    };
    return this.fold({ type: 'boolean', desc, constant, fn });
  }

  /** Evaluates constant expressions once. */
  private fold(c: Compiled): Compiled {
    if (!c.constant) return c;
    const value = c.fn(undefined, []);
    return { ...c, fn: () => value };
  }

  /** The operand's value normalised for comparing within `cat` (precomputed when constant). */
  private normalised(c: Compiled, cat: Category): Fn {
    const norm = NORMALISE[cat];
    if (c.constant) {
      const value = norm(c.fn(undefined, []));
      return () => value;
    }
    const f = c.fn;
    return (item, env) => norm(f(item, env));
  }

  /** The common comparison category of two operands, or an ODataError naming both and their types. */
  private comparable(op: string, l: Compiled, r: Compiled, pos: number): Category {
    for (const side of [l, r]) {
      if (side.type === 'stringCollection') {
        throw errors.odata(
          `${capitalise(side.desc)} is a collection of strings and cannot be used with '${op}'; use a lambda such as any(t: t eq 'x') (${this.where(pos)})`,
        );
      }
    }
    const lc = category(l.type)!;
    const rc = category(r.type)!;
    const cat = lc === 'null' ? rc : lc;
    if (lc !== 'null' && rc !== 'null' && lc !== rc) {
      const hint =
        (lc === 'datetime' && rc === 'string') || (lc === 'string' && rc === 'datetime')
          ? '; datetime literals are not quoted, e.g. lastSeen gt 2019-11-22T00:00:00Z'
          : '';
      throw errors.odata(
        `Cannot compare ${l.desc} (${TYPE_LABEL[l.type]}) with ${r.desc} (${TYPE_LABEL[r.type]}) using '${op}'${hint} (${this.where(pos)})`,
      );
    }
    if (cat === 'boolean' && op !== 'eq' && op !== 'ne' && op !== 'in') {
      throw errors.odata(
        `The operator '${op}' cannot be applied to boolean values (${l.desc}) (${this.where(pos)})`,
      );
    }
    return cat;
  }

  private compare(op: CompareOp, leftNode: FilterNode, rightNode: FilterNode, pos: number): Compiled {
    const l = this.compile(leftNode);
    const r = this.compile(rightNode);
    const cat = this.comparable(op, l, r, pos);
    const a = this.normalised(l, cat);
    const b = this.normalised(r, cat);
    const cmp = COMPARATORS[op];
    const fn: Fn = (item, env) => cmp(a(item, env) as Scalar, b(item, env) as Scalar);
    return this.fold({
      type: 'boolean',
      desc: `an '${op}' comparison`,
      constant: l.constant && r.constant,
      fn,
    });
  }

  private in(leftNode: FilterNode, itemNodes: FilterNode[], pos: number): Compiled {
    const l = this.compile(leftNode);
    let cat: Category = category(l.type) ?? 'null';
    const items = itemNodes.map((n) => {
      if (n.kind !== 'literal') {
        throw errors.odata(`The list after 'in' may only contain literals (${this.where(n.pos)})`);
      }
      const c = this.compile(n);
      const itemCat = this.comparable('in', l, c, pos);
      if (cat === 'null') cat = itemCat;
      else if (itemCat !== 'null' && itemCat !== cat) {
        throw errors.odata(`The list after 'in' mixes ${cat} and ${itemCat} literals (${this.where(n.pos)})`);
      }
      return c;
    });
    const norm = NORMALISE[cat];
    const values = new Set<unknown>();
    let hasNull = false;
    for (const c of items) {
      const v = norm(c.fn(undefined, []));
      if (v === null) hasNull = true;
      else values.add(v);
    }
    const a = this.normalised(l, cat);
    const fn: Fn = (item, env) => {
      const v = a(item, env);
      return v === null ? hasNull : values.has(v);
    };
    return this.fold({ type: 'boolean', desc: "an 'in' expression", constant: l.constant, fn });
  }
}

function article(label: string): string {
  return /^[aeiou]/.test(label) ? `an ${label}` : `a ${label}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/**
 * Compiles a parsed `$filter` against an entity set: checks every property, function, operator and type,
 * and returns the predicate. `text` (the original filter) is only used in error messages.
 */
export function compileFilterAst<T>(
  ast: FilterNode,
  spec: EntitySetSpec<T>,
  text?: string,
): (item: T) => boolean {
  const compiled = new Compiler(spec, text).compileBoolean(ast, 'The $filter expression');
  const fn = compiled.fn;
  const env: unknown[] = [];
  return (item) => fn(item, env) === true;
}

/** Parses and compiles a (decoded) `$filter` value. Throws `ODataError` for anything wrong with it. */
export function compileFilter<T>(text: string, spec: EntitySetSpec<T>): (item: T) => boolean {
  return compileFilterAst(parseFilter(text), spec, text);
}
