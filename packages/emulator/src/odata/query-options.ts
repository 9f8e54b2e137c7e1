/**
 * System query options (`$filter $top $skip $orderby $select $expand $count`): validation against an
 * `EntitySetSpec` (`parseQuery`), execution over a collection (`applyQuery`) and the collection envelope
 * (`odataCollectionBody`). Spec section 3.
 *
 * Paging as Defender does it: with `$top` the page holds at most `$top` items and never has a nextLink;
 * without it a page holds at most `pageSize` (10,000) items and, when more remain, `@odata.nextLink` is the
 * same URL with `$skip` advanced by the page size.
 */
import { errors } from '../errors.js';
import { compileFilter, propertyIndex, propertyReader } from './filter-eval.js';
import type { EntitySetSpec, ODataOrderBy, ODataQuery, ODataResult, ODataSeek } from './types.js';

/** Page size when `$top` is absent (spec 3.3: max page size 10,000). */
export const DEFAULT_PAGE_SIZE = 10_000;

/** OData system query options this emulator does not implement (anything else `$...` is unknown). */
const UNSUPPORTED_OPTIONS = new Set([
  '$search',
  '$format',
  '$apply',
  '$compute',
  '$levels',
  '$skiptoken',
  '$deltatoken',
  '$id',
  '$index',
  '$schemaversion',
]);

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const NON_NEGATIVE_INTEGER = /^[0-9]+$/;

