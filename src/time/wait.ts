/**
 * Ending a wait early: with an AbortSignal, with a deadline, or both.
 * @module
 */

/** A deadline for {@link abortable}: after `ms`, it rejects with `error()`. */
export interface Deadline {
  readonly ms: number;
  readonly error: () => Error;
}

/**
 * `promise`, unless `signal` aborts first (then `onAbort()` runs, to stop the work behind it, and the result
 * rejects with the signal's reason) or the `deadline` passes (it rejects with the deadline's error). The
 * listener and the timer are removed either way.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void = () => {},
  deadline?: Deadline,
): Promise<T> {
  if (signal === undefined && deadline === undefined) return promise;
  if (signal?.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const settle = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', aborted);
    };
    const aborted = (): void => {
      settle();
      onAbort();
      reject(signal?.reason);
    };
    const timer =
      deadline &&
      setTimeout(() => {
        settle();
        reject(deadline.error());
      }, deadline.ms);
    signal?.addEventListener('abort', aborted, { once: true });
    promise.then(
      (value) => {
        settle();
        resolve(value);
      },
      (error: unknown) => {
        settle();
        reject(error);
      },
    );
  });
}
