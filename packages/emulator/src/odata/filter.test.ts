import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { parseInstant } from './datetime.js';
import { compileFilter } from './filter-eval.js';
import { MAX_FILTER_LENGTH, tokenize } from './filter-lexer.js';
import { MAX_FILTER_DEPTH, parseFilter } from './filter-parser.js';
import { actions, actionsSpec, alertsSpec, machines, machinesSpec, makeAlerts } from './test-fixtures.js';
import type { EntitySetSpec } from './types.js';

type Wire = Record<string, unknown>;

function match(filter: string, spec: EntitySetSpec<Wire> = machinesSpec, items: Wire[] = machines): string[] {
  const pred = compileFilter(filter, spec);
  return items.filter(pred).map((m) => (m.computerDnsName ?? m.id) as string);
}

function odataError(fn: () => unknown): DefenderError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DefenderError);
    const err = e as DefenderError;
    expect(err.status).toBe(400);
    expect(err.code).toBe('ODataError');
    expect(err.message).toMatch(/^Invalid OData URI query \(the specific error is specified\): /);
    return err;
  }
  throw new Error('expected an ODataError');
}

function filterError(filter: string, spec: EntitySetSpec<Wire> = machinesSpec): string {
  return odataError(() => compileFilter(filter, spec)).message;
}

const [m1, m2, m3, m4] = machines.map((m) => m.computerDnsName);

describe('lexer', () => {
  it('tokenizes literals with positions', () => {
    const toks = tokenize("name eq 'it''s' and n ge -1.5e3 or d lt 2019-11-22T00:00:00.123+02:00");
    expect(toks.map((t) => [t.kind, t.pos])).toEqual([
      ['ident', 0],
      ['ident', 5],
      ['string', 8],
      ['ident', 16],
      ['ident', 20],
      ['ident', 22],
      ['number', 25],
      ['ident', 32],
      ['ident', 35],
      ['ident', 37],
      ['datetime', 40],
      ['eof', 69],
    ]);
    expect(toks[2]).toMatchObject({ value: "it's" });
    expect(toks[6]).toMatchObject({ value: -1500 });
    expect(toks[10]).toMatchObject({ value: Date.parse('2019-11-21T22:00:00.123Z') });
  });

  it('lexes GUIDs (also ones starting with digits or letters) and datetimes before numbers', () => {
    expect(tokenize('12345678-aaaa-4bbb-8ccc-0123456789ab')[0]).toMatchObject({ kind: 'guid' });
    expect(tokenize('DEADBEEF-aaaa-4bbb-8ccc-0123456789ab')[0]).toMatchObject({
      kind: 'guid',
      value: 'deadbeef-aaaa-4bbb-8ccc-0123456789ab',
    });
    expect(tokenize('deadbeef')[0]).toMatchObject({ kind: 'ident' });
    expect(tokenize('2018-08-01Z')[0]).toMatchObject({ kind: 'datetime', value: Date.UTC(2018, 7, 1) });
    expect(tokenize('2018-08-01')[0]).toMatchObject({ kind: 'datetime', value: Date.UTC(2018, 7, 1) });
    expect(tokenize('2019-11-22T00:00Z')[0]).toMatchObject({ kind: 'datetime' });
    expect(tokenize('2019-11-22T00:00:00-05:00')[0]).toMatchObject({ value: Date.UTC(2019, 10, 22, 5) });
  });

  it("reads '+hh:mm' offsets whose '+' form decoding turned into a space", () => {
    const toks = tokenize('x gt 2019-11-22T00:00:00 02:00');
    expect(toks).toHaveLength(4);
    expect(toks[2]).toMatchObject({ kind: 'datetime', value: Date.UTC(2019, 10, 21, 22) });
  });

  it('parses instants strictly', () => {
    expect(parseInstant('2020-02-29T23:59:59.9999999Z')).toBe(Date.UTC(2020, 1, 29, 23, 59, 59, 999));
    expect(parseInstant('2019-02-29Z')).toBeNull();
    expect(parseInstant('2019-13-01Z')).toBeNull();
    expect(parseInstant('2019-01-01T24:00:00Z')).toBeNull();
    expect(new Date(parseInstant('0001-01-01T00:00:00Z')!).toISOString()).toBe('0001-01-01T00:00:00.000Z');
  });
});

