/**
 * `decide`: the decision stage. For each input it asks several models (members) for a {@link Signal},
 * concurrently, and combines their votes into one decision:
 *
 *   S = Σ wᵢ cᵢ dᵢ / Σ wᵢ,   direction = sign(S),   confidence = |S|,
 *
 * with dᵢ = +1 / -1 / 0 for long / short / flat, cᵢ each member's confidence and wᵢ its recent
 * accuracy: the share of its last `window` resolved calls whose direction the price then took `horizon`
 * inputs later, Laplace-smoothed ((hits + 1) / (calls + 2), so 0.5 before any call resolves), or 1 for
 * every member without `accuracy`. A member that throws or does not answer within `timeoutMs` (on the
 * clock) is left out and, when a `fallback` (a simpler model) is given, the fallback votes in its
 * place, once per input. A decision whose confidence is below `threshold` is not emitted (or is emitted
 * flat, with `belowThreshold: 'flat'`).
 *
 * Everything runs inside one tracked asynchronous step per input, in input order, so a backtest gives
 * the same decisions on every run. On a virtual clock time does not move while a step waits, so a
 * member's timeout fires only in live trading; in a backtest a member that never answers is a bug.
 */
import type { OperatorFunction } from 'rxjs';
import { filter } from 'rxjs';
import { z } from 'zod';
import { mapAsync, parseWith, ValidationError, type Clock, type InstrumentId, type WorkTracker } from '@rxtrade/core';
import { directionSign, type Direction, type Signal } from './signal';

/** One model of the decision. */
export interface DecisionMember<I> {
  /** Its name: the key of its accuracy record and of its vote. */
  readonly name: string;
  /** Its signal for an input, or undefined to abstain; may be asynchronous. */
  readonly signal: (input: I) => Signal | undefined | PromiseLike<Signal | undefined>;
}

/** A member's (or the fallback's) part in a decision. */
export interface Vote {
  readonly model: string;
  readonly version: string;
  readonly direction: Direction;
  readonly confidence: number;
  /** Its weight: its recent accuracy, or 1. */
  readonly weight: number;
  readonly fallback: boolean;
}

/** A member that did not vote because it failed. */
export interface MemberFailure {
  readonly model: string;
  readonly reason: 'error' | 'timeout';
  readonly error?: unknown;
}

/** The combined signal, with the votes and failures behind it. */
export interface Decision extends Signal {
  readonly votes: readonly Vote[];
  readonly failures: readonly MemberFailure[];
}

/** Options of {@link decide}. */
export interface DecideConfig<I> {
  readonly members: readonly DecisionMember<I>[];
  /** Votes in place of the members that fail or time out. */
  readonly fallback?: DecisionMember<I>;
  /** Smallest confidence of an emitted decision (default 0: any decision that is not exactly balanced). */
  readonly threshold?: number;
  /** `'skip'` (default): a decision below the threshold is not emitted; `'flat'`: it is emitted as flat. */
  readonly belowThreshold?: 'skip' | 'flat';
  /** Longest wait for a member, in ms of `clock` (default: no limit). */
  readonly timeoutMs?: number;
  /** The context's clock (`ctx.clock`): timeouts run on it. */
  readonly clock: Clock;
  /** The context's work tracker (`ctx.work`). */
  readonly work: WorkTracker;
  /** Weights members by their recent accuracy: `price` of an input, `horizon` inputs ahead, over the last `window` calls. */
  readonly accuracy?: { readonly price: (input: I) => number; readonly horizon: number; readonly window: number };
  /** The decision's model name (default `'decide'`). */
  readonly name?: string;
  /** Called for every member failure. */
  readonly onFailure?: (failure: MemberFailure & { readonly ts: number }) => void;
}

const fn = z.custom<(...a: never[]) => unknown>((f) => typeof f === 'function', 'must be a function');
const MemberSchema = z.strictObject({ name: z.string().min(1), signal: fn });
const ConfigSchema = z.strictObject({
  members: z.array(MemberSchema).min(1).refine((m) => new Set(m.map((x) => x.name)).size === m.length, 'member names must be distinct'),
  fallback: MemberSchema.optional(),
  threshold: z.number().min(0).max(1).default(0),
  belowThreshold: z.enum(['skip', 'flat']).default('skip'),
  timeoutMs: z.number().positive().optional(),
  clock: z.custom<Clock>((c) => typeof (c as Clock)?.setTimer === 'function', 'must be a Clock (ctx.clock)'),
  work: z.custom<WorkTracker>((w) => typeof (w as WorkTracker)?.begin === 'function', "must be the context's WorkTracker (ctx.work)"),
  accuracy: z.strictObject({ price: fn, horizon: z.number().int().positive(), window: z.number().int().positive() }).optional(),
  name: z.string().min(1).default('decide'),
  onFailure: fn.optional(),
});

const TIMEOUT = Symbol('timeout');

/** Recent calls of one model on one instrument, resolved `horizon` inputs later. */
class AccuracyRecord {
  private readonly pending: { index: number; price: number; sign: number }[] = [];
  private readonly outcomes: boolean[] = [];

  constructor(private readonly window: number) {}

  resolve(index: number, price: number, horizon: number): void {
    while (this.pending.length > 0 && this.pending[0]!.index + horizon <= index) {
      const call = this.pending.shift()!;
      const move = Math.sign(price - call.price);
      if (move === 0) continue; // no move: neither right nor wrong
      this.outcomes.push(move === call.sign);
      if (this.outcomes.length > this.window) this.outcomes.shift();
    }
  }

  record(index: number, price: number, sign: number): void {
    if (sign !== 0) this.pending.push({ index, price, sign });
  }

