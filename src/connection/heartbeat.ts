/**
 * Deribit heartbeats: the options, and the one rule of answering `test_request` (at most one answer in
 * flight per socket: a server that floods test requests gets one `public/test` at a time, not a storm).
 * @module
 */
import type { RpcConnection } from './rpc.js';

/** Heartbeat tuning. */
export interface HeartbeatOptions {
  /**
   * Seconds between server heartbeats, > 0 (at most 2^31 − 1 ms). Deribit requires ≥ 10; the emulator
   * accepts less, for tests. Default `15`.
   */
  readonly interval?: number;
}

/** Default heartbeat interval in seconds. */
export const DEFAULT_HEARTBEAT_INTERVAL = 15;

/** Answers `test_request`s on one socket, one at a time. */
export function testRequestResponder(rpc: () => RpcConnection | undefined, timeout: number): () => void {
  let answering = false;
  return () => {
    const connection = rpc();
    if (answering || connection === undefined) return;
    answering = true;
    connection.call('public/test', undefined, timeout).then(
      () => {
        answering = false;
      },
      () => {
        answering = false;
      },
    );
  };
}
