/**
 * Contract for the OData layer (spec section 3). Routes describe each collection once with an
 * `EntitySetSpec`; `parseQuery` validates the query options against it and `applyQuery` runs them.
 */
export type ODataPropertyType =
  | 'string' // Edm.String; enums are strings too and compare by their string value
  | 'number' // Edm.Int32/Int64/Double
  | 'boolean'
  | 'datetime' // ISO string on the wire; compared as instants; literals unquoted (2018-08-01Z, 2019-11-22T00:00:00Z)
  | 'guid'
  | 'stringCollection'; // e.g. machineTags: usable with any()/all() lambdas

export interface ODataProperty<T> {
  type: ODataPropertyType;
  /** The value in comparable form: datetimes as epoch ms, wrong-typed/missing values as null. */
  get(item: T): unknown;
}

export interface EntitySetSpec<T> {
  /** EDM set name for messages and @odata.context, e.g. `Machines`. */
  entitySet: string;
  /** Properties accepted in `$filter` (matched case-insensitively; the doc's spelling is the key). */
  filterable: Record<string, ODataProperty<T>>;
  /** Properties accepted in `$orderby`; defaults to `filterable`. */
  sortable?: Record<string, ODataProperty<T>>;
  /** `$top` maximum: 10,000 for most sets, 8,000 for vulnerabilities. */
  maxTop: number;
  /** Navigation properties accepted in `$expand` (e.g. `evidence` for alerts). */
  expandable?: readonly string[];
  /** Whether `$select` is honoured (projects wire keys). Default true. */
  selectable?: boolean;
  /**
   * Extension: wire keys accepted in `$select` (matched case-insensitively). Without it any identifier is
   * accepted, since items are wire objects and projection simply keeps the keys they have.
   */
  selectProperties?: readonly string[];
}

/*
 * Compatible extensions (query-options.ts): the parsed query and the page it yields.
 */

/** One `$orderby` clause, resolved against `sortable` (or `filterable`). */
export interface ODataOrderBy<T> {
  /** The spec's spelling of the property. */
  property: string;
  direction: 'asc' | 'desc';
  type: ODataPropertyType;
  /** The value in comparable form: datetimes as epoch ms, wrong-typed/missing values as null. */
  get(item: T): unknown;
}

/** A validated query (`parseQuery`). Absent options are undefined. */
export interface ODataQuery<T> {
  filter?: { text: string; predicate(item: T): boolean };
  top?: number;
  skip?: number;
  orderby?: ODataOrderBy<T>[];
  /** Keys to project to (the spec's spelling when it lists them); undefined for none or `*`. */
  select?: string[];
  /** Navigation properties to expand (the spec's spelling); the route expands, projection keeps them. */
  expand?: string[];
  /** `$count=true`. */
  count: boolean;
}

/**
 * A collection that can start part-way (`applyQuery`'s `seek`): for `$skip` and `$filter` it returns the items
 * that match the filter (every item without one), in source order, from match number `start` (at most `skip`)
 * on; or undefined, and the query runs over the whole collection. Lets sources derived on demand serve a deep
 * page without deriving everything before it.
 */
export type ODataSeek<T> = (
  skip: number,
  filter: ODataQuery<T>['filter'],
) => { start: number; items: Iterable<T> } | undefined;

/** One page (`applyQuery`): items are projected to `$select` keys when it is given. */
export interface ODataResult<T> {
  value: (T | Partial<T>)[];
  /** Items matching `$filter` before `$skip`/`$top`; only when `$count=true`. */
  count?: number;
  /** Only when `$top` is absent and more items remain. */
  nextLink?: string;
}