  /** (hits + 1) / (calls + 2). */
  get weight(): number {
    let hits = 0;
    for (const o of this.outcomes) if (o) hits++;
    return (hits + 1) / (this.outcomes.length + 2);
  }
}

/**
 * Combines members' signals into one decision per input.
 *
 * @example
 * ```ts
 * ctx.market.bars(goog.id).pipe(
 *   decide({
 *     members: [{ name: 'cnn-lstm', signal: (bar) => cnn(bar) }, { name: 'xgboost', signal: (bar) => trees(bar) }],
 *     fallback: { name: 'sma', signal: (bar) => crossover(bar) },
 *     threshold: 0.3,
 *     timeoutMs: 500,
 *     accuracy: { price: (bar) => bar.close, horizon: 1, window: 50 },
 *     clock: ctx.clock,
 *     work: ctx.work,
 *   }),
 *   sizeSignals({ ctx, sizing: fixedFraction(0.1), price: (s) => lastClose }),
 * );
 * ```
 */
export function decide<I extends { readonly instrumentId: InstrumentId; readonly ts: number }>(config: DecideConfig<I>): OperatorFunction<I, Decision> {
  const c = parseWith(ConfigSchema, config, 'decide');
  const accuracy = config.accuracy;
  const records = new Map<string, AccuracyRecord>();
  const counters = new Map<InstrumentId, number>();
  const recordOf = (model: string, instrument: InstrumentId): AccuracyRecord => {
    const key = `${model}\u0000${instrument}`;
    let r = records.get(key);
    if (r === undefined) records.set(key, (r = new AccuracyRecord(accuracy!.window)));
    return r;
  };

  const ask = (member: DecisionMember<I>, input: I): Promise<Signal | undefined | typeof TIMEOUT> => {
    const answer = Promise.resolve().then(() => member.signal(input));
    if (c.timeoutMs === undefined) return answer;
    return new Promise((resolve, reject) => {
      const timer = c.clock.setTimer(c.clock.now() + c.timeoutMs!, () => resolve(TIMEOUT));
      answer.then(
        (s) => {
          timer.cancel();
          resolve(s);
        },
        (e: unknown) => {
          timer.cancel();
          reject(e);
        },
      );
    });
  };

  const step = async (input: I): Promise<Decision | undefined> => {
    const index = (counters.get(input.instrumentId) ?? -1) + 1;
    counters.set(input.instrumentId, index);
    const price = accuracy?.price(input);
    if (accuracy !== undefined) {
      if (!Number.isFinite(price)) throw new ValidationError([{ path: ['decide', 'accuracy', 'price'], message: `must return a finite number, got ${price}` }]);
      for (const m of [...c.members, ...(c.fallback ? [c.fallback] : [])]) recordOf(m.name, input.instrumentId).resolve(index, price!, accuracy.horizon);
    }
    const failures: MemberFailure[] = [];
    const answers = await Promise.all(
      config.members.map(async (m) => {
        try {
          const s = await ask(m, input);
          if (s === TIMEOUT) {
            failures.push({ model: m.name, reason: 'timeout' });
            return undefined;
          }
          return s === undefined ? undefined : { member: m, signal: s, fallback: false };
        } catch (error) {
          failures.push({ model: m.name, reason: 'error', error });
          return undefined;
        }
      }),
    );
    const votes = answers.filter((a) => a !== undefined);
    if (failures.length > 0 && config.fallback !== undefined) {
      try {
        const s = await ask(config.fallback, input);
        if (s === TIMEOUT) failures.push({ model: config.fallback.name, reason: 'timeout' });
        else if (s !== undefined) votes.push({ member: config.fallback, signal: s, fallback: true });
      } catch (error) {
        failures.push({ model: config.fallback.name, reason: 'error', error });
      }
    }
    for (const f of failures) config.onFailure?.({ ...f, ts: input.ts });
    if (accuracy !== undefined) for (const v of votes) recordOf(v.member.name, input.instrumentId).record(index, price!, directionSign(v.signal.direction));
    if (votes.length === 0) return undefined;

    const weighted = votes.map((v) => ({ ...v, weight: accuracy === undefined ? 1 : recordOf(v.member.name, input.instrumentId).weight }));
    let num = 0;
    let den = 0;
    for (const v of weighted) {
      num += v.weight * v.signal.confidence * directionSign(v.signal.direction);
      den += v.weight;
    }
    const score = num / den;
    const confidence = Math.abs(score);
    const strongEnough = score !== 0 && confidence >= c.threshold;
    if (!strongEnough && c.belowThreshold === 'skip') return undefined;
    const direction: Direction = !strongEnough ? 'flat' : score > 0 ? 'long' : 'short';
    // Size hint, target and stop come from the heaviest vote on the decided side.
    const lead = weighted
      .filter((v) => v.signal.direction === direction)
      .reduce<(typeof weighted)[number] | undefined>((best, v) => (best === undefined || v.weight * v.signal.confidence > best.weight * best.signal.confidence ? v : best), undefined);
    return {
      instrumentId: input.instrumentId,
      ts: input.ts,
      direction,
      confidence,
      ...(lead?.signal.sizeHint === undefined ? {} : { sizeHint: lead.signal.sizeHint }),
      ...(lead?.signal.target === undefined ? {} : { target: lead.signal.target }),
      ...(lead?.signal.stop === undefined ? {} : { stop: lead.signal.stop }),
      model: c.name,
      version: weighted.map((v) => `${v.signal.model}@${v.signal.version}`).join(' '),
      votes: weighted.map((v) => ({ model: v.member.name, version: v.signal.version, direction: v.signal.direction, confidence: v.signal.confidence, weight: v.weight, fallback: v.fallback })),
      failures,
    };
  };

  return (inputs) => inputs.pipe(mapAsync(step, { work: c.work }), filter((d): d is Decision => d !== undefined));
}
