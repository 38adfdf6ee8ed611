/**
 * The engine's configuration compiled for the hot path (internal): instruments indexed, grids and
 * money factors computed, and limits resolved per (strategy, instrument) into exact integers, once.
 */
import { Decimal, ValidationError, type Instrument, type InstrumentId } from '@rxtrade/core';
import type { ParsedRiskEngineConfig, ParsedRiskLimits } from './config';
import { gridOf, moneyToQuanta, ratioOf, type Grid, type Ratio } from './exact';
import { normalQuantile } from './measures/normal';
import { validateCovariance } from './measures/portfolio-var';

/** One instrument, indexed. */
export interface InstrumentEntry {
  readonly index: number;
  readonly instrument: Instrument;
  readonly price: Grid;
  readonly qty: Grid;
  /** Money quanta per (one tick x one lot): tick * lot * multiplier * 10^D, an integer. */
  readonly factor: number;
  readonly minNotionalQ: number;
  /** Indices of the instrument's tags. */
  readonly tags: readonly number[];
}

/** Limits resolved for one (strategy, instrument) in exact units; Infinity or null = gate off. */
export interface CompiledLimits {
  readonly instrumentRules: boolean;
  readonly maxOrderLots: number;
  readonly maxOrderNotionalQ: number;
  readonly maxPositionLots: number;
  readonly maxGrossQ: number;
  readonly maxNetQ: number;
  readonly leverage: Ratio | null;
  readonly concentration: Ratio | null;
  readonly tagConcentration: Ratio | null;
  readonly collar: Ratio | null;
  readonly collarMid: boolean;
  readonly maxOpenOrders: number;
  readonly submitCount: number;
  readonly submitWindow: number;
  readonly modifyCount: number;
  readonly modifyWindow: number;
  readonly dailyLossQ: number;
  readonly drawdown: Ratio | null;
  readonly capitalQ: number;
  readonly restricted: boolean;
  readonly duplicates: boolean;
  readonly maxVar: number;
  /** The merged limits as configured (Decimals), for messages. */
  readonly source: ParsedRiskLimits;
}

/** The variance model of the pre-trade VaR gate; replaced, never mutated, so snapshots keep theirs. */
export interface VarModel {
  readonly ids: readonly string[];
  /** Per instrument index: its row in the covariance matrix, or -1. */
  readonly index: Int32Array;
  /** The covariance matrix, row-major (k x k). */
  readonly flat: Float64Array;
  readonly covariance: readonly (readonly number[])[];
  /** -z(1-confidence) * sqrt(horizonDays): VaR = scale * sd (a positive loss). */
  readonly scale: number;
}

const MONEY_KEYS = ['maxOrderNotional', 'maxGrossExposure', 'maxNetExposure', 'dailyLoss', 'capitalThreshold'] as const;

/** Compiled configuration. */
export class CompiledConfig {
  readonly entries: InstrumentEntry[] = [];
  readonly byId = new Map<string, InstrumentEntry>();
  readonly tagNames: string[] = [];
  /** Money quanta are 10^-moneyDecimals. */
  readonly moneyDecimals: number;
  readonly quantum: number;
  /** Longest rate window of any scope (ms): how much submit history a snapshot needs. */
  readonly maxSubmitWindow: number;
  readonly maxModifyWindow: number;
  /** The current VaR model (replaced by {@link CompiledConfig.setVarModel}; snapshots hold their own). */
  var: VarModel | null;
  private readonly cache = new Map<string, CompiledLimits[]>();

