/**
 * Errors with a meaning. The domain throws them; exactly one middleware
 * (`http/errors.ts`) turns them into HTTP statuses and the contract's bodies.
 */

export abstract class DomainError extends Error {
  override name = this.constructor.name;
}

/** One or more fields are invalid: 400 with per-field messages. */
export class ValidationFailed extends DomainError {
  /**
   * `choices`: for a field refused as "not a valid choice", the values it takes (an
   * addition to the contract's body, for people reading it).
   */
  constructor(
    readonly fields: Readonly<Record<string, readonly string[]>>,
    readonly choices?: Readonly<Record<string, readonly string[]>>,
  ) {
    super(
      Object.entries(fields)
        .map(([field, messages]) => `${field}: ${messages.join(' ')}`)
        .join('; '),
    );
  }

  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed({ [field]: [message] });
  }
}

/** A business rule refused the request: 400 with the rule's exact message. */
export class BusinessRuleViolation extends DomainError {}

/** The hour is already held by another active meeting of this user. */
export class SlotConflict extends BusinessRuleViolation {
  constructor(readonly email: string) {
    super(`Time slot is conflicting with another event for user : ${email}`);
  }
}

/** The user has blocked this hour. */
export class SlotUnavailable extends BusinessRuleViolation {
  constructor(readonly email: string) {
    super(`Time slot is not available for user : ${email}`);
  }
}

/** Username and password do not match a user. */
export class InvalidCredentials extends DomainError {
  constructor() {
    super('Credentials were not correct');
  }
}

/** No credentials, or credentials that do not identify a user. */
export class NotAuthenticated extends DomainError {
  static readonly notProvided = 'Authentication credentials were not provided.';
  static readonly invalidToken = 'Invalid token.';
  static readonly schemeHint = 'The API token goes in `Authorization: Token <auth_token>` (the scheme is Token, not Bearer).';
  /** `hint`: how to get it right, when the request shows a likely slip (an addition to the contract's body). */
  constructor(
    message: string = NotAuthenticated.notProvided,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** A session-authenticated unsafe request without the matching CSRF token. */
export class CsrfFailed extends DomainError {
  constructor(reason: string) {
    super(`CSRF Failed: ${reason}`);
  }
}

/** Authenticated, but not allowed to do this. */
export class PermissionDenied extends DomainError {
  constructor(message = 'You do not have permission to perform this action.') {
    super(message);
  }
}

/** The thing does not exist, or the caller may not know that it does. */
export class NotFound extends DomainError {
  constructor(message = 'Not found.') {
    super(message);
  }
}

/** Too many attempts in the current window: 429 with Retry-After. */
export class Throttled extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super(`Request was throttled. Expected available in ${retryAfterSeconds} seconds.`);
  }
}

/** A concurrent change won; the caller may retry with fresh data. */
export class ConcurrentModification extends DomainError {
  constructor(message = 'The resource was changed by another request; retry with fresh data.') {
    super(message);
  }
}

/** The store stayed busy after bounded retries; nothing was written. */
export class TemporarilyUnavailable extends DomainError {
  constructor(options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? 'The service is busy; nothing was changed. Retry shortly.', { cause: options?.cause });
  }
}

/**
 * The request's deadline passed while it waited for storage. Nothing is known of a write
 * in flight: a retry with the same Idempotency-Key answers what it did.
 */
export class DeadlineExceeded extends TemporarilyUnavailable {
  constructor(
    readonly operation: string,
    readonly elapsedMs: number,
  ) {
    super({ message: 'The service did not answer in time. Retry shortly; repeat a write with the same Idempotency-Key.' });
  }
}

/** Too many storage calls are in flight in this process: the request is shed at once. */
export class Overloaded extends TemporarilyUnavailable {
  constructor() {
    super({ message: 'The service is overloaded; nothing was changed. Retry shortly.' });
  }
}

/** The storage refused the request as invalid (input no check above it caught): 400, never 500. */
export class UnservableRequest extends DomainError {
  constructor(options?: { cause?: unknown }) {
    super('This request cannot be served as asked; check its parameters.', { cause: options?.cause });
  }
}

/** Blocking an hour that holds one of the user's active meetings. */
export class HourAlreadyBooked extends BusinessRuleViolation {
  constructor(readonly hour: number) {
    super(`There is already an event booked at time slot : ${hour}`);
  }
}

/** The exact business messages the contract lists, for the rules without a class of their own. */
export const ruleMessages = {
  pastDatetime: (timeSlot: string) => `Event can not be booked for past datetime : ${timeSlot}`,
  hourlyOnly: 'Only hourly time slots are allowed. e.g DD:MM:YYYY hh:00:00',
  pastDate: "Slots can't be defined for past date",
  organiserRemoved: 'Event organiser can not be removed',
  organiserDeclines: 'Event organiser can not decline, cancel the event instead',
  cancelled: 'Event is cancelled',
} as const;

/** The contract's messages for a username or email that another user has. */
export const takenMessages = {
  username: 'A user with that username already exists.',
  email: 'user with this email already exists.',
  similarUsername: 'A user with a confusingly similar username already exists.',
} as const;

/** A change too large for one atomic write (DynamoDB's bound on one transaction). */
export const tooManyChanges = (items: number, max: number) =>
  ValidationFailed.field(
    'participants',
    `This change would rewrite ${items} calendar entries at once; one atomic change holds at most ${max}. Change fewer participants at a time.`,
  );

/** The message for an email that names no user. */
export const unknownEmail = (email: string) => `Invalid email "${email}" - object does not exist.`;
