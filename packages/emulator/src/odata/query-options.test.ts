import { describe, expect, it } from 'vitest';
import { DefenderError } from '../errors.js';
import { applyQuery, countMatching, nextLinkFor, odataCollectionBody, parseQuery } from './query-options.js';
import {
  actions,
  actionsSpec,
  alertsSpec,
  machines,
  machinesSpec,
  makeAlerts,
  vulnerabilitiesSpec,
} from './test-fixtures.js';
import type { EntitySetSpec, ODataResult } from './types.js';

type Wire = Record<string, unknown>;
const BASE = 'https://api.securitycenter.microsoft.com/api/alerts';

function q(search: string, spec: EntitySetSpec<Wire> = alertsSpec) {
  return parseQuery(new URLSearchParams(search), spec);
}

function run(
  search: string,
  items: Iterable<Wire>,
  spec: EntitySetSpec<Wire> = alertsSpec,
  pageSize?: number,
) {
  const pageUrl = new URL(`${BASE}?${search}`);
  return applyQuery(items, parseQuery(pageUrl.searchParams, spec), spec, { pageUrl, pageSize });
}

function queryError(search: string, spec: EntitySetSpec<Wire> = alertsSpec): string {
  try {
    q(search, spec);
  } catch (e) {
    expect(e).toBeInstanceOf(DefenderError);
    expect((e as DefenderError).code).toBe('ODataError');
    expect((e as DefenderError).status).toBe(400);
    return (e as DefenderError).message;
  }
  throw new Error(`expected an ODataError for ${search}`);
}

/** An iterable that records how many items were pulled from it. */
function counting<T>(items: T[]): { iterable: Iterable<T>; pulled: () => number } {
  let n = 0;
  return {
    iterable: {
      *[Symbol.iterator]() {
        for (const item of items) {
          n++;
          yield item;
        }
      },
    },
    pulled: () => n,
  };
}

