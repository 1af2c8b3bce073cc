/**
 * Time sources. Every delay and deadline in this library runs on the monotonic clock, so a step of the
 * wall clock (NTP, a VM resumed, a user changing the time) neither fires refreshes early nor lets a token
 * die unnoticed. The wall clock is used only for what the outside world reads: `expiresAt`, signatures.
 * @module
 */

/** Monotonic milliseconds (`performance.now()`): only differences mean anything. Node and browsers. */
export function monotonic(): number {
  return performance.now();
}

/**
 * Run `callback` after pending I/O has been read: `setImmediate` runs after Node's poll phase, so frames
 * that arrived while the event loop was stalled are seen before a verdict on silence. Browsers have no
 * `setImmediate`; a zero timeout is queued behind the socket tasks already waiting there.
 */
export function afterPendingIo(callback: () => void): () => void {
  if (typeof setImmediate === 'function') {
    const handle = setImmediate(callback);
    return () => clearImmediate(handle);
  }
  const handle = setTimeout(callback, 0);
  return () => clearTimeout(handle);
}
