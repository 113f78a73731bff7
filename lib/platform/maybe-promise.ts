// A value now, or a promise of it. The platform API's hot path passes values on this way, so a
// call answered from memory (the token verified from the cache, a state value already read)
// waits on no promise at all and its answer is written in the same turn as its request was read;
// each promise costs, as it runs the process's async hooks. Anything that does need to wait
// returns a promise, and the rest of the chain waits for it.

export type MaybePromise<T> = T | Promise<T>;

/** `next(value)` at once for a value, after it for a promise; a throw in `next` is thrown or rejects accordingly. */
export function andThen<T, U>(value: MaybePromise<T>, next: (value: T) => MaybePromise<U>): MaybePromise<U> {
  return value instanceof Promise ? value.then(next) : next(value);
}