function parseNonNegativeInteger(option: string, value: string): number {
  if (!NON_NEGATIVE_INTEGER.test(value)) {
    throw errors.odata(`Invalid value '${value}' for ${option}: expected a non-negative integer`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw errors.odata(`The value '${value}' for ${option} is out of range`);
  return n;
}

function splitList(option: string, value: string): string[] {
  const items = value.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) {
    throw errors.odata(
      value.trim() === '' ? `The ${option} query option is empty` : `Empty item in ${option} '${value}'`,
    );
  }
  return items;
}

function parseTop<T>(value: string, spec: EntitySetSpec<T>): number {
  if (!NON_NEGATIVE_INTEGER.test(value)) {
    throw errors.odata(`Invalid value '${value}' for $top: expected a non-negative integer`);
  }
  const top = Number(value);
  if (top > spec.maxTop) {
    // The wording of ASP.NET OData's limit error, which Defender answers with.
    throw errors.odata(
      `The limit of '${spec.maxTop}' for Top query has been exceeded. The value from the incoming request is '${value}'.`,
    );
  }
  return top;
}

function parseOrderBy<T>(value: string, spec: EntitySetSpec<T>): ODataOrderBy<T>[] {
  const sortable = spec.sortable ?? spec.filterable;
  const index = propertyIndex(sortable);
  const seen = new Set<string>();
  return splitList('$orderby', value).map((clause) => {
    const m = /^(\S+)(?:\s+(\S+))?$/.exec(clause);
    const name = m?.[1] ?? clause;
    const dir = m?.[2];
    if (!m || !IDENTIFIER.test(name)) {
      throw errors.odata(
        `Invalid $orderby clause '${clause}': expected a property name optionally followed by asc or desc`,
      );
    }
    if (dir !== undefined && dir !== 'asc' && dir !== 'desc') {
      throw errors.odata(
        `Invalid sort direction '${dir}' in $orderby clause '${clause}': expected asc or desc`,
      );
    }
    const entry = index.get(name.toLowerCase());
    if (!entry) {
      const names = [...index.values()].map((e) => e.name).join(', ');
      throw errors.odata(
        `The property '${name}' is not supported in $orderby for ${spec.entitySet}. Sortable properties: ${names || '(none)'}`,
      );
    }
    if (entry.prop.type === 'stringCollection') {
      throw errors.odata(`The property '${entry.name}' is a collection and cannot be used in $orderby`);
    }
    if (seen.has(entry.name))
      throw errors.odata(`The property '${entry.name}' appears more than once in $orderby`);
    seen.add(entry.name);
    return {
      property: entry.name,
      direction: dir === 'desc' ? 'desc' : 'asc',
      type: entry.prop.type,
      get: propertyReader(entry),
    };
  });
}

function parseSelect<T>(value: string, spec: EntitySetSpec<T>): string[] | undefined {
  if (spec.selectable === false) {
    throw errors.odata(`The query option '$select' is not supported for ${spec.entitySet}`);
  }
  const known = spec.selectProperties
    ? new Map(spec.selectProperties.map((p) => [p.toLowerCase(), p] as const))
    : undefined;
  const out: string[] = [];
  let all = false;
  for (const item of splitList('$select', value)) {
    if (item === '*') {
      all = true;
      continue;
    }
    if (!IDENTIFIER.test(item)) throw errors.odata(`Invalid property '${item}' in $select`);
    if (known) {
      const name = known.get(item.toLowerCase());
      if (name === undefined) {
        throw errors.odata(
          `The property '${item}' is not supported in $select for ${spec.entitySet}. Selectable properties: ${[...known.values()].join(', ')}`,
        );
      }
      out.push(name);
    } else {
      out.push(item);
    }
  }
  return all ? undefined : out;
}

function parseExpand<T>(value: string, spec: EntitySetSpec<T>): string[] {
  const expandable = new Map((spec.expandable ?? []).map((p) => [p.toLowerCase(), p] as const));
  return splitList('$expand', value).map((item) => {
    if (!IDENTIFIER.test(item)) {
      throw errors.odata(`Invalid $expand item '${item}' (nested query options and paths are not supported)`);
    }
    const name = expandable.get(item.toLowerCase());
    if (name === undefined) {
      const allowed = [...expandable.values()];
      throw errors.odata(
        `The navigation property '${item}' cannot be expanded for ${spec.entitySet}` +
          (allowed.length
            ? `; expandable: ${allowed.join(', ')}`
            : '; this set has no expandable properties'),
      );
    }
    return name;
  });
}

/**
 * Validates the `$`-prefixed query options of a request against an entity set. Non-`$` parameters are
 * ignored (routes handle them). Option names are case-insensitive (OData 4.01); values are as decoded by
 * URLSearchParams (so `+` is already a space). Throws `ODataError` naming the offending option or value.
 */
export function parseQuery<T>(params: URLSearchParams, spec: EntitySetSpec<T>): ODataQuery<T> {
  const options = new Map<string, { key: string; value: string }>();
  for (const [key, value] of params) {
    if (!key.startsWith('$')) continue;
    const name = key.toLowerCase();
    if (options.has(name)) throw errors.odata(`The query option '${key}' was specified more than once`);
    options.set(name, { key, value });
  }
  const query: ODataQuery<T> = { count: false };
  for (const [name, { key, value }] of options) {
    switch (name) {
      case '$filter':
        if (value.trim() === '') throw errors.odata('The $filter expression is empty');
        query.filter = { text: value, predicate: compileFilter(value, spec) };
        break;
      case '$top':
        query.top = parseTop(value, spec);
        break;
      case '$skip':
        query.skip = parseNonNegativeInteger('$skip', value);
        break;
      case '$orderby':
        query.orderby = parseOrderBy(value, spec);
        break;
      case '$select':
        query.select = parseSelect(value, spec);
        break;
      case '$expand':
        query.expand = parseExpand(value, spec);
        break;
      case '$count':
        if (value !== 'true' && value !== 'false') {
          throw errors.odata(`Invalid value '${value}' for $count: expected true or false`);
        }
        query.count = value === 'true';
        break;
      default:
        throw errors.odata(
          UNSUPPORTED_OPTIONS.has(name)
            ? `The query option '${key}' is not supported`
            : `Unknown query option '${key}'`,
        );
    }
  }
  return query;
}

type SortKey = string | number | boolean | null;

function sortKey(v: unknown): SortKey {
  if (typeof v === 'string') return v.toLowerCase();
  if (typeof v === 'number' || typeof v === 'boolean') return v;
  return null;
}

/** Stable sort by the clauses; nulls sort first ascending (last descending), as in SQL Server. */
function sortItems<T>(items: T[], orderby: ODataOrderBy<T>[]): T[] {
  const decorated = items.map((item) => ({ item, keys: orderby.map((o) => sortKey(o.get(item))) }));
  const signs = orderby.map((o) => (o.direction === 'desc' ? -1 : 1));
  decorated.sort((a, b) => {
    for (let i = 0; i < signs.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      const c = x === null ? -1 : y === null ? 1 : x < y ? -1 : x > y ? 1 : 0;
      if (c !== 0) return c * signs[i];
    }
    return 0;
  });
  return decorated.map((d) => d.item);
}

function projector<T>(q: ODataQuery<T>): ((item: T) => T | Partial<T>) | undefined {
  if (!q.select) return undefined;
  const keep = new Set([...q.select, ...(q.expand ?? [])].map((k) => k.toLowerCase()));
  return (item) => {
    if (item === null || typeof item !== 'object') return item;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(item)) if (keep.has(key.toLowerCase())) out[key] = v;
    return out as Partial<T>;
  };
}

