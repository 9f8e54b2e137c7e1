import { readFile } from 'node:fs/promises';
import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { HuntingError } from '../../hunting/hunting-errors.js';
import { type HuntingRunOutput, tenantHuntingRunner } from '../../hunting/hunting-runner.js';
import { checkKql, type HuntingDiagnostic, MAX_QUERY_CHARS } from '../../hunting/kql-check.js';
import { huntingCsv } from '../../hunting/result-csv.js';
import type { Store } from '../../store/store.js';
import { getTenantRow, TenantNotFoundError } from '../../tenants/tenant-repository.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const huntUsage = `Usage: mde-bridge hunt QUERY [--tenant NAME] [--format table|csv|json] [--json] [--db URL]
       mde-bridge hunt --file FILE [--tenant NAME] [--format table|csv|json] [--json] [--db URL]

Runs an advanced hunting query (KQL, at most ${MAX_QUERY_CHARS.toLocaleString('en')} characters) on a tenant, through
the MDE API or Graph runHuntingQuery as the tenant's settings.hunting.api says. The query is first checked with
Microsoft's KQL parser against the known tables: an invalid query is refused with the parser's message and
nothing is sent to Defender. --tenant may be left out when only one tenant is configured.
--format table (default) prints the rows as a table and the quota used; csv prints RFC 4180 CSV; json (or
--json) prints the HuntingResult as the API answers it. The run is recorded in the hunting history and ledger.
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
Exit codes: 0 answered, 1 refused or failed (invalid query, no hunting licence, quota spent, Defender error),
2 bad flags.
`;

const FORMATS = ['table', 'csv', 'json'] as const;

/** `mde-bridge hunt …`: one hunting query through the tenant's runner. */
export async function hunt(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      tenant: { type: 'string' },
      file: { type: 'string' },
      format: { type: 'string' },
      json: { type: 'boolean' },
      db: { type: 'string' },
    },
    true,
  );
  const format = values.json ? 'json' : (values.format ?? 'table');
  if (!(FORMATS as readonly string[]).includes(format))
    throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${format}')`);
  if (values.json && values.format && values.format !== 'json')
    throw new UsageError('--json and --format disagree: give one of them');
  if (positionals.length > 1)
    throw new UsageError('give the query as one argument (quote it), or use --file');
  if (positionals.length === 1 && values.file !== undefined)
    throw new UsageError('give either QUERY or --file, not both');
  let query: string;
  if (values.file !== undefined) {
    try {
      query = await readFile(values.file, 'utf8');
    } catch (err) {
      throw new UsageError(
        `--file: cannot read '${values.file}': ${(err as NodeJS.ErrnoException).code ?? err}`,
      );
    }
  } else if (positionals.length === 1) {
    query = positionals[0];
  } else {
    throw new UsageError('give a query (QUERY or --file FILE)');
  }
  if (query.trim() === '') throw new UsageError('the query is empty');
  if (query.length > MAX_QUERY_CHARS)
    throw new UsageError(`the query has ${query.length} characters; the limit is ${MAX_QUERY_CHARS}`);
  // Checked before the store is even opened: an invalid query never costs a call.
  const check = checkKql(query);
  if (!check.ok) throw new CliError(invalidMessage(check.diagnostics));

  const store = await openMigratedStore(storeUrl(values.db, env));
  try {
    const tenant = await tenantOf(store, values.tenant);
    const runner = tenantHuntingRunner({ store, env });
    let result: HuntingRunOutput;
    try {
      result = await runner.run({ tenant, query, actor: 'cli', purpose: 'user' });
    } catch (err) {
      if (!(err instanceof HuntingError)) throw err;
      if (err.code === 'invalid_query') throw new CliError(invalidMessage(err.details.diagnostics ?? []));
      if (err.code === 'hunting_quota')
        throw new CliError(`${err.message} (retry after ${err.details.retryAfterSeconds ?? 60} s)`);
      throw new CliError(err.message);
    }
    const quota = await runner.quota(tenant);
    if (format === 'csv') out.write(huntingCsv(result.columns, result.rows));
    else if (format === 'json') {
      const { cached: _, ...body } = result;
      out.write(`${JSON.stringify({ ...body, quota })}\n`);
    } else {
      out.write(table(result));
      out.write(
        `${result.rowCount} row${result.rowCount === 1 ? '' : 's'} via ${result.api === 'mde' ? 'the MDE API' : 'Graph runHuntingQuery'}` +
          `${result.executionSeconds === null ? '' : ` in ${result.executionSeconds.toFixed(3)} s`}; quota used: ` +
          `${quota.calls.minute.used}/${quota.calls.minute.limit} this minute, ${quota.calls.hour.used}/${quota.calls.hour.limit} this hour\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

function invalidMessage(diagnostics: readonly HuntingDiagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const lines = errors.map((d) => `  line ${d.line}, column ${d.column}: ${d.message}`);
  return `the query is not valid KQL; nothing was sent to Defender:\n${lines.join('\n')}`;
}

/** tenants.id of the named tenant, or of the only one configured. */
async function tenantOf(store: Store, name: string | undefined): Promise<string> {
  if (name !== undefined) {
    try {
      return (await getTenantRow(store.db, name)).id;
    } catch (err) {
      if (err instanceof TenantNotFoundError) throw new CliError(err.message);
      throw err;
    }
  }
  const rows = await store.db.selectFrom('tenants').select(['id', 'name']).orderBy('name').execute();
  if (rows.length === 1) return rows[0].id;
  if (rows.length === 0) throw new CliError('no tenant is configured; add one with mde-bridge tenant add');
  throw new UsageError(
    `several tenants are configured (${rows.map((r) => r.name).join(', ')}): give --tenant NAME`,
  );
}

const MAX_CELL = 60;

function cell(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

function table(result: HuntingRunOutput): string {
  const names = result.columns.map((c) => c.name);
  const body = result.rows.map((row) => names.map((n) => cell(row[n])));
  const widths = names.map((n, i) => Math.max(n.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(names), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n')}\n`;
}
