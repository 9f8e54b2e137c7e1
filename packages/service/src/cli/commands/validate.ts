/**
 * `mde-bridge validate`: did Defender alert on an actor host in a time window? Creates a validation (as
 * POST /api/v1/validations does), polls Defender itself until the validation finishes (progress on stderr),
 * then prints the report.
 */

import { openMigratedStore, storeUrl } from '../../config/settings.js';
import { startValidation } from '../../validation/validation-create.js';
import { type ValidationField, ValidationInputError } from '../../validation/validation-input.js';
import {
  POLL_INTERVAL_MS,
  pollValidation,
  tenantValidationClients,
  type ValidationClientFactory,
} from '../../validation/validation-poll.js';
import { getValidation, type Validation } from '../../validation/validations.js';
import { cliActor } from '../access-cli.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

export const validateUsage = `Usage: mde-bridge validate --host H [--alt NAME …] --from T --to T [--grace 10m]
                          [--technique T1059 …] [--tenant N] [--json] [--db URL]

Asks Defender whether a simulated attack on host H between --from and --to (ISO-8601 times) raised alerts.
H is resolved against the replica (run a sync first); --alt adds other names the host goes by. Defender's
alerts are polled every 30 s from --from until --to plus the grace period (default 10m, 0m to 24h):
the run is DETECTED at the first poll after --to that finds an alert of the host, MISSED once the grace
period has ended without one. --technique (repeatable, like T1059 or T1059.001) lists the MITRE techniques
you expect; the report says which were seen (a sub-technique counts for its technique).
Progress goes to stderr; the report to stdout. --json prints the validation as the API answers it
({"detected", "alerts", "latencySeconds", "techniques", …}).
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
Exit codes: 0 when the validation finished (detected or missed: both are results), 1 when it failed
(Defender unreachable until the end), 2 bad flags (including an unknown host or a bad window).
`;

/** Test seams: the clock, the wait between polls, the Defender transport. */
export interface ValidateOptions {
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  clientFor?: ValidationClientFactory;
  fetch?: typeof fetch;
}

const flagOf: Record<ValidationField, string> = {
  host: '--host',
  alternateHostnames: '--alt',
  start: '--from',
  end: '--to',
  grace: '--grace',
  expectedTechniques: '--technique',
  tenantId: '--tenant',
};

export async function validate(
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  err: NodeJS.WritableStream = process.stderr,
  env: NodeJS.ProcessEnv = process.env,
  options: ValidateOptions = {},
): Promise<number> {
  const { values } = parseFlags(argv, {
    host: { type: 'string' },
    alt: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    grace: { type: 'string' },
    technique: { type: 'string', multiple: true },
    tenant: { type: 'string' },
    json: { type: 'boolean' },
    db: { type: 'string' },
  });
  for (const flag of ['host', 'from', 'to'] as const)
    if (typeof values[flag] !== 'string' || values[flag].trim() === '')
      throw new UsageError(`--${flag} is required`);
  const now = options.now ?? (() => new Date());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const store = await openMigratedStore(storeUrl(values.db, env));
  try {
    let validation: Validation;
    try {
      validation = await startValidation(
        store,
        {
          host: values.host as string,
          alternateHostnames: values.alt,
          start: values.from as string,
          end: values.to as string,
          grace: values.grace,
          expectedTechniques: values.technique,
          tenantId: values.tenant,
        },
        {
          now: now(),
          groups: null,
          field: (key) => flagOf[key],
          by: { ...cliActor(), ip: null },
        },
      );
    } catch (e) {
      if (e instanceof ValidationInputError)
        throw new UsageError(`${e.field.replace(/\/\d+$/, '')}: ${e.message}`);
      throw e;
    }
    err.write(
      `validating ${validation.host} (${validation.hostNames.join(', ')}) from ${validation.start} until ${validation.pollUntil}\n`,
    );
    const deps = {
      store,
      now,
      clientFor: options.clientFor ?? tenantValidationClients({ store, env, fetch: options.fetch }),
    };
    for (;;) {
      const row = await pollValidation(deps, validation.id);
      if (row) {
        const alerts = (await getValidation(store.db, validation.id))?.alerts.length ?? 0;
        err.write(
          `poll ${row.polls}: ${row.state}${alerts > 0 ? `, ${alerts} alert(s)` : ''}${row.error ? ` (${row.error})` : ''}\n`,
        );
      }
      const current = await getValidation(store.db, validation.id);
      if (!current) throw new CliError('the validation disappeared (was its tenant removed?)');
      if (current.state !== 'polling') {
        validation = current;
        break;
      }
      const due = await store.db
        .selectFrom('validations')
        .select('next_poll_at')
        .where('id', '=', validation.id)
        .executeTakeFirst();
      const wait = Date.parse(due?.next_poll_at ?? '') - now().getTime();
      await sleep(Math.max(1000, Math.min(Number.isNaN(wait) ? POLL_INTERVAL_MS : wait, POLL_INTERVAL_MS)));
    }
    out.write(values.json ? `${JSON.stringify(validation)}\n` : report(validation));
    return validation.state === 'failed' ? 1 : 0;
  } finally {
    await store.close();
  }
}

function report(v: Validation): string {
  const lines = [
    `${v.state.toUpperCase()}  ${v.host}  ${v.start} → ${v.end} (+${v.graceSeconds}s grace), ${v.polls} poll(s)`,
  ];
  if (v.latencySeconds !== null) lines.push(`first alert ${v.latencySeconds} s after the activity start`);
  for (const a of v.alerts) {
    const techniques = a.techniques.length > 0 ? ` [${a.techniques.join(', ')}]` : '';
    lines.push(
      `  ${a.createdAt}  ${a.severity.padEnd(13)} ${a.title}${techniques}  (${a.detectionSource}, +${a.latencySeconds}s)`,
    );
  }
  if (v.expectedTechniques.length > 0)
    lines.push(
      `techniques seen: ${v.techniques.seen.join(', ') || '-'}; missing: ${v.techniques.missing.join(', ') || '-'}`,
    );
  if (v.error) lines.push(`error: ${v.error}`);
  return `${lines.join('\n')}\n`;
}
