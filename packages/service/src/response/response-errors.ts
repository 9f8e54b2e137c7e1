/**
 * Errors of the response module, each saying what a person can do about it. The API maps them to statuses
 * (api/routes/response.ts); the CLI prints their messages.
 */

/** The device is unknown to the replica or was removed from Defender. */
export class UnknownDeviceError extends Error {
  override name = 'UnknownDeviceError';
}

/** The device's OS cannot do this action (a refusal before Defender's `OsPlatformNotSupported`). */
export class ResponseNotSupportedError extends Error {
  override name = 'ResponseNotSupportedError';
}

/** An isolate and a release (or restrict and unrestrict) would race: the other one is still in flight. */
export class ActionConflictError extends Error {
  override name = 'ActionConflictError';
  constructor(
    message: string,
    /** The in-flight request that blocks this one. */
    readonly blockingRequestId: string,
  ) {
    super(message);
  }
}

/** Defender (or reaching it) refused the action: the request is marked failed with this message. */
export class DefenderRequestError extends Error {
  override name = 'DefenderRequestError';
  constructor(
    message: string,
    /** Defender's error code (`OsPlatformNotSupported`, `"429"` …) or the client's intent code. */
    readonly defenderCode: string,
    readonly requestId: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A lockdown input is wrong; `field` names it (`duration`, `comment`). */
export class LockdownInputError extends Error {
  override name = 'LockdownInputError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

/** The host already has an active lockdown, or has none to unlock. */
export class LockdownStateError extends Error {
  override name = 'LockdownStateError';
  constructor(
    message: string,
    readonly reason: 'already_locked' | 'not_locked' | 'never_locked',
  ) {
    super(message);
  }
}

/** A unique index refused the row (SQLite and PostgreSQL spell it differently). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** An approval is unknown (or outside the caller's device groups). */
export class ApprovalNotFoundError extends Error {
  override name = 'ApprovalNotFoundError';
}

/** The requester tried to approve their own request: a second person must. */
export class SelfApprovalError extends Error {
  override name = 'SelfApprovalError';
}

/** The approval was already decided, is being carried out, or expired. */
export class ApprovalNotPendingError extends Error {
  override name = 'ApprovalNotPendingError';
  constructor(
    message: string,
    readonly state: string,
  ) {
    super(message);
  }
}
