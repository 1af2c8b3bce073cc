/**
 * What one socket knows of its subscriptions: the channels the server confirmed on it, and the subscribe
 * requests in flight on it (one per channel, however many callers ask). It lives on the socket's lifetime, so
 * it is gone with the socket: a new socket starts with nothing confirmed.
 * @module
 */

/** Subscriptions of one socket. */
export class SocketChannels {
  // Created on first use: most sockets of a process may never subscribe.
  #confirmed: Set<string> | undefined;
  #inflight: Map<string, Promise<void>> | undefined;

  /** Whether the server confirmed `channel` on this socket. */
  isConfirmed(channel: string): boolean {
    return this.#confirmed?.has(channel) ?? false;
  }

  /** How many channels are confirmed. */
  get confirmedCount(): number {
    return this.#confirmed?.size ?? 0;
  }

  /** Record the server's confirmation of `channel`. */
  confirm(channel: string): void {
    this.#confirmed ??= new Set();
    this.#confirmed.add(channel);
  }

  /** Forget a confirmation (the channel was unsubscribed). */
  unconfirm(channel: string): void {
    this.#confirmed?.delete(channel);
  }

  /** The subscribe request in flight for `channel`, if any. */
  inflight(channel: string): Promise<void> | undefined {
    return this.#inflight?.get(channel);
  }

  /** Record `outcome` as the request in flight for each of `channels`, until it settles. */
  track(channels: readonly string[], outcome: Promise<void>): void {
    this.#inflight ??= new Map();
    const inflight = this.#inflight;
    for (const channel of channels) inflight.set(channel, outcome);
    const forget = (): void => {
      for (const channel of channels) if (inflight.get(channel) === outcome) inflight.delete(channel);
      // Nothing in flight: let the empty map go (every socket subscribes platform_state, then idles).
      if (inflight.size === 0 && this.#inflight === inflight) this.#inflight = undefined;
    };
    outcome.then(forget, forget);
  }
}