  constructor(readonly config: ParsedRiskEngineConfig) {
    const restricted = new Set(config.restricted);
    let decimals = config.moneyDecimals;
    const limitSets: Array<[ParsedRiskLimits, (string | number)[]]> = [[config.limits, ['config', 'limits']]];
    for (const scope of ['venues', 'instruments', 'strategies'] as const)
      for (const [k, v] of Object.entries(config.overrides[scope])) limitSets.push([v, ['config', 'overrides', scope, k]]);
    for (const [set] of limitSets) for (const key of MONEY_KEYS) decimals = Math.max(decimals, dp(set[key]));
    for (const inst of config.instruments) {
      decimals = Math.max(decimals, dp(inst.tickSize.mul(inst.lotSize).mul(inst.multiplier)), dp(inst.minNotional));
    }
    if (decimals > 15) throw new ValidationError([{ path: ['config', 'moneyDecimals'], message: `instruments and limits need ${decimals} decimals of money; at most 15 are exact` }]);
    this.moneyDecimals = decimals;
    this.quantum = 10 ** -decimals;
    const tagIndex = new Map<string, number>();
    config.instruments.forEach((inst, i) => {
      if (this.byId.has(inst.id)) throw new ValidationError([{ path: ['config', 'instruments', i, 'id'], message: `duplicate instrument ${inst.id}` }]);
      const factorD = inst.tickSize.mul(inst.lotSize).mul(inst.multiplier).mul(new Decimal(10).pow(decimals));
      const factor = factorD.toNumber();
      if (!Number.isSafeInteger(factor)) throw new ValidationError([{ path: ['config', 'instruments', i], message: 'tick x lot x multiplier is out of the exact range' }]);
      const tags = (config.tags[inst.id] ?? []).map((t) => {
        let ti = tagIndex.get(t);
        if (ti === undefined) {
          ti = this.tagNames.length;
          tagIndex.set(t, ti);
          this.tagNames.push(t);
        }
        return ti;
      });
      const entry: InstrumentEntry = {
        index: i,
        instrument: inst,
        price: gridOf(inst.tickSize),
        qty: gridOf(inst.lotSize),
        factor,
        minNotionalQ: moneyToQuanta(inst.minNotional, decimals),
        tags,
      };
      this.entries.push(entry);
      this.byId.set(inst.id, entry);
      if (restricted.has(inst.symbol)) restricted.add(inst.id);
    });
    for (const [id] of Object.entries(config.tags))
      if (!this.byId.has(id)) throw new ValidationError([{ path: ['config', 'tags', id], message: `unknown instrument ${JSON.stringify(id)}` }]);
    for (const id of Object.keys(config.overrides.instruments))
      if (!this.byId.has(id)) throw new ValidationError([{ path: ['config', 'overrides', 'instruments', id], message: `unknown instrument ${JSON.stringify(id)}` }]);
    this.restrictedIds = restricted;
    let sw = 0;
    let mw = 0;
    for (const [set] of limitSets) {
      if (set.maxSubmitRate) sw = Math.max(sw, set.maxSubmitRate.windowMs);
      if (set.maxModifyRate) mw = Math.max(mw, set.maxModifyRate.windowMs);
    }
    this.maxSubmitWindow = sw;
    this.maxModifyWindow = mw;
    this.var = null;
    if (config.varModel) this.setVarModel(config.varModel.instruments, config.varModel.covariance);
    for (const [set, path] of limitSets)
      if (set.maxVar != null && !config.varModel) throw new ValidationError([{ path: [...path, 'maxVar'], message: 'needs config.varModel (a covariance matrix)' }]);
    // Compile every scope once so that bad limits fail at construction, naming the field.
    for (const [set, path] of limitSets) this.compile(set, path);
  }

  private readonly restrictedIds: Set<string>;

  /** Installs a covariance matrix for the pre-trade VaR gate. */
  setVarModel(ids: readonly string[], covariance: readonly (readonly number[])[]): void {
    const vm = this.config.varModel;
    if (!vm) throw new ValidationError([{ path: ['config', 'varModel'], message: 'is required to use a covariance matrix' }]);
    validateCovariance(covariance, ids.length, 'covariance');
    ids.forEach((id, i) => {
      if (!this.byId.has(id)) throw new ValidationError([{ path: ['varModel', 'instruments', i], message: `unknown instrument ${JSON.stringify(id)}` }]);
    });
    const index = Int32Array.from(this.entries, (e) => ids.indexOf(e.instrument.id));
    const frozen = Object.freeze(covariance.map((r) => Object.freeze([...r])));
    const flat = Float64Array.from(covariance.flat());
    this.var = Object.freeze({ ids: Object.freeze([...ids]), index, flat, covariance: frozen, scale: -normalQuantile(1 - vm.confidence) * Math.sqrt(vm.horizonDays) });
  }

