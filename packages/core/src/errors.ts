/**
 * The rxtrade error tree. Every error carries a stable `code` so that callers branch on codes, not on
 * message text. Business outcomes (a risk denial, a venue rejection) are events, not errors: an error
 * means a bug, bad input or an unrecoverable fault.
 */

/** Every code an {@link RxTradeError} can carry. */
export const ErrorCode = {
  VALIDATION: 'VALIDATION',
  ILLEGAL_TRANSITION: 'ILLEGAL_TRANSITION',
  CLOCK: 'CLOCK',
  STATE: 'STATE',
  NETWORK: 'NETWORK',
  RATE_LIMIT: 'RATE_LIMIT',
  AUTHENTICATION: 'AUTHENTICATION',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  INVALID_ORDER: 'INVALID_ORDER',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  UNSUPPORTED: 'UNSUPPORTED',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Base class of every error rxtrade throws.
 *
 * @example
 * ```ts
 * try { parseBarsCsv(text, { instrumentId }) }
 * catch (e) { if (e instanceof RxTradeError && e.code === 'VALIDATION') console.error(e.message) }
 * ```
 */
export class RxTradeError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** One problem found while validating input: where it is and what is wrong. */
export interface ValidationIssue {
  /** Path of the bad field, such as `['fills', 2, 'price']`; empty for the whole value. */
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/**
 * Input failed validation. The message names the bad field (and the row, for files); `issues` lists
 * every problem found.
 *
 * @example
 * ```ts
 * new ValidationError([{ path: ['high'], message: 'must be >= low (96)' }], { row: 12, source: 'goog.csv' })
 * // message: "goog.csv row 12: high: must be >= low (96)"
 * ```
 */
export class ValidationError extends RxTradeError {
  readonly issues: readonly ValidationIssue[];
  /** 1-based line number in the source file, when the input came from a file. */
  readonly row: number | undefined;
  /** Dotted path of the first bad field. */
  readonly field: string;
  constructor(issues: readonly ValidationIssue[], where: { row?: number; source?: string } = {}) {
    const first = issues[0];
    const field = first ? formatPath(first.path) : '';
    const prefix = [where.source, where.row !== undefined ? `row ${where.row}` : undefined].filter(Boolean).join(' ');
    const body = issues.map((i) => (i.path.length ? `${formatPath(i.path)}: ${i.message}` : i.message)).join('; ');
    super(ErrorCode.VALIDATION, prefix ? `${prefix}: ${body}` : body);
    this.issues = issues;
    this.row = where.row;
    this.field = field;
  }
}

function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** An order (or other state machine) was asked to make a transition its table does not allow. */
export class IllegalTransitionError extends RxTradeError {
  constructor(
    readonly from: string,
    readonly event: string,
    readonly subject: string,
  ) {
    super(ErrorCode.ILLEGAL_TRANSITION, `${subject}: illegal transition on ${event} from ${from}`);
  }
}

/** Time was used wrongly: a clock moved backwards, or a timer was set in the past. */
export class ClockError extends RxTradeError {
  constructor(message: string) {
    super(ErrorCode.CLOCK, message);
  }
}

/** An operation does not fit the current state (for example reading results of a run that failed). */
export class StateError extends RxTradeError {
  constructor(message: string) {
    super(ErrorCode.STATE, message);
  }
}

/** The transport to a venue or data source failed; safe to retry reads. */
export class NetworkError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.NETWORK, message, options);
  }
}

/** The venue throttled us. */
export class RateLimitError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.RATE_LIMIT, message, options);
  }
}

/** Credentials were missing or refused. */
export class AuthenticationError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.AUTHENTICATION, message, options);
  }
}

/** The account cannot pay for the order. */
export class InsufficientFundsError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INSUFFICIENT_FUNDS, message, options);
  }
}

/** The venue refused the order as malformed. */
export class InvalidOrderError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.INVALID_ORDER, message, options);
  }
}

/** The venue does not know the order. */
export class OrderNotFoundError extends RxTradeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCode.ORDER_NOT_FOUND, message, options);
  }
}

/** A feature was requested that this component does not support. */
export class UnsupportedError extends RxTradeError {
  constructor(message: string) {
    super(ErrorCode.UNSUPPORTED, message);
  }
}
