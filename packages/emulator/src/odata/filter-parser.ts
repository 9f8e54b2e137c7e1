/**
 * `$filter` parser: tokens → AST, recursive descent with OData v4 precedence (lowest first):
 *
 *   or  →  and  →  eq ne  →  gt ge lt le in  →  not (unary)  →  primary
 *
 * `not` is unary and binds tighter than comparisons, exactly as OData (and ODL) define it, so
 * `not status eq 'New'` is `(not status) eq 'New'` — write `not (status eq 'New')`.
 * The parser only checks syntax; names and types are checked when the AST is compiled (filter-eval.ts).
 */
import { errors } from '../errors.js';
import { type Punct, syntaxError, type Token, tokenize } from './filter-lexer.js';

/** Deepest nesting of parentheses / `not` / function arguments / lambdas / chained comparisons. */
export const MAX_FILTER_DEPTH = 100;

export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';
export type LiteralType = 'string' | 'number' | 'boolean' | 'null' | 'datetime' | 'guid';

export type FilterNode =
  /** `value`: the string, number, boolean, null, epoch ms (datetime) or lower-case GUID. `text` is the source. */
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null; text: string; pos: number }
  /** A property (or lambda variable) reference; `path` has more than one segment for `a/b`. */
  | { kind: 'member'; path: string[]; pos: number }
  /** `path/any(variable: body)`, `path/all(variable: body)`, or `path/any()` (variable and body null). */
  | {
      kind: 'lambda';
      op: 'any' | 'all';
      path: string[];
      variable: string | null;
      body: FilterNode | null;
      pos: number;
    }
  | { kind: 'call'; name: string; args: FilterNode[]; pos: number }
  | { kind: 'compare'; op: CompareOp; left: FilterNode; right: FilterNode; pos: number }
  | { kind: 'in'; left: FilterNode; items: FilterNode[]; pos: number }
  | { kind: 'and'; operands: FilterNode[]; pos: number }
  | { kind: 'or'; operands: FilterNode[]; pos: number }
  | { kind: 'not'; operand: FilterNode; pos: number };

const EQUALITY = new Set(['eq', 'ne']);
const RELATIONAL = new Set(['gt', 'ge', 'lt', 'le']);
/** OData operators this layer deliberately does not implement. */
const UNSUPPORTED_OPERATORS = new Set(['has', 'add', 'sub', 'mul', 'div', 'divby', 'mod']);
const OPERATORS = new Set([...EQUALITY, ...RELATIONAL, 'and', 'or', 'not', 'in', ...UNSUPPORTED_OPERATORS]);

