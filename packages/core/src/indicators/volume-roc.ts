/**
 * Volume rate of change in percent: 100 * (volume / volume[period ago] - 1), 0 when the earlier volume
 * is 0. TA-Lib has no volume ROC as such; the definition is the standard one (TA-Lib's `TA_ROC`,
 * ta_func/ta_ROC.c, applied to the volume series), and so is the reference.
 */
import { parseWith } from '../validation';
import { periodConfigSchema } from './config';
import { checkVolume } from './input-checks';
import type { Indicator } from './indicator';
import type { VolumeOnly } from './inputs';
import { Roc } from './roc';

/**
 * Percentage rate of change of volume over `period` bars.
 *
 * @example
 * ```ts
 * const vroc = new VolumeRoc(1);
 * vroc.update({ volume: 100 }); vroc.update({ volume: 150 }); // 50
 * ```
 */
export class VolumeRoc implements Indicator<VolumeOnly, number> {
  readonly period: number;
  readonly warmup: number;
  private readonly label: string;
  private readonly roc: Roc;

  constructor(period = 10) {
    this.period = parseWith(periodConfigSchema(1), { period }, 'VolumeRoc').period;
    this.label = `VolumeRoc(${period})`;
    this.warmup = period + 1;
    this.roc = new Roc(period, 'VolumeRoc');
  }

  get value(): number | undefined {
    return this.roc.value;
  }

  get isReady(): boolean {
    return this.roc.isReady;
  }

  update(input: VolumeOnly): number | undefined {
    checkVolume(this.label, input.volume);
    return this.roc.update(input.volume);
  }

  replace(input: VolumeOnly): number | undefined {
    checkVolume(this.label, input.volume);
    return this.roc.replace(input.volume);
  }

  reset(): void {
    this.roc.reset();
  }
}
