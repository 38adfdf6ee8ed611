/**
 * The run shared by the scheduled algorithms (TWAP, VWAP): slice k is sent at `times[k]`, and brings
 * what is filled or working up to the schedule's cumulative target through slice k. In the ordinary
 * case (every child fills) that is exactly the planned slice quantity; when a child closes unfilled
 * (canceled, rejected, denied, expired) its unfilled quantity is no longer working, so the next slice
 * sends it again on top of its own share: unfilled quantity is redistributed to the next slice, never
 * beyond the parent quantity. What is unfilled after the last slice is not sent again.
 */
import { ZERO, type Decimal, type PipelineContext, type TimerHandle } from '@rxtrade/core';
import type { AlgoHandle, AlgoRun } from './execution-algorithm';

/**
 * A run that sends slice k at `times[k]` sized to reach the cumulative target of `quantities[0..k]`.
 *
 * @internal
 */
export function scheduledRun(ctx: PipelineContext, handle: AlgoHandle, times: readonly number[], quantities: readonly Decimal[]): AlgoRun {
  let timer: TimerHandle | undefined;
  let target: Decimal = ZERO;
  let k = 0;

  const fire = (): void => {
    timer = undefined;
    if (handle.ended) return;
    target = target.plus(quantities[k]!);
    const parent = handle.parent;
    const due = target.minus(parent.filled).minus(parent.working);
    if (due.gt(0)) handle.send(due);
    k++;
    if (handle.ended) return;
    if (k >= times.length) handle.endSchedule();
    else timer = ctx.clock.setTimer(times[k]!, fire);
  };

  return {
    start: () => {
      // Slice 0 is due now: sent at once rather than on a timer, so the first child leaves with the parent.
      if (times[0]! <= ctx.clock.now()) fire();
      else timer = ctx.clock.setTimer(times[0]!, fire);
    },
    dispose: () => {
      timer?.cancel();
      timer = undefined;
    },
  };
}
