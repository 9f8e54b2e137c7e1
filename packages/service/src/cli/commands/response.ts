import type { Kysely } from 'kysely';
import { openMigratedStore, storeUrl } from '../../config/settings.js';
import type { ResponseAction } from '../../profiles/supported-actions.js';
import { type Approval, approvalNeeded, createApproval } from '../../response/approvals.js';
import { type Lockdown, lockHost, parseLockdownDuration } from '../../response/lockdown.js';
import { preflightAction, type ResponseDeps, requestResponseAction } from '../../response/request-action.js';
import { tenantResponseClients } from '../../response/response-clients.js';
import {
  ActionConflictError,
  DefenderRequestError,
  LockdownInputError,
  LockdownStateError,
  ResponseNotSupportedError,
  UnknownDeviceError,
} from '../../response/response-errors.js';
import type { ResponseRequest } from '../../response/response-request.js';
import type { Database } from '../../store/schema.js';
import { cliActor } from '../access-cli.js';
import { parseFlags } from '../args.js';
import { CliError, UsageError } from '../errors.js';

const common = `HOST is a Defender machine ID or a DNS name (the replica's primary record of that name).
The store is --db, else MDE_BRIDGE_DB, else sqlite:<MDE_BRIDGE_DATA_DIR or ./data>/mde-bridge.db.
The action is sent to Defender at response priority, once: a request already in flight for the host is
reported instead of sent again. The machine action sweep of a running bridge tracks it to its outcome.
When the host's device group needs an approval (isolate, lockdowns), nothing is sent: the approval waits
for a second person (mde-bridge UI or POST /api/v1/approvals/ID/approve) and its ID is printed.
--json prints the request (or the lockdown, or the approval) as the API answers it. Exit codes: 0 sent or
waiting for approval, 1 refused or failed, 2 bad flags.
`;

export const isolateUsage = `Usage: mde-bridge isolate HOST --comment TEXT [--for 4h] [--selective] [--db URL] [--json]

Isolates a host from the network (Full, or Selective with --selective). With --for, a lockdown: the host
is released automatically after the duration (1h, 2h, 4h, 8h, 12h, 24h, or 15m to 72h like '90m') by a
running bridge — at once on start if it was down at the time.
${common}`;

export const releaseUsage = `Usage: mde-bridge release HOST --comment TEXT [--db URL] [--json]

Releases a host from isolation.
${common}`;

export const scanUsage = `Usage: mde-bridge scan HOST --comment TEXT [--full] [--db URL] [--json]

Runs a Microsoft Defender Antivirus scan on a host (Quick, or Full with --full).
${common}`;

/** `mde-bridge isolate HOST …` */
export function isolate(argv: string[], out?: NodeJS.WritableStream, env?: NodeJS.ProcessEnv) {
  return respond('isolate', argv, out, env);
}
/** `mde-bridge release HOST …` */
export function release(argv: string[], out?: NodeJS.WritableStream, env?: NodeJS.ProcessEnv) {
  return respond('release', argv, out, env);
}
/** `mde-bridge scan HOST …` */
export function scan(argv: string[], out?: NodeJS.WritableStream, env?: NodeJS.ProcessEnv) {
  return respond('scan', argv, out, env);
}

