/**
 * An abort whose `AbortSignal` is made only when something waits on it. A signal costs about 0.7 KiB in Node
 * (its EventTarget allocates two listener maps and a shape of its own up front), and a session keeps some it
 * rarely waits on: an idle session should not pay for them.
 * @module
 */

/** Like an `AbortController`, but `aborted` and `abort()` work without making the signal. */
export class LazyAbort {
  #controller: AbortController | undefined;
  #aborted = false;
  #reason: unknown;

  /** Whether {@link abort} was called (reads no signal). */
  get aborted(): boolean {
    return this.#aborted;
  }

  /** The signal, made on first use (already aborted, with the reason, when {@link abort} came first). */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#reason);
    }
    return this.#controller.signal;
  }

  /** Abort with `reason` (the first call wins). */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#controller?.abort(reason);
  }
}