  /** Limits for an order of `strategyId` on instrument `entry` (memoized; config is immutable). */
  limits(strategyId: string, entry: InstrumentEntry): CompiledLimits {
    let row = this.cache.get(strategyId);
    if (row === undefined) {
      row = new Array<CompiledLimits>(this.entries.length);
      this.cache.set(strategyId, row);
    }
    let l = row[entry.index];
    if (l === undefined) {
      const o = this.config.overrides;
      const merged: ParsedRiskLimits = {
        ...this.config.limits,
        ...(o.venues[entry.instrument.venue] ?? {}),
        ...(o.instruments[entry.instrument.id] ?? {}),
        ...(o.strategies[strategyId] ?? {}),
      };
      if (this.restrictedIds.has(entry.instrument.id)) merged.restricted = true;
      l = this.compile(merged, ['limits'], entry);
      row[entry.index] = l;
    }
    return l;
  }

  private compile(s: ParsedRiskLimits, path: (string | number)[], entry?: InstrumentEntry): CompiledLimits {
    const money = (key: (typeof MONEY_KEYS)[number]): number => {
      const v = s[key];
      if (v == null) return Infinity;
      const q = moneyToQuanta(v, this.moneyDecimals);
      if (!Number.isSafeInteger(q)) throw new ValidationError([{ path: [...path, key], message: `${v.toString()} is beyond the exact range of the engine (2^53 quanta of 1e-${this.moneyDecimals})` }]);
      return q;
    };
    const lots = (v: Decimal | null | undefined): number =>
      v == null || !entry ? Infinity : v.div(entry.instrument.lotSize).toDecimalPlaces(0, Decimal.ROUND_DOWN).toNumber();
    const ratio = (key: 'maxLeverage' | 'maxConcentration' | 'maxTagConcentration' | 'maxDrawdown'): Ratio | null => {
      const v = s[key];
      if (v == null) return null;
      try {
        return ratioOf(v);
      } catch {
        throw new ValidationError([{ path: [...path, key], message: `${v.toString()} has too many digits` }]);
      }
    };
    let collar: Ratio | null = null;
    if (s.priceCollar) collar = ratioOf(s.priceCollar.maxDeviation);
    return {
      instrumentRules: s.instrumentRules ?? true,
      maxOrderLots: lots(s.maxOrderQuantity),
      maxOrderNotionalQ: money('maxOrderNotional'),
      maxPositionLots: lots(s.maxPosition),
      maxGrossQ: money('maxGrossExposure'),
      maxNetQ: money('maxNetExposure'),
      leverage: ratio('maxLeverage'),
      concentration: ratio('maxConcentration'),
      tagConcentration: ratio('maxTagConcentration'),
      collar,
      collarMid: s.priceCollar?.reference === 'mid',
      maxOpenOrders: s.maxOpenOrders ?? Infinity,
      submitCount: s.maxSubmitRate?.count ?? Infinity,
      submitWindow: s.maxSubmitRate?.windowMs ?? 0,
      modifyCount: s.maxModifyRate?.count ?? Infinity,
      modifyWindow: s.maxModifyRate?.windowMs ?? 0,
      dailyLossQ: money('dailyLoss'),
      drawdown: ratio('maxDrawdown'),
      capitalQ: money('capitalThreshold'),
      restricted: s.restricted ?? false,
      duplicates: s.duplicateOrders ?? true,
      maxVar: s.maxVar == null ? Infinity : s.maxVar.toNumber(),
      source: s,
    };
  }

  /** The instrument entry for an id, or undefined. */
  entry(id: InstrumentId | string): InstrumentEntry | undefined {
    return this.byId.get(id);
  }
}

function dp(d: Decimal | null | undefined): number {
  return d == null ? 0 : Math.max(0, d.decimalPlaces());
}
