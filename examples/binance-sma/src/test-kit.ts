/**
 * Helpers of the example's tests: a minute of market on the fake Binance, an independent reference of
 * the crossover's signals, and a wait on a condition.
 */
import type { FakeBinance } from '../../../packages/connectors/src/ccxt/__fixtures__/fake-binance/index';

/**
 * Minute `k` after `t0` on the fake's BTC/USDT: the venue's clock moves there, the book is put one
 * dollar either side of `price` (5 BTC each), and another participant buys 0.01 BTC at `price` (a trade
 * against hidden liquidity, which prints on the trade and kline streams).
 */
export function playMinute(fake: FakeBinance, t0: number, k: number, price: number): void {
  fake.spot.setTime(t0 + k * 60_000 + 1_000);
  fake.spot.setBook('BTCUSDT', { bids: [[price - 1, 5]], asks: [[price + 1, 5]] });
  fake.spot.trade('BTCUSDT', { side: 'buy', price, qty: 0.01 });
}

/** The plain mean of `closes[end - n + 1 .. end]`, or undefined before `n` closes. */
function mean(closes: readonly number[], end: number, n: number): number | undefined {
  if (end + 1 < n) return undefined;
  let sum = 0;
  for (let i = end - n + 1; i <= end; i++) sum += closes[i]!;
  return sum / n;
}

/**
 * The crosses of SMA(fast) over SMA(slow) of `closes`, recomputed from scratch at every bar (not with
 * the running sums of the strategy's `Sma`): +1 where the difference turns positive from the last
 * non-zero one that was negative, -1 the other way.
 */
export function crossesOf(closes: readonly number[], fast: number, slow: number): { index: number; signal: 1 | -1 }[] {
  const out: { index: number; signal: 1 | -1 }[] = [];
  let last: number | undefined;
  for (let i = 0; i < closes.length; i++) {
    const f = mean(closes, i, fast);
    const s = mean(closes, i, slow);
    if (f === undefined || s === undefined) continue;
    const diff = f - s;
    if (last !== undefined && last < 0 && diff > 0) out.push({ index: i, signal: 1 });
    if (last !== undefined && last > 0 && diff < 0) out.push({ index: i, signal: -1 });
    if (diff !== 0 || last === undefined) last = diff;
  }
  return out;
}

/** Waits until `probe` holds, polling every 5 ms; fails naming `what` after `ms`. */
export async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits until a market-data socket of the fake's spot area carries `stream` (`btcusdt@kline_1m`). */
export async function streaming(fake: FakeBinance, stream: string): Promise<void> {
  await until(`the fake's ${stream} stream`, () => fake.socketsOf('market', 'spot').some((s) => (s.state.get('streams') as Set<string> | undefined)?.has(stream) === true));
}
