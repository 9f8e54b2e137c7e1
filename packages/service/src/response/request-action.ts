/**
 * Sends one response action to Defender, exactly once per device and action group however many callers and
 * processes ask at the same time: the in-flight request is a row whose `inflight_key` is unique (a database
 * fact, not a lock in memory). Success is only ever recorded with Defender's 201 and an action ID; the
 * machine action sweep then tracks it to a terminal state (track-requests.ts).
 */
import { randomUUID } from 'node:crypto';
import { ActionAlreadyPending, DefenderApiError, IntentError, type MachineAction } from '@mde-bridge/client';
import type { AuditEntryInput } from '../audit/audit-entry.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SyncController } from '../jobs/sync-controller.js';
import { type ResponseAction, supportedActionsFor } from '../profiles/supported-actions.js';
import type { Store } from '../store/store.js';
import type { ResponseClient, ResponseClientFactory } from './response-clients.js';
import {
  ActionConflictError,
  DefenderRequestError,
  isUniqueViolation,
  ResponseNotSupportedError,
  UnknownDeviceError,
} from './response-errors.js';
import {
  defenderActionType,
  getResponseRequest,
  inflightKey,
  type ResponseRequest,
  type ResponseRequestRow,
} from './response-request.js';
import { applyDefenderStatus } from './track-requests.js';

export interface ResponseDeps {
  store: Store;
  clientFor: ResponseClientFactory;
  /** Sweeps machine actions right after a request (tracking is then quick). */
  sync?: Pick<SyncController, 'trigger'>;
  now?: () => Date;
}

/** Who asks, for the request row and the audit log. */
export type Requester = Pick<AuditEntryInput, 'actorKind' | 'actor' | 'ip'>;

export interface ActionRequest {
  /** tenants.id */
  tenant: string;
  deviceId: string;
  type: ResponseAction;
  comment: string;
  isolationType?: 'Full' | 'Selective';
  scanType?: 'Quick' | 'Full';
  requestedBy: Requester;
  /** The lockdown this request locks or releases. */
  lockdownId?: string;
  /** Carried out on approval: `requestedBy` is the approver acting for this requester (both are audited). */
  approval?: { id: string; requestedBy: string };
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'TimeOut', 'Cancelled']);

/**
 * Requests a response action. Returns the new request (sent, `pending`), or the one already in flight for
 * this device and action (`deduplicated: true`). Throws UnknownDeviceError, ResponseNotSupportedError,
 * ActionConflictError (an isolate and a release would race), or DefenderRequestError (the request row is
 * then `failed` with Defender's message).
 */
