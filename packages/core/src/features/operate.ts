/**
 * The subscription plumbing the feature operators share (internal, not exported from the package): a
 * throw in `next` errors the output instead of escaping to RxJS's unhandled-error hook, and a closed
 * output stops doing work at once, even while a synchronous source is still emitting.
 */
import type { Observable, Subscriber } from 'rxjs';
import { StateError } from '../errors';

/** Subscribes `subscriber`'s operator body to `source`. */
export function operate<T>(source: Observable<T>, subscriber: Subscriber<unknown>, next: (value: T) => void, complete?: () => void): void {
  subscriber.add(
    source.subscribe({
      next(value) {
        if (subscriber.closed) return;
        try {
          next(value);
        } catch (err) {
          subscriber.error(err);
        }
      },
      error(err: unknown) {
        subscriber.error(err);
      },
      complete() {
        if (subscriber.closed) return;
        try {
          complete?.();
        } catch (err) {
          subscriber.error(err);
          return;
        }
        subscriber.complete();
      },
    }),
  );
}

/**
 * One subscriber at a time for an operator that owns stateful objects (indicator instances passed in
 * by the caller): returns false, after erroring `subscriber`, when another subscription is live.
 */
export function exclusive(owner: { active: boolean }, subscriber: Subscriber<unknown>, operator: string): boolean {
  if (owner.active) {
    subscriber.error(new StateError(`${operator}: already has a subscriber and its indicators are stateful; share() the output or build one operator per stream`));
    return false;
  }
  owner.active = true;
  subscriber.add(() => {
    owner.active = false;
  });
  return true;
}