describe('parseQuery', () => {
  it("accepts '+' for spaces (URLSearchParams decodes it): lastUpdateTime+ge+2019-11-22T00:00:00Z", () => {
    const query = q('$filter=lastUpdateTime+ge+2019-11-22T00:00:00Z');
    expect(query.filter?.text).toBe('lastUpdateTime ge 2019-11-22T00:00:00Z');
    const alerts = makeAlerts(30);
    expect(alerts.filter(query.filter!.predicate)).toHaveLength(6);
    // An unencoded '+' in an offset is decoded to a space and still understood.
    const offset = q('$filter=lastUpdateTime+ge+2019-11-22T02:00:00+02:00');
    expect(alerts.filter(offset.filter!.predicate)).toHaveLength(6);
    // Percent-encoded forms work too.
    const enc = q(
      `$filter=${encodeURIComponent("status eq 'New' and lastUpdateTime ge 2019-11-22T02:00:00+02:00")}`,
    );
    expect(alerts.filter(enc.filter!.predicate)).toHaveLength(2);
  });

  it('defaults', () => {
    expect(q('')).toEqual({ count: false });
    expect(q('machineId=abc&foo=$bar')).toEqual({ count: false });
  });

  it('$top', () => {
    expect(q('$top=0').top).toBe(0);
    expect(q('$top=10000').top).toBe(10000);
    expect(q('$top=007').top).toBe(7);
    expect(queryError('$top=10001')).toContain(
      "The limit of '10000' for Top query has been exceeded. The value from the incoming request is '10001'.",
    );
    expect(queryError('$top=8001', vulnerabilitiesSpec)).toContain("The limit of '8000'");
    expect(q('$top=8000', vulnerabilitiesSpec).top).toBe(8000);
    for (const bad of ['-1', 'abc', '1.5', '', ' 5', '1e3', '0x10']) {
      expect(queryError(`$top=${encodeURIComponent(bad)}`)).toContain(`Invalid value '${bad}' for $top`);
    }
    expect(queryError('$top=99999999999999999999999')).toContain('for Top query has been exceeded');
  });

  it('$skip', () => {
    expect(q('$skip=10000').skip).toBe(10000);
    expect(queryError('$skip=-5')).toContain("Invalid value '-5' for $skip: expected a non-negative integer");
    expect(queryError('$skip=ten')).toContain("'ten'");
    expect(queryError('$skip=99999999999999999999999')).toContain('out of range');
  });

  it('$orderby', () => {
    const query = q('$orderby=creationDateTimeUtc+desc', actionsSpec);
    expect(query.orderby).toMatchObject([
      { property: 'creationDateTimeUtc', direction: 'desc', type: 'datetime' },
    ]);
    expect(
      q('$orderby=Severity, alertCreationTime asc').orderby?.map((o) => [o.property, o.direction]),
    ).toEqual([
      ['severity', 'asc'],
      ['alertCreationTime', 'asc'],
    ]);
    expect(queryError('$orderby=title desc')).toContain(
      "The property 'title' is not supported in $orderby for Alerts. Sortable properties:",
    );
    expect(queryError('$orderby=severity DESC')).toContain("Invalid sort direction 'DESC'");
    expect(queryError('$orderby=severity desc asc')).toContain("Invalid $orderby clause 'severity desc asc'");
    expect(queryError('$orderby=tolower(severity)')).toContain("Invalid $orderby clause 'tolower(severity)'");
    expect(queryError('$orderby=machineTags', machinesSpec)).toContain(
      "The property 'machineTags' is a collection and cannot be used in $orderby",
    );
    expect(queryError('$orderby=severity,Severity desc')).toContain("'severity' appears more than once");
    expect(queryError('$orderby=severity,')).toContain('Empty item in $orderby');
    expect(queryError('$orderby=')).toContain('The $orderby query option is empty');
  });

  it('$orderby honours an explicit sortable list', () => {
    const spec: EntitySetSpec<Wire> = {
      ...alertsSpec,
      sortable: { severity: alertsSpec.filterable.severity },
    };
    expect(q('$orderby=severity', spec).orderby).toHaveLength(1);
    expect(queryError('$orderby=status', spec)).toContain("'status' is not supported in $orderby");
  });

  it('$select', () => {
    expect(q('$select=id,computerDnsName', machinesSpec).select).toEqual(['id', 'computerDnsName']);
    expect(q('$select=*', machinesSpec).select).toBeUndefined();
    expect(q('$select=ID,Name', vulnerabilitiesSpec).select).toEqual(['id', 'name']);
    expect(queryError('$select=id,foo', vulnerabilitiesSpec)).toContain(
      "The property 'foo' is not supported in $select for Vulnerabilities",
    );
    expect(queryError('$select=id', actionsSpec)).toContain(
      "The query option '$select' is not supported for MachineActions",
    );
    expect(queryError('$select=a/b', machinesSpec)).toContain("Invalid property 'a/b' in $select");
    expect(queryError('$select=', machinesSpec)).toContain('$select query option is empty');
  });

  it('$expand', () => {
    expect(q('$expand=evidence').expand).toEqual(['evidence']);
    expect(q('$expand=Evidence').expand).toEqual(['evidence']);
    expect(queryError('$expand=evidence', machinesSpec)).toContain(
      "The navigation property 'evidence' cannot be expanded for Machines",
    );
    expect(queryError('$expand=machine')).toContain(
      "'machine' cannot be expanded for Alerts; expandable: evidence",
    );
    expect(queryError('$expand=evidence($select=sha1)')).toContain('nested query options');
  });

  it('$count', () => {
    expect(q('$count=true').count).toBe(true);
    expect(q('$count=false').count).toBe(false);
    expect(queryError('$count=yes')).toContain("Invalid value 'yes' for $count");
    expect(queryError('$count=TRUE')).toContain("'TRUE'");
  });

  it('rejects unsupported and unknown $ options by name', () => {
    expect(queryError('$search=foo')).toContain("The query option '$search' is not supported");
    expect(queryError('$format=json')).toContain("'$format'");
    expect(queryError('$apply=groupby((status))')).toContain("'$apply'");
    expect(queryError('$skiptoken=abc')).toContain("'$skiptoken'");
    expect(queryError('$foo=1')).toContain("Unknown query option '$foo'");
    expect(queryError('$stop=10')).toContain("'$stop'");
  });

  it('option names are case-insensitive; duplicates are rejected', () => {
    expect(q('$TOP=5&$Filter=status+eq+%27New%27')).toMatchObject({
      top: 5,
      filter: { text: "status eq 'New'" },
    });
    expect(queryError('$top=5&$top=6')).toContain("The query option '$top' was specified more than once");
    expect(queryError('$top=5&$Top=6')).toContain("'$Top' was specified more than once");
  });

  it('$filter problems surface as ODataError', () => {
    expect(queryError('$filter=')).toContain('The $filter expression is empty');
    expect(queryError("$filter=title eq 'x'")).toContain(
      "The property 'title' is not supported in $filter for Alerts",
    );
    expect(q('$filter=asssignedTo+eq+null').filter).toBeDefined();
  });
});