async function respond(
  type: Extract<ResponseAction, 'isolate' | 'release' | 'scan'>,
  argv: string[],
  out: NodeJS.WritableStream = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const { values, positionals } = parseFlags(
    argv,
    {
      comment: { type: 'string' },
      db: { type: 'string' },
      json: { type: 'boolean' },
      ...(type === 'isolate' ? { for: { type: 'string' }, selective: { type: 'boolean' } } : {}),
      ...(type === 'scan' ? { full: { type: 'boolean' } } : {}),
    },
    true,
  );
  if (positionals.length !== 1) throw new UsageError('give exactly one HOST (a machine ID or a DNS name)');
  const comment = typeof values.comment === 'string' ? values.comment.trim() : '';
  if (comment === '') throw new UsageError('--comment TEXT is required (why this is done)');
  if (comment.length > 1000) throw new UsageError('--comment must be at most 1000 characters');
  const duration = typeof values.for === 'string' ? values.for : undefined;
  if (duration !== undefined) {
    try {
      parseLockdownDuration(duration);
    } catch (e) {
      if (e instanceof LockdownInputError) throw new UsageError(`--for: ${e.message}`);
      throw e;
    }
  }
  const store = await openMigratedStore(storeUrl(typeof values.db === 'string' ? values.db : undefined, env));
  try {
    const host = await resolveHost(store.db, positionals[0]);
    const deps: ResponseDeps = { store, clientFor: tenantResponseClients({ store, env }) };
    const by = { ...cliActor(), ip: null };
    const isolationType = values.selective === true ? 'Selective' : 'Full';
    try {
      const wait = {
        tenant: host.tenant,
        deviceId: host.id,
        kind: duration !== undefined ? ('lockdown' as const) : ('action' as const),
        actionType: type,
      };
      const reason = await approvalNeeded(deps, wait);
      if (reason) {
        await preflightAction(deps, { ...wait, type, isolationType, comment, requestedBy: by });
        const approval = await createApproval(deps, {
          ...wait,
          payload: {
            comment,
            ...(type === 'isolate' ? { isolationType } : {}),
            ...(type === 'scan' ? { scanType: values.full === true ? 'Full' : 'Quick' } : {}),
            ...(duration !== undefined ? { duration } : {}),
          },
          reason,
          requestedBy: by,
        });
        out.write(values.json ? `${JSON.stringify(approval)}\n` : approvalLine(approval, host.name));
        return 0;
      }
      if (duration !== undefined) {
        const lockdown = await lockHost(deps, {
          tenant: host.tenant,
          deviceId: host.id,
          duration,
          comment,
          isolationType,
          lockedBy: by,
        });
        out.write(values.json ? `${JSON.stringify(lockdown)}\n` : lockdownLine(lockdown, host.name));
        return 0;
      }
      const { request, deduplicated } = await requestResponseAction(deps, {
        tenant: host.tenant,
        deviceId: host.id,
        type,
        comment,
        ...(type === 'isolate' ? { isolationType } : {}),
        ...(type === 'scan' ? { scanType: values.full === true ? 'Full' : 'Quick' } : {}),
        requestedBy: by,
      });
      out.write(values.json ? `${JSON.stringify(request)}\n` : requestLine(request, deduplicated));
      return 0;
    } catch (e) {
      const refusals = [
        UnknownDeviceError,
        ResponseNotSupportedError,
        ActionConflictError,
        DefenderRequestError,
        LockdownStateError,
        LockdownInputError,
      ];
      if (refusals.some((type) => e instanceof type)) throw new CliError((e as Error).message);
      throw e;
    }
  } finally {
    await store.close();
  }
}

/** The live device HOST names: its machine ID, else the primary record of that DNS name; ambiguous → error. */
async function resolveHost(
  db: Kysely<Database>,
  host: string,
): Promise<{ tenant: string; id: string; name: string }> {
  const rows = await db
    .selectFrom('devices')
    .select(['tenant', 'id', 'computer_dns_name', 'is_primary'])
    .where('removed_at', 'is', null)
    .where((eb) => eb.or([eb('id', '=', host), eb('dns_name', '=', host.toLowerCase())]))
    .execute();
  const byId = rows.filter((r) => r.id === host);
  const primaries = rows.filter((r) => Number(r.is_primary) === 1);
  const chosen = byId.length > 0 ? byId : primaries.length > 0 ? primaries : rows;
  if (chosen.length === 0) throw new CliError(`no device '${host}' in the store (sync the tenant first?)`);
  if (chosen.length > 1) {
    throw new CliError(
      `'${host}' names several devices; give a machine ID: ${chosen.map((r) => r.id).join(', ')}`,
    );
  }
  return { tenant: chosen[0].tenant, id: chosen[0].id, name: chosen[0].computer_dns_name };
}

function requestLine(r: ResponseRequest, deduplicated: boolean): string {
  const head = deduplicated
    ? `${r.type} of ${r.hostName ?? r.machineId} is already in flight (request ${r.id}, by ${r.requestedBy})`
    : `${r.type} of ${r.hostName ?? r.machineId} sent (request ${r.id})`;
  return `${head}: ${r.state}, Defender action ${r.defenderActionId ?? '—'}\n`;
}

function approvalLine(a: Approval, name: string): string {
  const what = a.kind === 'lockdown' ? `lockdown of ${name} for ${a.duration}` : `${a.actionType} of ${name}`;
  return (
    `${what} waits for approval (approval ${a.id}, needed for ${a.reason}; expires ${a.expiresAt}): ` +
    'nothing was sent; a second person with the permission must approve it\n'
  );
}

function lockdownLine(l: Lockdown, name: string): string {
  return `${name} locked until ${l.endsAt} (lockdown ${l.id}, ${l.state}; isolate request ${l.isolateRequestId ?? '—'})\n`;
}