/** Encodes a query name/value, leaving the characters that are legal in a query unescaped for readability. */
function encodeQueryComponent(s: string): string {
  return encodeURIComponent(s).replace(/%(24|2C|3A|2F|40)/gi, (m) => decodeURIComponent(m));
}

/** `pageUrl` with `$skip` set to `skip` (replacing any `$skip`), all other parameters kept in order. */
export function nextLinkFor(pageUrl: URL, skip: number): string {
  const out: [string, string][] = [];
  let placed = false;
  for (const [k, v] of pageUrl.searchParams) {
    if (k.toLowerCase() === '$skip') {
      if (!placed) out.push([k, String(skip)]);
      placed = true;
    } else {
      out.push([k, v]);
    }
  }
  if (!placed) out.push(['$skip', String(skip)]);
  const base = new URL(pageUrl.href);
  base.search = '';
  base.hash = '';
  return `${base.href}?${out.map(([k, v]) => `${encodeQueryComponent(k)}=${encodeQueryComponent(v)}`).join('&')}`;
}

/**
 * Runs a parsed query over a collection: filter, order (stable; source order without `$orderby`),
 * skip/top, project. Without `$orderby`/`$count` the source is only iterated as far as the page needs
 * (plus one item to know whether a nextLink is due), so walking a huge collection page by page is cheap; with
 * `seek` there too the source starts near `$skip` instead of being iterated from its first item.
 */
export function applyQuery<T>(
  items: Iterable<T>,
  q: ODataQuery<T>,
  _spec: EntitySetSpec<T>,
  opts: { pageUrl: URL; pageSize?: number; seek?: ODataSeek<T> },
): ODataResult<T> {
  const pageSize = Math.max(1, opts.pageSize ?? DEFAULT_PAGE_SIZE);
  const skip = q.skip ?? 0;
  const limit = q.top ?? pageSize;
  const pred = q.filter?.predicate;
  let page: T[] = [];
  let more = false;
  let count: number | undefined;

  if (q.orderby && q.orderby.length > 0) {
    const matched: T[] = [];
    for (const item of items) if (!pred || pred(item)) matched.push(item);
    count = matched.length;
    page = sortItems(matched, q.orderby).slice(skip, skip + limit);
    more = skip + limit < matched.length;
  } else if (q.count) {
    let n = 0;
    for (const item of items) {
      if (pred && !pred(item)) continue;
      if (n >= skip && page.length < limit) page.push(item);
      n++;
    }
    count = n;
    more = n > skip + limit;
  } else if (limit > 0) {
    // A sought source yields matching items only, from match number `start` on.
    const sought = opts.seek?.(skip, q.filter);
    const test = sought ? undefined : pred;
    let skipped = sought ? sought.start : 0;
    for (const item of sought ? sought.items : items) {
      if (test && !test(item)) continue;
      if (skipped < skip) {
        skipped++;
        continue;
      }
      if (page.length < limit) {
        page.push(item);
        if (page.length === limit && q.top !== undefined) break;
        continue;
      }
      more = true;
      break;
    }
  }

  const project = projector(q);
  const result: ODataResult<T> = { value: project ? page.map(project) : page };
  if (q.count) result.count = count;
  if (q.top === undefined && more) result.nextLink = nextLinkFor(opts.pageUrl, skip + pageSize);
  return result;
}

/** Number of items matching the query's `$filter` (for the `/$count` path segment). */
export function countMatching<T>(items: Iterable<T>, q: ODataQuery<T>): number {
  const pred = q.filter?.predicate;
  let n = 0;
  for (const item of items) if (!pred || pred(item)) n++;
  return n;
}

/** The collection envelope, keys in Defender's order: context, count, value, nextLink. */
export function odataCollectionBody<T>(
  contextUrl: string,
  result: ODataResult<T>,
): {
  '@odata.context': string;
  '@odata.count'?: number;
  value: (T | Partial<T>)[];
  '@odata.nextLink'?: string;
} {
  return {
    '@odata.context': contextUrl,
    ...(result.count !== undefined ? { '@odata.count': result.count } : {}),
    value: result.value,
    ...(result.nextLink !== undefined ? { '@odata.nextLink': result.nextLink } : {}),
  };
}
