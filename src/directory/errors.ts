// Domain errors the data layer throws; the management API turns each into problem+json
// naming the field at fault (src/admin/problem.ts).

/** The value of `field` is already used by another record of the tenant. */
export class ConflictError extends Error {
  override name = "ConflictError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** `field` names something (a role, a resource, a scope) that does not exist. */
export class UnknownReferenceError extends Error {
  override name = "UnknownReferenceError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
