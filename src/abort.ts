/**
 * Ending a wait with an AbortSignal.
 * @module
 */

/**
 * `promise`, unless `signal` aborts first: then `onAbort()` runs (to stop the work behind it) and the result
 * rejects with the signal's reason. Listeners are removed either way.
 */
export function abortable<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onAbort();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const aborted = (): void => {
      onAbort();
      reject(signal.reason);
    };
    signal.addEventListener('abort', aborted, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', aborted));
  });
}
