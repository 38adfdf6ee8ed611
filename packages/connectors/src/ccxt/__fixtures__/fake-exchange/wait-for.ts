/**
 * Awaits a condition instead of sleeping: polls `check` every few milliseconds until it returns a
 * truthy value (which it resolves with) or `timeoutMs` passes (then it rejects naming `what`).
 *
 * @example
 * ```ts
 * await waitFor(() => fake.socketsOf('market').length > 0, 'a market-data socket');
 * ```
 */
export async function waitFor<T>(check: () => T | undefined | false | null, what: string, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false && v !== null) return v;
    if (Date.now() > deadline) throw new Error(`waitFor: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
