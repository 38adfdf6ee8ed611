/**
 * The risk engine. `check(command, state)` is synchronous and pure: its decision depends only on the
 * command, the {@link RiskState} snapshot and the (immutable) configuration. Everything that changes
 * over time lives in the engine and is advanced explicitly, on the engine's clock:
 * - `snapshot(input)` captures the trading state, the observed peak and day-start equity, reference
 *   prices and the recent submit and modify times into an immutable state;
 * - `record(command, decision)` appends the decision to the audit trail and, for an approved submit or
 *   modify, to the rate windows (so the next snapshot counts it);
 * - `observeEquity`, `observePrice` / `observeMarketData` and `onOrderEvent` feed the peak, the trading
 *   day and the circuit breakers; breakers move the trading state and alert on `events`.
 * A platform calls snapshot, check, record in that order per command (or `evaluate`, which does all
 * three); `riskGate` does the same inside an RxJS pipeline.
 */
import {
  Decimal,
  parseWith,
  StateError,
  toDecimal,
  ValidationError,
  type Bar,
  type CancelOrder,
  type Clock,
  type DecimalLike,
  type InstrumentId,
  type OrderCommand,
  type OrderEvent,
  type Quote,
  type StrategyId,
  type SubmitOrder,
  type Trade,
  type ClientOrderId,
} from '@rxtrade/core';
import { EventEmitter } from 'eventemitter3';
import { AuditKind, AuditLog } from './audit-log';
import { CompiledConfig } from './compiled-config';
import { RiskEngineConfigSchema, type ParsedRiskEngineConfig, type RiskEngineConfig } from './config';
import { BreakerName, type BreakerAlert, type RiskEngineEvents } from './events';
import { checkCommand } from './risk-check';
import { DenialCode, type RiskDecision } from './risk-decision';
import { RiskState, type RiskOpenOrderInput, type RiskPositionInput, type RiskStateInput } from './risk-state';
import { TradingDay } from './trading-day';
import { mostRestrictive, TradingState } from './trading-state';
import { VolatilityMonitor } from './volatility-monitor';

/** A tripped breaker. */
export interface BreakerStatus {
  readonly breaker: BreakerName;
  readonly action: TradingState;
  readonly trippedAt: number;
  /** Earliest time a manual reset is accepted without `force`. */
  readonly coolDownUntil: number;
  readonly reason: string;
}

/**
 * Options of {@link RiskEngine.killSwitch}.
 *
 * @example
 * ```ts
 * engine.killSwitch({ reason: 'venue outage', flatten: true, openOrders: orders.openOrders(), positions: ledger.openPositions() });
 * ```
 */
export interface KillSwitchOptions {
  readonly reason: string;
  /** Also send market orders that flatten every position (default false). */
  readonly flatten?: boolean;
  /** Orders to cancel (every open order). */
  readonly openOrders?: readonly Pick<RiskOpenOrderInput, 'clientOrderId' | 'strategyId' | 'instrumentId'>[];
  /** Positions to flatten. */
  readonly positions?: readonly RiskPositionInput[];
}

interface Trip {
  readonly token: number;
  readonly action: TradingState;
  readonly trippedAt: number;
  readonly coolDownMs: number;
  readonly reason: string;
}

/**
 * Pre-trade risk engine with trading states, circuit breakers, a kill switch and a hash-chained audit
 * trail.
 *
 * @example
 * ```ts
 * const engine = new RiskEngine({ clock, instruments: [goog], limits: { maxOrderNotional: '50000', dailyLoss: '2000' } });
 * const state = engine.snapshot({ equity: '100000', positions: [], openOrders: [], prices: { [goog.id]: { last: 150.25 } } });
 * const decision = engine.check(order, state);
 * engine.record(order, decision);
 * if (!decision.approved) console.log(decision.reasons.map((r) => r.code));
 * ```
 */
