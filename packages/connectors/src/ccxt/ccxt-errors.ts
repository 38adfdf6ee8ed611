/**
 * ccxt's errors mapped onto rxtrade's error tree, per the rule that decides what the order manager may
 * believe: a venue's answer (insufficient funds, an invalid order, an unknown order) is a definite
 * outcome; a transport failure, a timeout or a 5xx on a submit is an unknown outcome (the order may be
 * working at the venue), never a rejection. Messages are rebuilt from the venue's own reason and never
 * carry a URL, a query string, a header or a credential: ccxt puts the whole signed request into some of
 * its messages (`binance GET https://…?…&signature=… 503 …`), so the ccxt error is not kept as `cause`.
 */
import {
  AuthenticationError,
  InsufficientFundsError,
  InvalidOrderError,
  NetworkError,
  OrderNotFoundError,
  RateLimitError,
  RxTradeError,
} from '@rxtrade/core';
import { redactSecrets } from '../live/observability/redact';
import { isCcxtError } from './ccxt-module';
import { WsSequenceGap } from './ccxt-ws-sequence';

/**
 * How rxtrade treats a ccxt error.
 *
 * - `UNKNOWN_OUTCOME`: the request may or may not have reached the venue (timeout, network failure,
 *   5xx, an answer that could not be read): a submit is not rejected, the order manager asks the venue.
 * - `RATE_LIMIT`: the venue throttled the request (429, 418, Binance -1003): wait with backoff.
 * - `TIMESTAMP`: the signed timestamp was outside the venue's window (Binance -1021): resync the time
 *   difference and retry once where that is safe.
 * - `AUTHENTICATION`, `INSUFFICIENT_FUNDS`, `ORDER_NOT_FOUND`, `INVALID_ORDER`, `REJECTED`: the venue
 *   answered and refused; its reason is kept.
 *
 * @example
 * ```ts
 * classifyCcxtError(new ccxt.RequestTimeout('binance POST … request timed out')); // 'UNKNOWN_OUTCOME'
 * ```
 */
export const CcxtErrorKind = {
  UNKNOWN_OUTCOME: 'UNKNOWN_OUTCOME',
  RATE_LIMIT: 'RATE_LIMIT',
  TIMESTAMP: 'TIMESTAMP',
  AUTHENTICATION: 'AUTHENTICATION',
  INSUFFICIENT_FUNDS: 'INSUFFICIENT_FUNDS',
  ORDER_NOT_FOUND: 'ORDER_NOT_FOUND',
  INVALID_ORDER: 'INVALID_ORDER',
  REJECTED: 'REJECTED',
} as const;
export type CcxtErrorKind = (typeof CcxtErrorKind)[keyof typeof CcxtErrorKind];

/** Binance's "timestamp outside of the recvWindow" code, which some of its APIs map to BadRequest. */
const TIMESTAMP_CODES = [/"code"\s*:\s*-1021\b/, /\b-1021\b.*recvWindow/i];

/**
 * Answers that name an unknown order where ccxt's error table does not: Coinbase's edit refusal
 * (`edit_failure_reason: ORDER_NOT_FOUND`), cancel failure (`UNKNOWN_CANCEL_ORDER`), `NOT_FOUND`, and
 * an order lookup's `{"error":"unknown","error_details":"order with this orderID was not found"}` (ccxt
 * matches its broad rule against `error` only).
 */
const ORDER_NOT_FOUND_CODES = [/"(?:edit_failure_reason|failure_reason|error)"\s*:\s*"(?:ORDER_NOT_FOUND|UNKNOWN_CANCEL_ORDER|NOT_FOUND)"/, /"error_details"\s*:\s*"order with this orderID was not found"/];

/** The HTTP status in a ccxt error's message (`coinbase POST https://… 400 Bad Request {…}`). */
const HTTP_STATUS = /\b(?:GET|POST|PUT|DELETE|PATCH)\s+\S+\s+(\d{3})\b/;

/**
 * Statuses by which the venue answered that it did not act on the request, even where ccxt raises them
 * as `ExchangeNotAvailable` (ccxt's table for an answer it cannot read: Coinbase's refused edit is a 400
 * with `errors[].edit_failure_reason`).
 */
const REFUSED_STATUSES: ReadonlySet<number> = new Set([400, 404, 422]);

/**
 * Sorts a ccxt error (or anything a ccxt call threw) into a {@link CcxtErrorKind}. The order of the
 * checks matters: ccxt's `InvalidNonce` and `RateLimitExceeded` are `NetworkError`s, and `OrderNotFound`
 * is an `InvalidOrder`. Anything that is not a ccxt `ExchangeError` (a venue's answer) counts as an
 * unknown outcome, parse failures of a response included: the request was sent.
 *
 * @example
 * ```ts
 * classifyCcxtError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}')); // 'INSUFFICIENT_FUNDS'
 * ```
 */
