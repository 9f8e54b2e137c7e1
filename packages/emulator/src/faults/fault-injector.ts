import { randomUUID } from 'node:crypto';
import { type DefenderError, errors } from '../errors.js';

/**
 * Fault injection (MSW's `use()`, for a whole tenant): the next N calls — or a random share — of chosen
 * API families answer with a fault instead of their normal response.
 */
export const FaultKinds = ['429', '500', '503', 'hang', 'reset', 'truncate'] as const;
export type FaultKind = (typeof FaultKinds)[number];

export interface FaultSpec {
  kind: FaultKind;
  /** API families (`machines`, `token`, ...) or `*`; default every family. */
  families: string[];
  /** Answer the next `count` matching calls; unset with `rate` means every call at that rate. */
  count?: number;
  /** Probability 0..1 that a matching call is hit (deterministic sequence from `seed`). */
  rate?: number;
  retryAfterSeconds: number;
  hangMs: number;
}

export interface ActiveFault extends FaultSpec {
  id: string;
  remaining: number | null;
  hits: number;
}

export class FaultInjector {
  private faults: ActiveFault[] = [];
  private rngState = 0x9e3779b9;

  add(spec: FaultSpec): ActiveFault {
    const fault: ActiveFault = { ...spec, id: randomUUID(), remaining: spec.count ?? null, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): ActiveFault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): void {
    this.faults = [];
  }

  /** The fault that applies to this call, consuming one of its `count`, or undefined. */
  take(family: string): ActiveFault | undefined {
    for (const fault of this.faults) {
      if (!fault.families.includes('*') && !fault.families.includes(family)) continue;
      if (fault.rate !== undefined && this.random() >= fault.rate) continue;
      if (fault.remaining !== null) {
        if (fault.remaining <= 0) continue;
        fault.remaining -= 1;
      }
      fault.hits += 1;
      if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
      return fault;
    }
    return undefined;
  }

  private random(): number {
    // xorshift32: deterministic, so a fault rate gives the same sequence on every run
    let x = this.rngState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rngState = x >>> 0;
    return this.rngState / 0x1_0000_0000;
  }
}

/** The error a status-code fault answers with, in Defender's own envelope. */
export function faultError(fault: ActiveFault): DefenderError {
  switch (fault.kind) {
    case '429':
      return errors.tooManyRequests('Rate limit is exceeded. Try again later.', fault.retryAfterSeconds);
    case '503':
      return errors.serviceUnavailable();
    default:
      return errors.internal();
  }
}

/** Validates a `POST /_emulator/faults` body into a spec; throws a message naming the bad field. */
export function parseFaultSpec(body: unknown): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new Error('body must be a JSON object');
  const b = body as Record<string, unknown>;
  const kind = String(b.kind ?? '');
  if (!FaultKinds.includes(kind as FaultKind))
    throw new Error(`kind must be one of ${FaultKinds.join(', ')}`);
  const families = b.families ?? (b.family !== undefined ? [b.family] : ['*']);
  if (!Array.isArray(families) || families.length === 0 || families.some((f) => typeof f !== 'string')) {
    throw new Error('families must be a non-empty array of family names');
  }
  const count = optionalNumber(b.count, 'count', 1, 1_000_000, true);
  const rate = optionalNumber(b.rate, 'rate', 0, 1, false);
  if (count === undefined && rate === undefined) throw new Error('give count (next N calls) or rate (0..1)');
  return {
    kind: kind as FaultKind,
    families: families as string[],
    count,
    rate,
    retryAfterSeconds: optionalNumber(b.retryAfterSeconds, 'retryAfterSeconds', 0, 3600, true) ?? 1,
    hangMs: optionalNumber(b.hangMs, 'hangMs', 0, 3_600_000, true) ?? 300_000,
  };
}

function optionalNumber(
  v: unknown,
  name: string,
  min: number,
  max: number,
  integer: boolean,
): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (
    typeof v !== 'number' ||
    !Number.isFinite(v) ||
    v < min ||
    v > max ||
    (integer && !Number.isInteger(v))
  ) {
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return v;
}
