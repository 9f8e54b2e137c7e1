/**
 * Errors of the users / roles / tokens functions, shared by the API (mapped to a status in api/routes/auth.ts
 * through registerDomainError) and the CLI (printed plainly). Nothing was written when one is thrown.
 */

/** Bad input: an invalid user name, permission, device group, password or role reference. */
export class AccessInputError extends Error {
  override name = 'AccessInputError';
  constructor(
    message: string,
    /** The input field at fault, e.g. `roleId`. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The change contradicts the current state: a name taken, a built-in role, a role still in use. */
export class AccessConflictError extends Error {
  override name = 'AccessConflictError';
}

export class AccessNotFoundError extends Error {
  override name = 'AccessNotFoundError';
}