export class RiskEngine {
  /** Lifecycle and alerts: `decision`, `orderDenied`, `tradingState`, `alert`, `killSwitch`. */
  readonly events = new EventEmitter<RiskEngineEvents>();
  /** The hash-chained audit trail of decisions and state changes. */
  readonly audit: AuditLog;
  readonly clock: Clock;
  /** The parsed configuration. */
  readonly config: ParsedRiskEngineConfig;
  private readonly compiled: CompiledConfig;
  private manualState: TradingState = TradingState.ACTIVE;
  private effective: TradingState = TradingState.ACTIVE;
  private readonly trips = new Map<BreakerName, Trip>();
  private tripToken = 0;
  private peak: Decimal | undefined;
  private dayStart: Decimal | undefined;
  private lastEquity: Decimal | undefined;
  private dayKey = NaN;
  private readonly day: TradingDay;
  private readonly last: Float64Array;
  private readonly mid: Float64Array;
  private submitTimes: number[] = [];
  private modifyTimes: number[] = [];
  private venueErrors = 0;
  private killSeq = 0;
  private readonly volatility: VolatilityMonitor | undefined;
  private readonly watched: Set<string> | undefined;

  constructor(config: RiskEngineConfig) {
    this.config = parseWith(RiskEngineConfigSchema, config, 'config');
    this.compiled = new CompiledConfig(this.config);
    this.clock = this.config.clock;
    this.audit = new AuditLog({
      ...(this.config.audit.sink ? { sink: this.config.audit.sink } : {}),
      ...(this.config.audit.key ? { key: this.config.audit.key } : {}),
      keepInMemory: this.config.audit.keepInMemory,
    });
    this.day = new TradingDay(this.config.dailyReset.timeZone, this.config.dailyReset.hour);
    const n = this.compiled.entries.length;
    this.last = new Float64Array(n).fill(NaN);
    this.mid = new Float64Array(n).fill(NaN);
    const v = this.config.breakers.volatility;
    if (v) {
      this.volatility = new VolatilityMonitor(v.windowMs, v.k, v.lookback, v.minObservations);
      if (v.instruments) {
        v.instruments.forEach((id, i) => {
          if (!this.compiled.byId.has(id)) throw new ValidationError([{ path: ['config', 'breakers', 'volatility', 'instruments', i], message: `unknown instrument ${JSON.stringify(id)}` }]);
        });
        this.watched = new Set(v.instruments);
      }
    }
  }

  /** The effective trading state: the most restrictive of the manual state and every tripped breaker. */
  get tradingState(): TradingState {
    return this.effective;
  }

  /** Decimals of the engine's exact money quantum (limits and exposures are integers of 10^-decimals). */
  get moneyDecimals(): number {
    return this.compiled.moneyDecimals;
  }

  /** Takes an immutable snapshot of the state a decision depends on. */
  snapshot(input: RiskStateInput): RiskState {
    return new RiskState(
      this.compiled,
      {
        tradingState: this.effective,
        now: this.clock.now(),
        peakEquity: this.peak,
        dayStartEquity: this.dayStart,
        last: this.last,
        mid: this.mid,
        submitTimes: this.submitTimes,
        modifyTimes: this.modifyTimes,
      },
      input,
    );
  }

  /**
   * Checks one command against a snapshot: approved, or denied with every reason. Pure and synchronous.
   * A malformed command (unknown instrument, type, side, order type or time in force, a quantity that is
   * not a positive Decimal, a NaN price…) is denied as `INVALID_ORDER` with the field named; never
   * approved.
   */
  check(command: OrderCommand, state: RiskState): RiskDecision {
    return checkCommand(this.compiled, command, state);
  }

  /**
   * Records a decision: appends it to the audit trail, emits `decision`, and adds an approved submit or
   * modify to its rate window at time `ts` (default: now).
   */
  record(command: OrderCommand, decision: RiskDecision, ts: number = this.clock.now()): void {
    if (decision.approved) {
      if (command.type === 'SubmitOrder') this.submitTimes = pushTime(this.submitTimes, ts, this.compiled.maxSubmitWindow);
      else if (command.type === 'SubmitOrderList') for (let k = 0; k < command.orders.length; k++) this.submitTimes = pushTime(this.submitTimes, ts, this.compiled.maxSubmitWindow);
      else if (command.type === 'ModifyOrder') this.modifyTimes = pushTime(this.modifyTimes, ts, this.compiled.maxModifyWindow);
    }
    this.audit.append(ts, AuditKind.DECISION, { command, decision });
    this.events.emit('decision', { ts, command, decision });
  }