export async function requestResponseAction(
  deps: ResponseDeps,
  input: ActionRequest,
): Promise<{ request: ResponseRequest; deduplicated: boolean }> {
  const { db } = deps.store;
  const now = () => deps.now?.() ?? new Date();
  const target = `${input.tenant}/${input.deviceId}`;
  const onBehalf = input.approval
    ? { approvalId: input.approval.id, onBehalfOf: input.approval.requestedBy }
    : {};
  const audit = (action: string, outcome: AuditEntryInput['outcome'], detail: Record<string, unknown>) =>
    appendAudit(
      db,
      { ...input.requestedBy, action, target, outcome, detail: { type: input.type, ...onBehalf, ...detail } },
      now(),
    );

  const device = await preflightAction(deps, input);

  const key = inflightKey(input.tenant, input.deviceId, input.type);
  let id: string | null = null;
  for (let attempt = 0; attempt < 3 && id === null; attempt++) {
    const candidate = randomUUID();
    try {
      await db
        .insertInto('response_requests')
        .values({
          id: candidate,
          tenant: input.tenant,
          device_id: input.deviceId,
          type: input.type,
          state: 'sending',
          inflight_key: key,
          defender_action_id: null,
          defender_status: null,
          comment: input.comment,
          isolation_type: input.type === 'isolate' ? (input.isolationType ?? 'Full') : null,
          scan_type: input.type === 'scan' ? (input.scanType ?? 'Quick') : null,
          requested_by: requesterName(input.requestedBy.actor, input.approval),
          requested_at: now().toISOString(),
          sent_at: null,
          completed_at: null,
          error: null,
          lockdown_id: input.lockdownId ?? null,
        })
        .execute();
      id = candidate;
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await db
        .selectFrom('response_requests')
        .select(['id', 'type', 'state', 'requested_by'])
        .where('inflight_key', '=', key)
        .executeTakeFirst();
      // Finished between our insert and this read: try again.
      if (!existing) continue;
      if (existing.type !== input.type) {
        const reason =
          `cannot ${input.type} ${device.computer_dns_name} while a ${existing.type} request ` +
          `(${existing.id}, by ${existing.requested_by}) is still ${existing.state}; wait until Defender finishes it`;
        await audit('response.refused', 'failure', {
          reason,
          comment: input.comment,
          blockingRequestId: existing.id,
        });
        throw new ActionConflictError(reason, existing.id);
      }
      const request = await getResponseRequest(db, existing.id);
      if (!request) continue;
      await audit('response.deduplicated', 'success', {
        requestId: request.id,
        defenderActionId: request.defenderActionId,
        comment: input.comment,
      });
      return { request: { ...request, deduplicated: true }, deduplicated: true };
    }
  }
  if (id === null) throw new Error(`could not record the ${input.type} request for ${target}; try again`);

  let action: MachineAction;
  try {
    const client = await deps.clientFor(input.tenant);
    action = await send(client, input).catch(async (err: unknown) => {
      if (!(err instanceof ActionAlreadyPending)) throw err;
      const adopted = await findPendingAction(client, input);
      if (!adopted) throw err;
      return adopted;
    });
  } catch (err) {
    const { message, code } = describeFailure(err);
    await db
      .updateTable('response_requests')
      .set({ state: 'failed', inflight_key: null, error: message, completed_at: now().toISOString() })
      .where('id', '=', id)
      .execute();
    await audit('response.requested', 'failure', { requestId: id, error: message, defenderCode: code });
    throw new DefenderRequestError(message, code, id, { cause: err });
  }

  const at = now().toISOString();
  const recorded = await db
    .updateTable('response_requests')
    .set({ state: 'pending', defender_action_id: action.id, defender_status: action.status, sent_at: at })
    .where('id', '=', id)
    .where('state', '=', 'sending')
    .executeTakeFirst();
  if (Number(recorded.numUpdatedRows) === 0) await recordLateAnswer(deps, id, action, at);
  await audit('response.requested', 'success', {
    requestId: id,
    defenderActionId: action.id,
    comment: input.comment,
  });
  if (TERMINAL.has(action.status)) {
    const row = await db
      .selectFrom('response_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    await applyDefenderStatus(db, row as ResponseRequestRow, action.status, null, now());
  }
  try {
    deps.sync?.trigger(input.tenant, { only: ['actions'], reason: 'action' }).done.catch(() => {});
  } catch {
    // The scheduled sweep tracks it anyway.
  }
  const request = await getResponseRequest(db, id);
  if (!request) throw new Error(`request ${id} vanished`);
  return { request, deduplicated: false };
}

/**
 * What every response action checks before anything is recorded or sent: the device is known and live, and
 * its OS can do the action. Refusals are audited; throws UnknownDeviceError or ResponseNotSupportedError.
 * An action that needs an approval is checked before the approval is recorded, too.
 */
export async function preflightAction(
  deps: Pick<ResponseDeps, 'store' | 'now'>,
  input: Pick<
    ActionRequest,
    'tenant' | 'deviceId' | 'type' | 'isolationType' | 'comment' | 'requestedBy' | 'approval'
  >,
): Promise<{ computer_dns_name: string }> {
  const { db } = deps.store;
  const audit = (action: string, outcome: AuditEntryInput['outcome'], detail: Record<string, unknown>) =>
    appendAudit(
      db,
      {
        ...input.requestedBy,
        action,
        target: `${input.tenant}/${input.deviceId}`,
        outcome,
        detail: {
          type: input.type,
          ...(input.approval
            ? { approvalId: input.approval.id, onBehalfOf: input.approval.requestedBy }
            : {}),
          ...detail,
        },
      },
      deps.now?.() ?? new Date(),
    );
  const device = await db
    .selectFrom('devices')
    .select(['id', 'computer_dns_name', 'os_platform', 'version', 'removed_at'])
    .where('tenant', '=', input.tenant)
    .where('id', '=', input.deviceId)
    .executeTakeFirst();
  if (!device || device.removed_at !== null) {
    const reason = device
      ? `device '${input.deviceId}' was removed from Defender`
      : `device '${input.deviceId}' is unknown`;
    await audit('response.refused', 'failure', { reason, comment: input.comment });
    throw new UnknownDeviceError(reason);
  }
  const supported = supportedActionsFor(device.os_platform, device.version);
  // Selective isolation needs what app restriction needs (Windows 10 1709+).
  const selectiveUnsupported =
    input.type === 'isolate' && input.isolationType === 'Selective' && !supported.includes('restrict');
  if (!supported.includes(input.type) || selectiveUnsupported) {
    const what = selectiveUnsupported ? 'selective isolation' : input.type;
    const os = [device.os_platform ?? 'an unknown OS', device.version].filter(Boolean).join(' ');
    const reason = `${what} is not supported on ${device.computer_dns_name} (${os})`;
    await audit('response.refused', 'failure', { reason, comment: input.comment });
    throw new ResponseNotSupportedError(reason);
  }

  return device;
}

/** The name on a request or lockdown row: the requester, and the approver when one carried it out. */
export function requesterName(actor: string, approval?: { requestedBy: string }): string {
  return approval ? `${approval.requestedBy} (approved by ${actor})` : actor;
}

function send(client: ResponseClient, input: ActionRequest): Promise<MachineAction> {
  const a = { comment: input.comment };
  const o = { priority: 'response' as const };
  switch (input.type) {
    case 'isolate':
      return client.isolateMachine(input.deviceId, { ...a, isolationType: input.isolationType ?? 'Full' }, o);
    case 'release':
      return client.unisolateMachine(input.deviceId, a, o);
    case 'scan':
      return client.runAntivirusScan(input.deviceId, { ...a, scanType: input.scanType ?? 'Quick' }, o);
    case 'restrict':
      return client.restrictCodeExecution(input.deviceId, a, o);
    case 'unrestrict':
      return client.unrestrictCodeExecution(input.deviceId, a, o);
    case 'collect':
      return client.collectInvestigationPackage(input.deviceId, a, o);
  }
}

/** Defender said an action of this type is already pending: the newest non-final one is it. */
async function findPendingAction(
  client: ResponseClient,
  input: ActionRequest,
): Promise<MachineAction | null> {
  const type = defenderActionType[input.type];
  const found: MachineAction[] = [];
  for await (const a of client.listMachineActions({
    filter: `machineId eq '${input.deviceId.replace(/'/g, "''")}' and type eq '${type}'`,
    priority: 'response',
  })) {
    if (!TERMINAL.has(a.status)) found.push(a);
  }
  found.sort((x, y) => y.creationDateTimeUtc.localeCompare(x.creationDateTimeUtc));
  return found[0] ?? null;
}

function describeFailure(err: unknown): { message: string; code: string } {
  if (err instanceof ActionAlreadyPending) {
    return {
      message: `Defender says an action of this type is already pending on the device, but none was found: ${err.message}`,
      code: 'ActiveRequestAlreadyExists',
    };
  }
  if (err instanceof DefenderApiError) {
    return {
      message: `Defender refused the action (HTTP ${err.status}${err.code ? ` ${err.code}` : ''}): ${err.message}`,
      code: err.code || String(err.status),
    };
  }
  if (err instanceof IntentError) return { message: `${err.code}: ${err.message}`, code: err.code };
  return { message: err instanceof Error ? err.message : String(err), code: 'unknown' };
}

/**
 * Defender answered after the crash recovery (recover-requests.ts) had already given the request up as never
 * sent: the action is real, so the request tracks it again — pending, with its in-flight slot back unless
 * another request has taken the slot meanwhile (then it is tracked without it, and the audit says so).
 */
async function recordLateAnswer(deps: ResponseDeps, id: string, action: MachineAction, at: string) {
  const { db } = deps.store;
  const row = await db.selectFrom('response_requests').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || row.defender_action_id === action.id) return;
  const update = { state: 'pending' as const, defender_action_id: action.id, defender_status: action.status };
  let slot = true;
  try {
    await db
      .updateTable('response_requests')
      .set({
        ...update,
        sent_at: at,
        completed_at: null,
        error: null,
        inflight_key: inflightKey(row.tenant, row.device_id, row.type as ResponseAction),
      })
      .where('id', '=', id)
      .execute();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    slot = false;
    await db
      .updateTable('response_requests')
      .set({ ...update, sent_at: at, completed_at: null, error: null })
      .where('id', '=', id)
      .execute();
  }
  await appendAudit(
    db,
    {
      actorKind: 'system',
      actor: 'system',
      action: 'response.late_answer',
      target: `${row.tenant}/${row.device_id}`,
      outcome: 'success',
      detail: { requestId: id, defenderActionId: action.id, inflightSlotRestored: slot },
    },
    deps.now?.() ?? new Date(),
  );
}
