import { randomUUID } from 'node:crypto';
import type { MachineAction } from '@mde-bridge/client/models';
import { isoTicks } from '../clock.js';
import { errors } from '../errors.js';
import type { DeviceRecord } from '../generator/types.js';

/**
 * Machine actions and their lifecycle (spec 5.3): Pending → InProgress → Succeeded | Failed | TimeOut |
 * Cancelled, driven by the emulator clock. An action on an offline device stays Pending and times out.
 */
export interface ActionTiming {
  /** Seconds until an online device picks the action up (Pending → InProgress). */
  pickupSeconds: number;
  /** Seconds from creation until the action finishes on an online device. */
  completeSeconds: number;
  /** Minutes an action waits for an offline device before TimeOut. */
  offlineTimeoutMinutes: number;
}

export const defaultActionTiming: ActionTiming = {
  pickupSeconds: 10,
  completeSeconds: 60,
  offlineTimeoutMinutes: 3 * 24 * 60,
};

const finalStatuses = new Set(['Succeeded', 'Failed', 'TimeOut', 'Cancelled']);

export function isFinal(status: string): boolean {
  return finalStatuses.has(status);
}

interface Tracked {
  action: MachineAction;
  createdMs: number;
  device: DeviceRecord | undefined;
  /** Outcome decided when the action is created (from the device's emulator switches). */
  outcome: 'Succeeded' | 'Failed';
}

export interface NewAction {
  type: MachineAction['type'];
  device: DeviceRecord | undefined;
  requestor: string;
  comment: string;
  scope: string | null;
  externalId?: string | null;
  relatedFileInfo?: MachineAction['relatedFileInfo'];
  commands?: MachineAction['commands'];
  outcome?: 'Succeeded' | 'Failed';
}

export class MachineActionStore {
  private readonly all: Tracked[] = [];
  private readonly byId = new Map<string, Tracked>();
  private readonly open = new Set<Tracked>();

  constructor(
    public timing: ActionTiming,
    private readonly now: () => number,
  ) {}

  /** Non-final action of this type on this device, if any (Defender allows one at a time). */
  pending(machineId: string, type: string): MachineAction | undefined {
    this.progress();
    for (const t of this.open) {
      if (t.device?.machine.id === machineId && t.action.type === type) return t.action;
    }
    return undefined;
  }

  create(input: NewAction): MachineAction {
    const nowMs = this.now();
    const stamp = isoTicks(nowMs);
    const action: MachineAction = {
      id: randomUUID(),
      type: input.type,
      title: null,
      requestor: input.requestor,
      requestorComment: input.comment,
      status: 'Pending',
      // A just-created Offboard action carries no machine (real sample machine_action_offboard_pending.json).
      machineId: input.type === 'Offboard' ? null : (input.device?.machine.id ?? null),
      computerDnsName: input.type === 'Offboard' ? null : (input.device?.machine.computerDnsName ?? null),
      creationDateTimeUtc: stamp,
      lastUpdateDateTimeUtc: stamp,
      cancellationRequestor: null,
      cancellationComment: null,
      cancellationDateTimeUtc: null,
      errorHResult: 0,
      scope: input.scope,
      externalId: input.externalId ?? null,
      requestSource: 'PublicApi',
      relatedFileInfo: input.relatedFileInfo ?? null,
      commands: input.commands ?? [],
      troubleshootInfo: null,
    };
    const tracked: Tracked = {
      action,
      createdMs: nowMs,
      device: input.device,
      outcome: input.outcome ?? 'Succeeded',
    };
    this.all.push(tracked);
    this.byId.set(action.id, tracked);
    this.open.add(tracked);
    return action;
  }

  get(id: string): MachineAction | undefined {
    this.progress();
    return this.byId.get(id.toLowerCase())?.action;
  }

  /** Every action, oldest first, after bringing statuses up to the clock. */
  list(): MachineAction[] {
    this.progress();
    return this.all.map((t) => t.action);
  }

  cancel(id: string, requestor: string, comment: string): MachineAction {
    this.progress();
    const tracked = this.byId.get(id.toLowerCase());
    if (!tracked) throw errors.resourceNotFound(`Machine action ${id} was not found`);
    if (isFinal(tracked.action.status)) {
      throw errors.badRequest(
        `Machine action ${id} is in a final state (${tracked.action.status}) and cannot be cancelled`,
      );
    }
    const stamp = isoTicks(this.now());
    Object.assign(tracked.action, {
      status: 'Cancelled',
      cancellationRequestor: requestor,
      cancellationComment: comment,
      cancellationDateTimeUtc: stamp,
      lastUpdateDateTimeUtc: stamp,
    });
    this.open.delete(tracked);
    return tracked.action;
  }

  /** Brings every open action up to the clock. Cheap: only open actions are visited. */
  progress(): void {
    const nowMs = this.now();
    for (const t of this.open) {
      const a = t.action;
      const online = t.device?.online ?? true;
      const age = nowMs - t.createdMs;
      if (!online) {
        if (age >= this.timing.offlineTimeoutMinutes * 60_000) {
          this.finish(t, 'TimeOut', t.createdMs + this.timing.offlineTimeoutMinutes * 60_000);
        }
        continue;
      }
      if (age >= this.timing.completeSeconds * 1000) {
        this.finish(t, t.outcome, t.createdMs + this.timing.completeSeconds * 1000);
      } else if (age >= this.timing.pickupSeconds * 1000 && a.status === 'Pending') {
        a.status = 'InProgress';
        a.lastUpdateDateTimeUtc = isoTicks(t.createdMs + this.timing.pickupSeconds * 1000);
        this.markCommands(a, 'InProgress', t.createdMs + this.timing.pickupSeconds * 1000);
      }
    }
  }

  private finish(t: Tracked, status: 'Succeeded' | 'Failed' | 'TimeOut', atMs: number): void {
    t.action.status = status;
    t.action.lastUpdateDateTimeUtc = isoTicks(atMs);
    if (status === 'Failed') t.action.errorHResult = -2147467259; // E_FAIL, as a signed HRESULT
    this.markCommands(t.action, status, atMs);
    this.open.delete(t);
  }

  private markCommands(a: MachineAction, phase: string, atMs: number): void {
    for (const c of a.commands as {
      startTime: string | null;
      endTime: string | null;
      commandStatus: string;
    }[]) {
      if (phase === 'InProgress') c.startTime = isoTicks(atMs);
      else {
        c.startTime ??= isoTicks(atMs);
        c.endTime = isoTicks(atMs);
        c.commandStatus = phase === 'Succeeded' ? 'Completed' : 'Failed';
      }
    }
  }
}