describe('parser', () => {
  it('builds n-ary and/or with OData precedence', () => {
    const ast = parseFilter('a eq 1 or b eq 2 and c eq 3 or not d');
    expect(ast.kind).toBe('or');
    if (ast.kind !== 'or') return;
    expect(ast.operands.map((o) => o.kind)).toEqual(['compare', 'and', 'not']);
  });

  it('parses lambdas, lists and calls', () => {
    expect(parseFilter("machineTags/any(t: t eq 'VIP')")).toMatchObject({
      kind: 'lambda',
      op: 'any',
      path: ['machineTags'],
      variable: 't',
    });
    expect(parseFilter('machineTags/any()')).toMatchObject({ kind: 'lambda', variable: null, body: null });
    expect(parseFilter("status in ('New', 'InProgress')")).toMatchObject({ kind: 'in' });
    expect(parseFilter("startswith(computerDnsName,'x')")).toMatchObject({
      kind: 'call',
      name: 'startswith',
    });
  });
});

describe('$filter evaluation (spec 3.3/3.4 examples)', () => {
  it('lastSeen gt 2018-08-01Z', () => {
    expect(match('lastSeen gt 2018-08-01Z')).toEqual([m1, m3]);
  });

  it("healthStatus ne 'Active' (null-free) and riskScore eq 'High'", () => {
    expect(match("healthStatus ne 'Active'")).toEqual([m2, m3]);
    expect(match("riskScore eq 'High'")).toEqual([m1]);
  });

  it('PascalCase property names from the OData samples page', () => {
    expect(match("ComputerDnsName eq 'mymachine1.contoso.com'")).toEqual([m1]);
    expect(match("HealthStatus ne 'Active' and RiskScore eq 'Low'")).toEqual([m2]);
    expect(match('LastSeen gt 2018-08-01Z and RbacGroupId eq 140')).toEqual([m1]);
  });

  it("machineId eq 'x' and (type eq 'Isolate' or type eq 'Unisolate')", () => {
    const ids = match(
      "machineId eq 'm1' and (type eq 'Isolate' or type eq 'Unisolate')",
      actionsSpec,
      actions,
    );
    expect(ids).toEqual([actions[0].id, actions[2].id]);
    // Without parentheses `and` binds tighter.
    const ids2 = match("machineId eq 'm1' and type eq 'Isolate' or type eq 'Isolate'", actionsSpec, actions);
    expect(ids2).toEqual([actions[0].id, actions[3].id]);
  });

  it("machineTags/any(t: t eq 'VIP') (case-insensitive) and all()", () => {
    expect(match("machineTags/any(t: t eq 'VIP')")).toEqual([m1, m3]);
    expect(match("machineTags/any(tag: tag eq 'Finance')")).toEqual([m3, m4]);
    expect(match('machineTags/any()')).toEqual([m1, m3, m4]);
    expect(match('not machineTags/any()')).toEqual([m2]);
    // all() over an empty collection is true.
    expect(match("machineTags/all(t: t ne 'VIP')")).toEqual([m2, m4]);
    expect(match("MachineTags/any(t: startswith(t, 'fin') or t eq 'test tag')")).toEqual([m1, m3, m4]);
    // Nested lambdas see the outer variable.
    expect(match("machineTags/any(a: machineTags/any(b: b ne a) and a eq 'Build')")).toEqual([m4]);
  });

  it("status in ('New','InProgress')", () => {
    const alerts = makeAlerts(9);
    const ids = match("status in ('New','InProgress')", alertsSpec, alerts);
    expect(ids).toHaveLength(6);
    expect(match("status in ('resolved')", alertsSpec, alerts)).toHaveLength(3);
    expect(match('incidentId in (1000, 1001)', alertsSpec, alerts)).toHaveLength(4);
    expect(match('InvestigationId in (null, 501)', alertsSpec, alerts)).toHaveLength(3);
  });

  it("lastUpdateTime ge 2019-11-22T00:00:00Z and $filter status ne 'Resolved'", () => {
    const alerts = makeAlerts(30);
    expect(match('lastUpdateTime ge 2019-11-22T00:00:00Z', alertsSpec, alerts)).toHaveLength(6);
    expect(match("status ne 'Resolved'", alertsSpec, alerts)).toHaveLength(20);
  });

  it('string functions', () => {
    expect(match("startswith(computerDnsName,'mymachine')")).toEqual([m1, m2]);
    expect(match("endswith(computerDnsName,'.CONTOSO.COM')")).toEqual([m1, m2]);
    expect(match("contains(computerDnsName,'build')")).toEqual([m4]);
    expect(match("tolower(computerDnsName) eq 'mymachine2.contoso.com'")).toEqual([m2]);
    expect(match("startswith(toupper(osPlatform),'WINDOWS')")).toEqual([m1, m2]);
    expect(match("contains(aadDeviceId,'c0ffee')")).toEqual([m3]);
    expect(match("startswith(computerDnsName,'my') eq false")).toEqual([m3, m4]);
    expect(match("not startswith(computerDnsName,'my')")).toEqual([m3, m4]);
  });

  it("string equality is case-insensitive and '' escapes a quote", () => {
    expect(match("computerDnsName eq 'MYMACHINE1.CONTOSO.COM'")).toEqual([m1]);
    expect(match("computerDnsName eq 'O''Brien-Laptop'")).toEqual([m3]);
    expect(match("osPlatform gt 'm' and osPlatform lt 'W'")).toEqual([m3]);
  });

  it('datetime literal forms compare instants', () => {
    expect(match('lastSeen eq 2019-11-22T00:00:00.123Z')).toEqual([m3]);
    expect(match('lastSeen eq 2019-11-22T02:00:00.123+02:00')).toEqual([m3]);
    expect(match('lastSeen eq 2019-11-21T19:00:00.123-05:00')).toEqual([m3]);
    expect(match('lastSeen gt 2019-11-22T00:00:00Z')).toEqual([m3]);
    expect(match('lastSeen ge 2018-07-30T10:00:00Z and lastSeen lt 2018-08-01')).toEqual([m2]);
    // A property datetime with 7 fractional digits.
    expect(match('lastSeen le 2018-08-02T14:55:03.779Z')).toEqual([m1, m2]);
    expect(match('lastSeen lt 2018-08-02T14:55:03.779Z')).toEqual([m2]);
  });

  it('null handling', () => {
    expect(match('lastSeen eq null')).toEqual([m4]);
    expect(match('lastSeen ne null')).toEqual([m1, m2, m3]);
    expect(match('lastSeen lt 2030-01-01Z')).toEqual([m1, m2, m3]);
    expect(match('rbacGroupId ne 7')).toEqual([m1, m3, m4]);
    expect(match('null eq aadDeviceId')).toEqual([m2, m4]);
    expect(match("startswith(aadDeviceId, '8')")).toEqual([m1]);
  });

  it('numbers, booleans and GUIDs', () => {
    expect(match('rbacGroupId gt 10')).toEqual([m1, m4]);
    expect(match('rbacGroupId ge -1 and rbacGroupId le 42.5')).toEqual([m2, m4]);
    expect(match('isAadJoined')).toEqual([m1]);
    expect(match('isAadJoined eq false')).toEqual([m2, m4]);
    // Three-valued `not`: null stays unknown.
    expect(match('not isAadJoined')).toEqual([m2, m4]);
    expect(match('aadDeviceId eq 80FE8FF8-2624-418E-9591-41F0491218F9')).toEqual([m1]);
    expect(match("aadDeviceId eq '80fe8ff8-2624-418e-9591-41f0491218f9'")).toEqual([m1]);
    expect(match('id eq 2e9da30d-27f6-4208-81f2-9cd3d67893ba', actionsSpec, actions)).toEqual([
      actions[0].id,
    ]);
    expect(match('true')).toHaveLength(4);
    expect(match('1 eq 2 or false')).toHaveLength(0);
  });

  it('whitespace is flexible', () => {
    expect(match("  (\triskScore   eq\n'High' )  ")).toEqual([m1]);
  });

  it('handles 100,000 items quickly', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({
      ...machines[i % 4],
      computerDnsName: `host-${i}`,
    }));
    const pred = compileFilter(
      "lastSeen gt 2018-08-01Z and (startswith(computerDnsName,'host-9') or machineTags/any(t: t eq 'VIP'))",
      machinesSpec,
    );
    const t0 = performance.now();
    const n = many.filter(pred).length;
    expect(n).toBeGreaterThan(0);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('$filter errors (all ODataError naming the problem)', () => {
  it('unknown or unfilterable property', () => {
    const msg = filterError("foo eq 'x'");
    expect(msg).toContain("The property 'foo' is not supported in $filter for Machines");
    expect(msg).toContain('computerDnsName');
    expect(filterError("computerDnsName eq 'x' and alertId eq 'y'")).toContain("'alertId'");
    expect(filterError("machine/id eq 'x'")).toContain("'machine/id'");
    expect(filterError("t eq 'x'")).toContain("'t'");
  });

  it('unknown, unsupported or mis-cased functions and wrong arity/types', () => {
    expect(filterError("foo(computerDnsName) eq 'x'")).toContain("Unknown function 'foo'");
    expect(filterError('length(computerDnsName) gt 3')).toContain("The function 'length' is not supported");
    expect(filterError("substringof('x', computerDnsName)")).toContain('contains');
    expect(filterError("StartsWith(computerDnsName,'x')")).toContain("use 'startswith'");
    expect(filterError('startswith(computerDnsName)')).toContain('takes 2 arguments but was given 1');
    expect(filterError("startswith(lastSeen,'2019')")).toMatch(
      /'startswith' expects string.*'lastSeen'.*datetime/,
    );
    expect(filterError("tolower(rbacGroupId) eq '1'")).toContain("'rbacGroupId' is a number");
  });

  it('unsupported operators', () => {
    expect(filterError("healthStatus has 'Active'")).toContain("The operator 'has' is not supported");
    expect(filterError('rbacGroupId add 1 eq 2')).toContain("The operator 'add' is not supported");
    expect(filterError('(rbacGroupId mul 2) eq 4')).toContain("'mul'");
    expect(filterError('rbacGroupId eq -rbacGroupId')).toContain("'-'");
    expect(filterError('rbacGroupId eq 1+1')).toMatch(/position \d+/);
    expect(filterError("riskScore EQ 'High'")).toContain(
      "unknown operator 'EQ' (operators are lower case: 'eq')",
    );
    expect(filterError("riskScore eq 'High' AND lastSeen eq null")).toContain("'AND'");
    expect(filterError("riskScore = 'High'")).toContain("unexpected character '=' (use 'eq'");
    expect(filterError('riskScore like 1')).toContain("found 'like'");
  });

  it('syntax errors carry the position', () => {
    expect(filterError("riskScore eq 'High' and")).toMatch(
      /Syntax error at position 23 .*end of the expression/,
    );
    expect(filterError("(riskScore eq 'High'")).toMatch(/position 20 .*'\)' to close the '\(' at position 0/);
    expect(filterError("riskScore eq 'High')")).toMatch(/position 19 .*unbalanced '\)'/);
    expect(filterError("riskScore eq 'High' 'Low'")).toContain('position 20');
    expect(filterError("eq 'High'")).toContain(
      "position 0 in $filter 'eq 'High'': expected an operand but found the operator 'eq'",
    );
    expect(filterError("machineTags/any(t eq 'x')")).toMatch(/lambda variable and ':'/);
    expect(filterError("any(t: t eq 'x')")).toMatch(/must follow a collection property/);
    expect(filterError('status in ()', alertsSpec)).toContain("the list after 'in' (position 7) is empty");
    expect(filterError("status in 'New'", alertsSpec)).toContain("expected '(' after 'in'");
    expect(filterError('lastSeen gt 2019-02-30Z')).toContain("invalid datetime literal '2019-02-30Z'");
    expect(filterError('lastSeen gt 2019-11-22T00:00:0Z')).toContain('invalid datetime literal');
    expect(filterError('rbacGroupId eq 12abc')).toContain("invalid number literal '12abc'");
    expect(filterError('rbacGroupId eq 1e999')).toContain('out of range');
    expect(filterError('computerDnsName eq "x"')).toContain('single quotes');
  });

  it('unterminated string', () => {
    expect(filterError("computerDnsName eq 'abc")).toContain(
      'unterminated string literal starting at position 19',
    );
    expect(filterError("computerDnsName eq 'it''")).toContain('unterminated string');
  });

  it('empty filter', () => {
    expect(filterError('')).toContain('The $filter expression is empty');
    expect(filterError('   ')).toContain('The $filter expression is empty');
  });

  it('type mismatches name the property and the types', () => {
    const msg = filterError("lastSeen gt '2019-01-01'");
    expect(msg).toContain(
      "Cannot compare the property 'lastSeen' (datetime (Edm.DateTimeOffset)) with the literal '2019-01-01' (string) using 'gt'",
    );
    expect(msg).toContain('datetime literals are not quoted');
    expect(filterError("rbacGroupId eq '5'")).toContain(
      "the property 'rbacGroupId' (number) with the literal '5' (string)",
    );
    expect(filterError('lastSeen gt 5')).toContain('(number)');
    expect(filterError('computerDnsName eq 5')).toContain("'computerDnsName' (string)");
    expect(filterError('isAadJoined eq 1')).toContain('boolean');
    expect(filterError('isAadJoined gt false')).toContain(
      "The operator 'gt' cannot be applied to boolean values",
    );
    expect(filterError("machineTags eq 'VIP'")).toContain(
      "The property 'machineTags' is a collection of strings",
    );
    expect(filterError("riskScore/any(t: t eq 'x')")).toContain(
      "any() can only be applied to a collection property, but the property 'riskScore' is a string",
    );
    expect(filterError("machineTags/any(t: t/name eq 'x')")).toContain("the lambda variable 't' is a string");
    expect(filterError("status in ('New', 3)", alertsSpec)).toContain(
      "Cannot compare the property 'status' (string) with the literal 3 (number)",
    );
    expect(filterError('status in (status)', alertsSpec)).toContain('may only contain literals');
  });

  it('non-boolean filters and operands', () => {
    expect(filterError('computerDnsName')).toContain(
      "The $filter expression must be a boolean expression, but the property 'computerDnsName' is a string",
    );
    expect(filterError("riskScore eq 'High' and rbacGroupId")).toContain(
      "Each operand of 'and' must be a boolean",
    );
    expect(filterError("not riskScore eq 'High'")).toContain(
      "The operand of 'not' (which binds tighter than comparisons: write not (a eq b)) must be a boolean expression",
    );
    expect(filterError('machineTags/any(t: t)')).toContain('The body of any() must be a boolean');
    expect(filterError("tolower('x')")).toContain('tolower');
  });

  it('too-deep nesting', () => {
    const ok = `${'('.repeat(MAX_FILTER_DEPTH - 2)}riskScore eq 'High'${')'.repeat(MAX_FILTER_DEPTH - 2)}`;
    expect(match(ok)).toEqual([m1]);
    const deep = `${'('.repeat(3000)}riskScore eq 'High'${')'.repeat(3000)}`;
    expect(filterError(deep)).toContain(`nested too deeply (limit ${MAX_FILTER_DEPTH}`);
    expect(filterError(`${'not '.repeat(500)}isAadJoined`)).toContain('nested too deeply');
    expect(filterError(`${'tolower('.repeat(500)}riskScore${')'.repeat(500)} eq 'x'`)).toContain(
      'nested too deeply',
    );
    expect(filterError(`true${' eq true'.repeat(300)}`)).toContain('nested too deeply');
    expect(filterError(`${'machineTags/any(t: '.repeat(200)}true${')'.repeat(200)}`)).toContain(
      'nested too deeply',
    );
  });

  it('overly long input', () => {
    const long = `riskScore eq '${'x'.repeat(MAX_FILTER_LENGTH)}'`;
    expect(filterError(long)).toContain(
      `too long (${long.length} characters; the limit is ${MAX_FILTER_LENGTH})`,
    );
    // A long but legal chain of or-terms is fine (n-ary, no recursion).
    const chain = Array.from({ length: 300 }, (_, i) => `rbacGroupId eq ${i}`).join(' or ');
    expect(chain.length).toBeLessThan(MAX_FILTER_LENGTH);
    expect(match(chain)).toEqual([m1, m2, m4]);
  });
});