export function classifyCcxtError(error: unknown): CcxtErrorKind {
  const message = error instanceof Error ? error.message : String(error);
  if (isCcxtError(error, 'InvalidNonce') || error instanceof WsSequenceGap || TIMESTAMP_CODES.some((re) => re.test(message))) return CcxtErrorKind.TIMESTAMP;
  if (isCcxtError(error, 'RateLimitExceeded') || isCcxtError(error, 'DDoSProtection')) return CcxtErrorKind.RATE_LIMIT;
  if (isCcxtError(error, 'ExchangeError') || isCcxtError(error, 'OperationFailed')) {
    if (ORDER_NOT_FOUND_CODES.some((re) => re.test(message))) return CcxtErrorKind.ORDER_NOT_FOUND;
    const status = Number(HTTP_STATUS.exec(message)?.[1]);
    if (isCcxtError(error, 'OperationFailed') && REFUSED_STATUSES.has(status)) return CcxtErrorKind.INVALID_ORDER;
  }
  if (isCcxtError(error, 'OperationFailed')) return CcxtErrorKind.UNKNOWN_OUTCOME;
  if (isCcxtError(error, 'AuthenticationError')) return CcxtErrorKind.AUTHENTICATION;
  if (isCcxtError(error, 'InsufficientFunds')) return CcxtErrorKind.INSUFFICIENT_FUNDS;
  if (isCcxtError(error, 'OrderNotFound')) return CcxtErrorKind.ORDER_NOT_FOUND;
  if (isCcxtError(error, 'InvalidOrder') || isCcxtError(error, 'BadRequest') || isCcxtError(error, 'BadSymbol')) return CcxtErrorKind.INVALID_ORDER;
  if (isCcxtError(error, 'ExchangeError')) return CcxtErrorKind.REJECTED;
  return CcxtErrorKind.UNKNOWN_OUTCOME;
}

/**
 * The venue's own reason in a ccxt error, without the request: `-2010 Account has insufficient balance
 * for requested action.` from `binance {"code":-2010,"msg":"…"}`. URLs lose their query strings, and
 * every credential and signature left is redacted.
 *
 * @param secrets the credentials of the exchange, removed wherever they appear.
 * @example
 * ```ts
 * venueReason(new ccxt.InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'), []); // '-1013 Filter failure: LOT_SIZE'
 * ```
 */
export function venueReason(error: unknown, secrets: readonly string[]): string {
  const raw = error instanceof Error ? error.message : String(error);
  let text = raw;
  const json = raw.indexOf('{');
  if (json >= 0) {
    try {
      const body = JSON.parse(raw.slice(json)) as Record<string, unknown>;
      const code = body['code'] ?? body['retCode'] ?? body['error_code'];
      const errors = Array.isArray(body['errors']) ? (body['errors'] as Record<string, unknown>[])[0] : undefined;
      const msg = body['msg'] ?? body['retMsg'] ?? body['message'] ?? body['error_description'] ?? body['error'] ?? errors?.['edit_failure_reason'] ?? errors?.['message'];
      if (typeof msg === 'string') text = code !== undefined && code !== null ? `${String(code)} ${msg}` : msg;
    } catch {
      // not a JSON body: the text is cleaned below
    }
  }
  if (text === raw) text = raw.replace(/^[a-z0-9]+\s+/, ''); // ccxt prefixes the exchange id
  // A URL keeps its host and path only: its query string may hold a signature, a key or a listen key.
  text = text.replace(/\b(https?|wss?):\/\/([^\s?#"']+)(\?[^\s#"']*)?/gi, (_m, scheme: string, rest: string) => `${scheme}://${rest}`);
  text = redactSecrets(text, secrets);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * A submit whose outcome is unknown: the request timed out, the connection failed or the venue answered
 * 5xx, so the order may be working at the venue or not. Never a rejection and never retried blindly: the
 * order manager asks the venue by client order id after its submit timeout.
 *
 * @example
 * ```ts
 * if (error instanceof OrderOutcomeUnknownError) console.warn(error.clientOrderId, 'will be reconciled');
 * ```
 */
export class OrderOutcomeUnknownError extends NetworkError {
  constructor(
    readonly clientOrderId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A ccxt error as an rxtrade error of the matching class, its message `<venue> <operation>: <reason>`
 * with the request and the credentials removed. The ccxt error is not attached as `cause` (its message
 * and stack hold the signed URL); its class name is kept in `ccxtError`.
 *
 * @param context the venue id, the operation (`createOrder`, `fetchOrder`, …) and the credentials to redact.
 * @example
 * ```ts
 * const e = toRxTradeError(new ccxt.InsufficientFunds('binance {"code":-2010,"msg":"Account has insufficient balance for requested action."}'), { venue: 'BINANCE', operation: 'createOrder', secrets: [] });
 * e instanceof InsufficientFundsError; // true
 * e.message; // 'BINANCE createOrder: -2010 Account has insufficient balance for requested action.'
 * ```
 */
export function toRxTradeError(error: unknown, context: { venue: string; operation: string; secrets: readonly string[] }): RxTradeError & { readonly ccxtError: string; readonly kind: CcxtErrorKind } {
  const kind = classifyCcxtError(error);
  const message = `${context.venue} ${context.operation}: ${venueReason(error, context.secrets)}`;
  let mapped: RxTradeError;
  switch (kind) {
    case CcxtErrorKind.RATE_LIMIT:
      mapped = new RateLimitError(message);
      break;
    case CcxtErrorKind.AUTHENTICATION:
      mapped = new AuthenticationError(message);
      break;
    case CcxtErrorKind.INSUFFICIENT_FUNDS:
      mapped = new InsufficientFundsError(message);
      break;
    case CcxtErrorKind.ORDER_NOT_FOUND:
      mapped = new OrderNotFoundError(message);
      break;
    case CcxtErrorKind.INVALID_ORDER:
    case CcxtErrorKind.REJECTED:
      mapped = new InvalidOrderError(message);
      break;
    default:
      mapped = new NetworkError(message);
  }
  const name = error instanceof Error ? error.constructor.name : typeof error;
  return Object.assign(mapped, { ccxtError: name, kind });
}