  /** Snapshot, check and record in one call. Malformed commands and unreadable inputs are recorded as INVALID_ORDER denials. */
  evaluate(command: OrderCommand, input: RiskStateInput): RiskDecision {
    const ts = input.time ?? this.clock.now();
    let decision: RiskDecision;
    try {
      decision = this.check(command, this.snapshot(input));
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      decision = { approved: false, reasons: [{ code: DenialCode.INVALID_ORDER, limit: undefined, actual: undefined, message: e.message }] };
    }
    this.record(command, decision, ts);
    return decision;
  }

  /**
   * Feeds equity: tracks the peak and the trading day's opening equity (the last equity observed before
   * the day boundary), and runs the loss and drawdown breakers.
   */
  observeEquity(equity: DecimalLike, ts: number = this.clock.now()): void {
    const e = toDecimal(equity, 'equity');
    const key = this.day.key(ts);
    if (key !== this.dayKey) {
      this.dayKey = key;
      // Equity at the boundary is the last one observed before it (nothing was marked in between), so
      // the day's loss counts from the previous close; the first observation ever starts the first day.
      this.dayStart = this.lastEquity ?? e;
    }
    this.lastEquity = e;
    if (this.peak === undefined || e.gt(this.peak)) this.peak = e;
    const b = this.config.breakers;
    if (b.loss && this.dayStart) {
      const loss = this.dayStart.sub(e);
      if (loss.gt(b.loss.limit)) this.trip(BreakerName.LOSS, b.loss, `loss since day start ${loss.toString()} exceeds ${b.loss.limit.toString()}`, loss.toString(), b.loss.limit.toString());
    }
    if (b.drawdown && this.peak.gt(0)) {
      const dd = this.peak.sub(e).div(this.peak);
      if (dd.gt(b.drawdown.limit))
        this.trip(BreakerName.DRAWDOWN, b.drawdown, `drawdown ${dd.toSignificantDigits(6).toString()} exceeds ${b.drawdown.limit.toString()}`, dd.toString(), b.drawdown.limit.toString());
    }
  }

  /** Feeds a market price (last trade or mid) of an instrument: reference for collars and marks, and the volatility breaker. */
  observePrice(instrumentId: InstrumentId | string, price: number, kind: 'last' | 'mid' = 'last', ts: number = this.clock.now()): void {
    const e = this.compiled.byId.get(instrumentId);
    if (e === undefined) return;
    if (!(price > 0) || !Number.isFinite(price)) throw new ValidationError([{ path: ['price'], message: `must be a positive finite number, got ${price}` }]);
    (kind === 'mid' ? this.mid : this.last)[e.index] = price;
    const v = this.config.breakers.volatility;
    if (kind === 'last' && v && this.volatility && (!this.watched || this.watched.has(instrumentId))) {
      const breach = this.volatility.update(e.index, ts, price);
      if (breach)
        this.trip(
          BreakerName.VOLATILITY,
          v,
          `${instrumentId} moved ${breach.windowReturn.toFixed(5)} (log) in ${v.windowMs} ms, beyond ${v.k} sd (${breach.threshold.toFixed(5)})`,
          String(breach.windowReturn),
          String(breach.threshold),
          instrumentId,
        );
    }
  }

