import { Subject, map, take, type Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { HotStream } from './hot-stream';

/** Runs one script against a Subject and a HotStream and returns what each subscriber saw. */
function script(make: () => { next(v: number): void; complete(): void; error(e: unknown): void; observable: Observable<number> }): string[] {
  const log: string[] = [];
  const s = make();
  const a = s.observable.subscribe({ next: (v) => log.push(`a${v}`), complete: () => log.push('a done') });
  let late: { unsubscribe(): void } | undefined;
  const b = s.observable.subscribe((v) => {
    log.push(`b${v}`);
    // Subscribing and unsubscribing during a next do not change who receives that value.
    if (v === 1) late = s.observable.subscribe((x) => log.push(`late${x}`));
    if (v === 2) a.unsubscribe();
  });
  s.observable.pipe(map((v) => v * 10), take(2)).subscribe({ next: (v) => log.push(`m${v}`), complete: () => log.push('m done') });
  // Re-entrant next: a value sent from inside a subscriber reaches everyone after the current one.
  const reentrant = s.observable.subscribe((v) => {
    if (v === 3) s.next(4);
  });
  for (const v of [1, 2, 3]) s.next(v);
  b.unsubscribe();
  late?.unsubscribe();
  reentrant.unsubscribe();
  s.complete();
  s.next(5);
  s.observable.subscribe({ next: (v) => log.push(`after${v}`), complete: () => log.push('after done') });
  return log;
}

describe('HotStream', () => {
  it('delivers, completes and handles subscribers added or removed during a value as a Subject does', () => {
    const subject = script(() => {
      const s = new Subject<number>();
      return { next: (v) => s.next(v), complete: () => s.complete(), error: (e) => s.error(e), observable: s };
    });
    const hot = script(() => {
      const s = new HotStream<number>();
      return { next: (v) => s.next(v), complete: () => s.complete(), error: (e) => s.error(e), observable: s.observable };
    });
    expect(hot).toEqual(subject);
    expect(hot).toContain('late2');
    expect(hot).toContain('after done');
  });

  it('errors its subscribers and any later one, and reports whether it is observed', () => {
    const s = new HotStream<number>();
    expect(s.observed).toBe(false);
    const seen: unknown[] = [];
    const sub = s.observable.subscribe({ error: (e) => seen.push(e) });
    expect(s.observed).toBe(true);
    s.error(new Error('boom'));
    s.observable.subscribe({ error: (e) => seen.push(e) });
    expect(seen.map((e) => (e as Error).message)).toEqual(['boom', 'boom']);
    expect(sub.closed).toBe(true);
    expect(s.observed).toBe(false);
  });
});
