/**
 * Dead-socket detection with Deribit heartbeats. The session asks the server for heartbeats
 * (`public/set_heartbeat`) and answers each `test_request`; this watchdog declares the socket dead
 * when no frame at all arrived for about two intervals.
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

/** Checks per interval: the watchdog looks twice an interval, and gives up after four silent looks. */
const CHECKS_PER_INTERVAL = 2;
const SILENT_CHECKS_TO_DIE = 4;

/**
 * Watches one connection. Every inbound frame sets `rpc.receivedSinceCheck`; the watchdog clears it
 * on each look, and calls `onDead` after {@link SILENT_CHECKS_TO_DIE} looks found nothing.
 */
export class HeartbeatWatchdog {
  readonly #rpc: RpcConnection;
  readonly #onDead: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #silentChecks = 0;

  /**
   * @param rpc - the connection to watch
   * @param intervalSeconds - the heartbeat interval the server was asked for
   * @param onDead - called once when the connection is judged dead
   */
  constructor(rpc: RpcConnection, intervalSeconds: number, onDead: () => void) {
    this.#rpc = rpc;
    this.#onDead = onDead;
    rpc.receivedSinceCheck = true;
    this.#timer = setInterval(() => this.#check(), (intervalSeconds * 1000) / CHECKS_PER_INTERVAL);
  }

  #check(): void {
    if (this.#rpc.receivedSinceCheck) {
      this.#rpc.receivedSinceCheck = false;
      this.#silentChecks = 0;
      return;
    }
    this.#silentChecks += 1;
    if (this.#silentChecks >= SILENT_CHECKS_TO_DIE) {
      this.stop();
      this.#onDead();
    }
  }

  /** Stop watching. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
