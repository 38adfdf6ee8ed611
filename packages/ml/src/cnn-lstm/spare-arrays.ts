/**
 * Float32Arrays that a fused operation's backward pass has finished with, by length, for the next
 * forward pass. A training step of the CNN+LSTM at the benchmark's size would otherwise allocate some
 * 20 MB of them (the LSTM's gates, cells, states and gate gradients, the attentions' inputs and
 * probabilities), which the garbage collector then has to free. An array taken here holds stale values:
 * every user overwrites all of it before reading, and gives back only arrays that no tensor views.
 */
const spare = new Map<number, Float32Array[]>();

/** At most this many arrays of one length are kept. */
const KEEP = 8;

/**
 * A Float32Array of `length` values, reused where one was given back (its values are stale), new otherwise.
 *
 * @example
 * ```ts
 * const a = takeArray(1024);
 * a.fill(0);
 * // … once no one reads it any more:
 * giveBack([a]);
 * ```
 */
export function takeArray(length: number): Float32Array {
  return spare.get(length)?.pop() ?? new Float32Array(length);
}

/** Hands arrays back for {@link takeArray}; the caller must not touch them afterwards. */
export function giveBack(arrays: readonly Float32Array[]): void {
  for (const a of arrays) {
    let list = spare.get(a.length);
    if (!list) spare.set(a.length, (list = []));
    if (list.length < KEEP) list.push(a);
  }
}
