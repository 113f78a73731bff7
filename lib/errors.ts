/**
 * Errors the domain raises on purpose. Their messages are written for the person who sees
 * them; anything else that is thrown is a bug and is reported as a generic failure.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    message: string,
    /** Field errors keyed by form field name, when the problem is one of input. */
    readonly fieldErrors: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Input that breaks a rule; shown at its field. */
export class ValidationError extends AppError {
  override name = 'ValidationError';
  static field(field: string, message: string): ValidationError {
    return new ValidationError(message, { [field]: message });
  }
}

/** The thing does not exist, or the actor may not see it (the two look the same from outside). */
export class NotFoundError extends AppError {
  override name = 'NotFoundError';
}

/** The actor may see the thing but not do this to it. */
export class ForbiddenError extends AppError {
  override name = 'ForbiddenError';
}

/** The request conflicts with the current state (a limit, an already rotated token, …). */
export class ConflictError extends AppError {
  override name = 'ConflictError';
}