  /**
   * Feeds a bar (close as last), quote (mid) or trade (last). Prices may be numbers or Decimals; anything
   * else (another event type, a price that is not a positive finite number, a quote whose bid is above
   * its ask, a time that is not finite) is refused with a `ValidationError` naming the field, and the
   * engine's state is left unchanged.
   */
  observeMarketData(md: Bar | Quote | Trade): void {
    if (md === null || typeof md !== 'object') throw new ValidationError([{ path: ['marketData'], message: 'must be a Bar, Quote or Trade event' }]);
    const ts = md.ts;
    if (typeof ts !== 'number' || !Number.isFinite(ts)) throw new ValidationError([{ path: ['marketData', 'ts'], message: `must be a finite epoch ms, got ${String(ts)}` }]);
    if (typeof md.instrumentId !== 'string') throw new ValidationError([{ path: ['marketData', 'instrumentId'], message: 'must be an instrument id string' }]);
    if (md.type === 'Bar') this.observePrice(md.instrumentId, priceField(md.close, 'close'), 'last', ts);
    else if (md.type === 'Trade') this.observePrice(md.instrumentId, priceField(md.price, 'price'), 'last', ts);
    else if (md.type === 'Quote') {
      const bid = priceField(md.bid, 'bid');
      const ask = priceField(md.ask, 'ask');
      if (bid > ask) throw new ValidationError([{ path: ['marketData', 'bid'], message: `must be <= ask, got bid ${bid} above ask ${ask}` }]);
      this.observePrice(md.instrumentId, (bid + ask) / 2, 'mid', ts);
    } else throw new ValidationError([{ path: ['marketData', 'type'], message: `must be Bar, Quote or Trade, got ${JSON.stringify((md as { type: unknown }).type)}` }]);
  }

  /** The audit trail's head: records appended and the last hash. Keep it apart from the file to detect truncation. */
  get auditHead(): { readonly count: number; readonly hash: string } {
    return { count: this.audit.length, hash: this.audit.head };
  }

  /** Feeds an order event: venue rejections count toward the venue-error breaker; acceptances and fills reset the count. */
  onOrderEvent(event: OrderEvent): void {
    const b = this.config.breakers.venueErrors;
    if (event.type === 'OrderRejected' || event.type === 'OrderCancelRejected' || event.type === 'OrderModifyRejected') {
      this.venueErrors++;
      if (b && this.venueErrors >= b.maxConsecutive)
        this.trip(BreakerName.VENUE_ERRORS, b, `${this.venueErrors} consecutive venue errors (last: ${event.reason})`, String(this.venueErrors), String(b.maxConsecutive));
    } else if (event.type === 'OrderAccepted' || event.type === 'OrderFilled') this.venueErrors = 0;
  }

  /** Sets the manual trading state (the kill switch sets HALTED; set ACTIVE to resume). Breakers still apply. */
  setTradingState(state: TradingState, reason: string): void {
    if (!Object.values(TradingState).includes(state)) throw new ValidationError([{ path: ['state'], message: `must be ACTIVE, REDUCING or HALTED, got ${JSON.stringify(state)}` }]);
    this.manualState = state;
    this.updateState(reason);
  }

  /**
   * Pulls the kill switch: HALTED, a cancel for every open order and, when `flatten`, a market order
   * (reduce-only, IOC) against every position. The commands are returned and emitted on `killSwitch`
   * (`riskGate` forwards them downstream); they are the engine's own and are not gated.
   */
  killSwitch(options: KillSwitchOptions): (CancelOrder | SubmitOrder)[] {
    const ts = this.clock.now();
    this.manualState = TradingState.HALTED;
    this.updateState(`kill switch: ${options.reason}`);
    const commands: (CancelOrder | SubmitOrder)[] = (options.openOrders ?? []).map(
      (o): CancelOrder => ({ type: 'CancelOrder', clientOrderId: o.clientOrderId as ClientOrderId, strategyId: o.strategyId as StrategyId, instrumentId: o.instrumentId as InstrumentId, ts }),
    );
    if (options.flatten)
      for (const p of options.positions ?? []) {
        if (p.quantity.isZero()) continue;
        const order: SubmitOrder = {
          type: 'SubmitOrder',
          clientOrderId: `${this.config.killSwitch.idPrefix}-${++this.killSeq}` as ClientOrderId,
          strategyId: this.config.killSwitch.strategyId as StrategyId,
          instrumentId: p.instrumentId as InstrumentId,
          side: p.quantity.isNegative() ? 'BUY' : 'SELL',
          orderType: 'MARKET',
          quantity: p.quantity.abs(),
          price: undefined,
          triggerPrice: undefined,
          timeInForce: 'IOC',
          expireTime: undefined,
          reduceOnly: true,
          postOnly: false,
          ts,
        };
        commands.push(order);
      }
    this.audit.append(ts, AuditKind.KILL_SWITCH, { reason: options.reason, flatten: options.flatten ?? false, commands });
    this.events.emit('killSwitch', { ts, reason: options.reason, commands });
    return commands;
  }