describe('applyQuery', () => {
  const alerts = makeAlerts(25);

  it('without $top: a page of pageSize and a nextLink with $skip advanced', () => {
    const page1 = run("$filter=status+ne+'Resolved'&$count=true", alerts, alertsSpec, 5);
    expect(page1.value).toHaveLength(5);
    expect(page1.count).toBe(17);
    expect(page1.nextLink).toBe(`${BASE}?$filter=status%20ne%20'Resolved'&$count=true&$skip=5`);
    // Following nextLinks walks the whole filtered set and ends without one.
    const seen: unknown[] = [...page1.value];
    let link = page1.nextLink;
    let pages = 1;
    while (link) {
      const url = new URL(link);
      const page = applyQuery(alerts, parseQuery(url.searchParams, alertsSpec), alertsSpec, {
        pageUrl: url,
        pageSize: 5,
      });
      seen.push(...page.value);
      link = page.nextLink;
      pages++;
      expect(pages).toBeLessThan(10);
    }
    expect(pages).toBe(4);
    expect(seen).toEqual(alerts.filter((a) => a.status !== 'Resolved'));
  });

  it('replaces an existing $skip in place and keeps other parameters encoded', () => {
    const page = run(
      `$skip=3&$filter=${encodeURIComponent("category eq 'Malware' or category eq 'A&B=C+D'")}&extra=%C3%A9`,
      alerts,
      alertsSpec,
      4,
    );
    expect(page.nextLink).toBe(
      `${BASE}?$skip=7&$filter=category%20eq%20'Malware'%20or%20category%20eq%20'A%26B%3DC%2BD'&extra=%C3%A9`,
    );
    const back = new URL(page.nextLink!).searchParams;
    expect(back.get('$filter')).toBe("category eq 'Malware' or category eq 'A&B=C+D'");
    expect(back.get('extra')).toBe('é');
    expect(nextLinkFor(new URL('http://h/api/x?$SKIP=1#frag'), 11)).toBe('http://h/api/x?$SKIP=11');
  });

  it('no nextLink when exactly a page remains or when $top is given', () => {
    expect(run('', alerts.slice(0, 5), alertsSpec, 5).nextLink).toBeUndefined();
    const topped = run('$top=5', alerts, alertsSpec, 5);
    expect(topped.value).toHaveLength(5);
    expect(topped.nextLink).toBeUndefined();
    const big = run('$top=20', alerts, alertsSpec, 5);
    expect(big.value).toHaveLength(20);
    expect(big.nextLink).toBeUndefined();
  });

  it('a $top/$skip walk ends on a short page', () => {
    const sizes: number[] = [];
    const all: unknown[] = [];
    for (let skip = 0; ; skip += 10) {
      const page = run(`$top=10&$skip=${skip}`, alerts);
      expect(page.nextLink).toBeUndefined();
      sizes.push(page.value.length);
      all.push(...page.value);
      if (page.value.length < 10) break;
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(all).toEqual(alerts);
  });

  it('$top=0 and $skip past the end', () => {
    expect(run('$top=0', alerts).value).toEqual([]);
    expect(run('$top=0&$count=true', alerts)).toEqual({ value: [], count: 25 });
    expect(run('$skip=100', alerts)).toEqual({ value: [] });
  });

  it('$count counts the filtered set before skip/top', () => {
    const r = run("$filter=severity+eq+'High'&$count=true&$top=2&$skip=1", alerts);
    expect(r.count).toBe(6);
    expect(r.value).toHaveLength(2);
    expect(r.value[0]).toBe(alerts[7]);
  });

  it('$orderby=creationDateTimeUtc desc (machine actions, the isolation-state query)', () => {
    const r = run("$filter=machineId+eq+'m1'&$orderby=creationDateTimeUtc+desc&$top=1", actions, actionsSpec);
    expect(r.value).toEqual([actions[2]]);
    const all = run('$orderby=creationDateTimeUtc', actions, actionsSpec);
    expect(all.value.map((a) => (a as Wire).id)).toEqual([3, 0, 1, 2].map((i) => actions[i].id));
  });

  it('$orderby is stable, case-insensitive, multi-key and puts nulls first ascending', () => {
    const byStatus = run('$orderby=status desc,alertCreationTime desc&$top=4', alerts).value as Wire[];
    expect(byStatus.map((a) => a.status)).toEqual(['Resolved', 'Resolved', 'Resolved', 'Resolved']);
    expect(byStatus.map((a) => a.id)).toEqual([23, 20, 17, 14].map((i) => alerts[i].id));
    // Stable: equal keys keep source order.
    const stable = run('$orderby=category', alerts).value as Wire[];
    expect(stable.slice(0, 3)).toEqual([alerts[0], alerts[2], alerts[4]]);
    const names = run('$orderby=computerDnsName', machines, machinesSpec).value as Wire[];
    expect(names.map((m) => m.computerDnsName)).toEqual([
      'linux-build-01',
      'mymachine1.contoso.com',
      'MyMachine2.contoso.com',
      "o'brien-laptop",
    ]);
    const seen = run('$orderby=lastSeen', machines, machinesSpec).value as Wire[];
    expect(seen.map((m) => m.lastSeen)).toEqual([
      null,
      '2018-07-30T10:00:00Z',
      machines[0].lastSeen,
      machines[2].lastSeen,
    ]);
    const desc = run('$orderby=lastSeen desc', machines, machinesSpec).value as Wire[];
    expect(desc.at(-1)?.lastSeen).toBeNull();
  });

  it('$orderby pages with nextLink too', () => {
    const r = run('$orderby=alertCreationTime+desc', alerts, alertsSpec, 10);
    expect(r.value[0]).toBe(alerts[24]);
    expect(r.nextLink).toBe(`${BASE}?$orderby=alertCreationTime%20desc&$skip=10`);
  });

  it('$select projects to the listed keys in the item key order, keeping expanded ones', () => {
    const r = run('$select=computerDnsName,ID&$top=1', machines, machinesSpec);
    expect(r.value).toEqual([{ id: machines[0].id, computerDnsName: machines[0].computerDnsName }]);
    expect(Object.keys(r.value[0] as Wire)).toEqual(['id', 'computerDnsName']);
    const withEvidence = run('$select=id&$expand=evidence&$top=1', alerts);
    expect(withEvidence.value).toEqual([{ id: alerts[0].id, evidence: alerts[0].evidence }]);
    expect(run('$select=*&$top=1', machines, machinesSpec).value[0]).toBe(machines[0]);
  });

  it('streams: reads only what the page needs when there is no $orderby/$count', () => {
    const big = makeAlerts(1000);
    const a = counting(big);
    expect(run('$top=5', a.iterable).value).toHaveLength(5);
    expect(a.pulled()).toBe(5);
    const b = counting(big);
    const page = run('$skip=100', b.iterable, alertsSpec, 10);
    expect(page.value).toHaveLength(10);
    expect(page.nextLink).toContain('$skip=110');
    expect(b.pulled()).toBe(111);
    const c = counting(big);
    run("$filter=status+eq+'New'&$top=3", c.iterable);
    expect(c.pulled()).toBe(7);
    // An endless source is fine too.
    function* endless() {
      for (let i = 0; ; i++) yield { id: String(i), status: 'New' } as Wire;
    }
    expect(run('$skip=50000', endless(), alertsSpec).value).toHaveLength(10_000);
  });

  it('walks 100,000 items page by page cheaply', () => {
    const many = Array.from({ length: 100_000 }, (_, i) => ({
      id: String(i),
      status: i % 2 ? 'New' : 'Resolved',
    }));
    let url: URL | undefined = new URL(`${BASE}?$filter=status+eq+'New'`);
    let total = 0;
    let pages = 0;
    const t0 = performance.now();
    while (url) {
      const page: ODataResult<Wire> = applyQuery(many, parseQuery(url.searchParams, alertsSpec), alertsSpec, {
        pageUrl: url,
      });
      total += page.value.length;
      pages++;
      url = page.nextLink ? new URL(page.nextLink) : undefined;
    }
    expect(total).toBe(50_000);
    expect(pages).toBe(5);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it('countMatching (for /$count)', () => {
    expect(countMatching(alerts, q("$filter=status+ne+'Resolved'"))).toBe(17);
    expect(countMatching(alerts, q(''))).toBe(25);
  });
});

describe('odataCollectionBody', () => {
  it('orders keys context, count, value, nextLink', () => {
    const body = odataCollectionBody('https://h/api/$metadata#Alerts', {
      value: [{ id: 1 }],
      count: 7,
      nextLink: 'https://h/api/alerts?$skip=1',
    });
    expect(Object.keys(body)).toEqual(['@odata.context', '@odata.count', 'value', '@odata.nextLink']);
    expect(JSON.stringify(odataCollectionBody('ctx', { value: [] }))).toBe(
      '{"@odata.context":"ctx","value":[]}',
    );
    expect(Object.keys(odataCollectionBody('ctx', { value: [], count: 0 }))).toEqual([
      '@odata.context',
      '@odata.count',
      'value',
    ]);
  });
});
