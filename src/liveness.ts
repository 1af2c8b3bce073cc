/**
 * Liveness probing of a quiet socket: after `idle` ms without any inbound frame, send `public/test`;
 * if nothing at all arrives within `timeout` ms more, the socket is dead and is dropped.
 * Catches half-dead sockets within seconds, where heartbeats need two intervals.
 * @module
 */

/** Liveness tuning, in ms. */
export interface LivenessOptions {
  /** Quiet time (no inbound frame) before probing with `public/test`. Default `1000`. */
  readonly idle?: number;
  /** Time the probe may take: no frame within it drops the socket. Default `1500`. */
  readonly timeout?: number;
}

/** Defaults of {@link LivenessOptions}. */
export const DEFAULT_LIVENESS: Required<LivenessOptions> = Object.freeze({ idle: 1000, timeout: 1500 });