  /** Breakers currently tripped. */
  breakers(): BreakerStatus[] {
    return [...this.trips].map(([breaker, t]) => ({ breaker, action: t.action, trippedAt: t.trippedAt, coolDownUntil: t.trippedAt + t.coolDownMs, reason: t.reason }));
  }

  /**
   * Resets a tripped breaker by hand. Refused (StateError) during its cool-down unless `force`.
   */
  resetBreaker(breaker: BreakerName, options: { readonly reason?: string; readonly force?: boolean } = {}): void {
    const t = this.trips.get(breaker);
    if (!t) throw new StateError(`breaker ${breaker} is not tripped`);
    const now = this.clock.now();
    if (now < t.trippedAt + t.coolDownMs && !options.force)
      throw new StateError(`breaker ${breaker} is cooling down until ${t.trippedAt + t.coolDownMs} (now ${now}); pass force to override`);
    this.release(breaker, options.reason ?? 'manual reset');
  }

  /** Replaces the covariance matrix of the pre-trade VaR gate (daily covariance of simple returns). */
  setCovariance(instruments: readonly string[], covariance: readonly (readonly number[])[]): void {
    this.compiled.setVarModel(instruments, covariance);
  }

  private trip(breaker: BreakerName, cfg: { action: TradingState; coolDownMs: number; autoReset: boolean }, reason: string, value: string, limit: string, instrumentId?: string): void {
    if (this.trips.has(breaker)) return;
    const ts = this.clock.now();
    const token = ++this.tripToken;
    this.trips.set(breaker, { token, action: cfg.action, trippedAt: ts, coolDownMs: cfg.coolDownMs, reason });
    const alert: BreakerAlert = { type: 'BreakerTripped', breaker, action: cfg.action, ts, reason, value, limit, ...(instrumentId ? { instrumentId } : {}) };
    this.audit.append(ts, AuditKind.BREAKER, alert);
    this.events.emit('alert', alert);
    this.updateState(`breaker ${breaker}: ${reason}`);
    if (cfg.autoReset)
      this.clock.setTimer(ts + cfg.coolDownMs, () => {
        if (this.trips.get(breaker)?.token === token) this.release(breaker, 'cool-down elapsed (auto reset)');
      });
  }

  private release(breaker: BreakerName, reason: string): void {
    const t = this.trips.get(breaker)!;
    this.trips.delete(breaker);
    if (breaker === BreakerName.VENUE_ERRORS) this.venueErrors = 0;
    const ts = this.clock.now();
    const alert: BreakerAlert = { type: 'BreakerReset', breaker, action: t.action, ts, reason };
    this.audit.append(ts, AuditKind.BREAKER, alert);
    this.events.emit('alert', alert);
    this.updateState(`breaker ${breaker} reset: ${reason}`);
  }

  private updateState(reason: string): void {
    let s = this.manualState;
    for (const t of this.trips.values()) s = mostRestrictive(s, t.action);
    if (s === this.effective) return;
    const from = this.effective;
    this.effective = s;
    const ts = this.clock.now();
    this.audit.append(ts, AuditKind.TRADING_STATE, { from, to: s, reason });
    this.events.emit('tradingState', { from, to: s, reason, ts });
  }
}

/** A market price given as a number or a Decimal, as a positive finite number. */
function priceField(v: unknown, field: string): number {
  const x = typeof v === 'number' ? v : v instanceof Decimal ? v.toNumber() : NaN;
  if (!(x > 0) || !Number.isFinite(x)) throw new ValidationError([{ path: ['marketData', field], message: `must be a positive finite number or Decimal, got ${v instanceof Decimal ? v.toString() : typeof v === 'number' ? String(v) : typeof v}` }]);
  return x;
}

function pushTime(times: number[], ts: number, window: number): number[] {
  if (window <= 0) return times;
  let start = 0;
  while (start < times.length && times[start]! <= ts - window) start++;
  const kept = start > 0 ? times.slice(start) : times;
  // Out-of-order times are inserted in place so the snapshot's binary search stays valid.
  let i = kept.length;
  while (i > 0 && kept[i - 1]! > ts) i--;
  kept.splice(i, 0, ts);
  return kept;
}