class Parser {
  private i = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): FilterNode {
    const node = this.parseOr();
    const t = this.peek();
    if (t.kind !== 'eof') throw this.unexpectedAfterOperand(t, 'end of input');
    return node;
  }

  private peek(): Token {
    return this.tokens[this.i];
  }

  private next(): Token {
    const t = this.tokens[this.i];
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private isKeyword(t: Token, kw: string): boolean {
    return t.kind === 'ident' && t.value === kw;
  }

  private isPunct(t: Token, p: Punct): boolean {
    return t.kind === 'punct' && t.value === p;
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'the end of the expression';
    if (t.kind === 'ident') return `'${t.value}'`;
    return t.kind === 'string' ? `the string ${t.text}` : `'${t.text}'`;
  }

  private error(pos: number, detail: string) {
    return syntaxError(this.text, pos, detail);
  }

  /** The token after a complete operand is neither an operator we know nor what the context expects. */
  private unexpectedAfterOperand(t: Token, expected: string) {
    if (t.kind === 'ident') {
      if (UNSUPPORTED_OPERATORS.has(t.value)) {
        return errors.odata(`The operator '${t.value}' is not supported in $filter (position ${t.pos})`);
      }
      const lower = t.value.toLowerCase();
      if (OPERATORS.has(lower)) {
        return this.error(t.pos, `unknown operator '${t.value}' (operators are lower case: '${lower}')`);
      }
      return this.error(
        t.pos,
        `expected an operator (eq, ne, gt, ge, lt, le, in, and, or) or ${expected} but found '${t.value}'`,
      );
    }
    if (t.kind === 'eof')
      return this.error(t.pos, `expected ${expected} but reached the end of the expression`);
    if (this.isPunct(t, ')')) return this.error(t.pos, `unbalanced ')' (expected ${expected})`);
    return this.error(t.pos, `expected an operator or ${expected} but found ${this.describe(t)}`);
  }

  private expectClose(p: Punct, expected: string): void {
    const t = this.peek();
    if (this.isPunct(t, p)) {
      this.next();
      return;
    }
    throw this.unexpectedAfterOperand(t, expected);
  }

  private enter(pos: number): void {
    this.depth++;
    if (this.depth > MAX_FILTER_DEPTH) {
      throw errors.odata(
        `The $filter expression is nested too deeply (limit ${MAX_FILTER_DEPTH} levels, exceeded at position ${pos})`,
      );
    }
  }

  private parseOr(): FilterNode {
    const first = this.parseAnd();
    if (!this.isKeyword(this.peek(), 'or')) return first;
    const operands = [first];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      operands.push(this.parseAnd());
    }
    return { kind: 'or', operands, pos: first.pos };
  }

  private parseAnd(): FilterNode {
    const first = this.parseEquality();
    if (!this.isKeyword(this.peek(), 'and')) return first;
    const operands = [first];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      operands.push(this.parseEquality());
    }
    return { kind: 'and', operands, pos: first.pos };
  }

  /** Chained comparisons nest to the left; each link counts towards the depth limit. */
  private chainDepth(chain: number, pos: number): void {
    if (this.depth + chain > MAX_FILTER_DEPTH) {
      throw errors.odata(
        `The $filter expression is nested too deeply (limit ${MAX_FILTER_DEPTH} levels, exceeded at position ${pos})`,
      );
    }
  }

  private parseEquality(): FilterNode {
    let left = this.parseRelational();
    let chain = 0;
    for (let t = this.peek(); t.kind === 'ident' && EQUALITY.has(t.value); t = this.peek()) {
      this.next();
      this.chainDepth(++chain, t.pos);
      const right = this.parseRelational();
      left = { kind: 'compare', op: t.value as CompareOp, left, right, pos: t.pos };
    }
    return left;
  }

  private parseRelational(): FilterNode {
    let left = this.parseUnary();
    let chain = 0;
    for (
      let t = this.peek();
      t.kind === 'ident' && (RELATIONAL.has(t.value) || t.value === 'in');
      t = this.peek()
    ) {
      this.next();
      this.chainDepth(++chain, t.pos);
      if (t.value === 'in') {
        left = { kind: 'in', left, items: this.parseList(t.pos), pos: t.pos };
      } else {
        const right = this.parseUnary();
        left = { kind: 'compare', op: t.value as CompareOp, left, right, pos: t.pos };
      }
    }
    return left;
  }

  private parseList(inPos: number): FilterNode[] {
    const open = this.next();
    if (!this.isPunct(open, '(')) {
      throw this.error(open.pos, `expected '(' after 'in' but found ${this.describe(open)}`);
    }
    if (this.isPunct(this.peek(), ')')) {
      throw this.error(this.peek().pos, `the list after 'in' (position ${inPos}) is empty`);
    }
    const items = [this.parseOr()];
    while (this.isPunct(this.peek(), ',')) {
      this.next();
      items.push(this.parseOr());
    }
    this.expectClose(')', `',' or ')' to close the list opened at position ${open.pos}`);
    return items;
  }

  private parseUnary(): FilterNode {
    const t = this.peek();
    this.enter(t.pos);
    try {
      if (this.isKeyword(t, 'not')) {
        this.next();
        return { kind: 'not', operand: this.parseUnary(), pos: t.pos };
      }
      return this.parsePrimary();
    } finally {
      this.depth--;
    }
  }

  private parsePrimary(): FilterNode {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'literal', type: 'string', value: t.value, text: t.text, pos: t.pos };
      case 'number':
        return { kind: 'literal', type: 'number', value: t.value, text: t.text, pos: t.pos };
      case 'datetime':
        return { kind: 'literal', type: 'datetime', value: t.value, text: t.text, pos: t.pos };
      case 'guid':
        return { kind: 'literal', type: 'guid', value: t.value, text: t.text, pos: t.pos };
      case 'eof':
        throw this.error(t.pos, 'expected an operand but reached the end of the expression');
      case 'punct': {
        if (t.value !== '(') throw this.error(t.pos, `expected an operand but found '${t.value}'`);
        const inner = this.parseOr();
        this.expectClose(')', `')' to close the '(' at position ${t.pos}`);
        return inner;
      }
      case 'ident':
        return this.parseIdentifier(t);
    }
  }

  private parseIdentifier(t: Extract<Token, { kind: 'ident' }>): FilterNode {
    const name = t.value;
    if (name === 'true' || name === 'false') {
      return { kind: 'literal', type: 'boolean', value: name === 'true', text: name, pos: t.pos };
    }
    if (name === 'null') return { kind: 'literal', type: 'null', value: null, text: name, pos: t.pos };
    if (OPERATORS.has(name)) throw this.error(t.pos, `expected an operand but found the operator '${name}'`);
    if (this.isPunct(this.peek(), '(')) {
      if (name === 'any' || name === 'all') {
        throw this.error(
          t.pos,
          `${name}() must follow a collection property, as in machineTags/${name}(t: t eq 'x')`,
        );
      }
      const open = this.next();
      const args: FilterNode[] = [];
      if (this.isPunct(this.peek(), ')')) {
        this.next();
      } else {
        args.push(this.parseOr());
        while (this.isPunct(this.peek(), ',')) {
          this.next();
          args.push(this.parseOr());
        }
        this.expectClose(
          ')',
          `',' or ')' to close the arguments of '${name}' opened at position ${open.pos}`,
        );
      }
      return { kind: 'call', name, args, pos: t.pos };
    }
    const path = [name];
    while (this.isPunct(this.peek(), '/')) {
      const slash = this.next();
      const seg = this.next();
      if (seg.kind !== 'ident') {
        throw this.error(seg.pos, `expected a property name or any/all after '/' at position ${slash.pos}`);
      }
      if ((seg.value === 'any' || seg.value === 'all') && this.isPunct(this.peek(), '(')) {
        return this.parseLambda(seg.value, path, t.pos);
      }
      path.push(seg.value);
    }
    return { kind: 'member', path, pos: t.pos };
  }

  private parseLambda(op: 'any' | 'all', path: string[], pos: number): FilterNode {
    const open = this.next();
    if (this.isPunct(this.peek(), ')')) {
      const close = this.next();
      if (op === 'all')
        throw this.error(close.pos, "all() needs a lambda expression, as in all(t: t eq 'x')");
      return { kind: 'lambda', op, path, variable: null, body: null, pos };
    }
    const variable = this.next();
    if (variable.kind !== 'ident' || OPERATORS.has(variable.value) || !this.isPunct(this.peek(), ':')) {
      throw this.error(
        variable.pos,
        `expected a lambda variable and ':' after '${op}(' (as in ${op}(t: t eq 'x')) but found ${this.describe(variable)}`,
      );
    }
    this.next();
    this.enter(open.pos);
    try {
      const body = this.parseOr();
      this.expectClose(')', `')' to close '${op}(' at position ${open.pos}`);
      return { kind: 'lambda', op, path, variable: variable.value, body, pos };
    } finally {
      this.depth--;
    }
  }
}

/** Parses a (decoded) `$filter` value into an AST; every problem is an `ODataError`. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  if (tokens.length === 1) throw errors.odata('The $filter expression is empty');
  return new Parser(text, tokens).parse();
}
