/** Iteration counts for a full run and for `--quick`. */
export interface BenchConfig {
  readonly rounds: number;
  readonly warmup: number;
  /** Sequential round trips a round. */
  readonly roundTrips: number;
  /** Requests in flight at once, a round. */
  readonly pipelined: number;
  /** Notifications a burst. */
  readonly notifications: number;
  /** Reconnects measured. */
  readonly reconnects: number;
  /** Idle sessions (and raw sockets) held for the memory figure. */
  readonly idleSessions: number;
  /** Frozen sockets timed with default options. */
  readonly freezes: number;
  /** Also time heartbeat-only detection (~35 s, in the background). */
  readonly heartbeatOnly: boolean;
  /** Drops timed for each channel count. */
  readonly resubscribes: number;
  /** Rounds of the refresh benchmark, and how long each client calls in each. */
  readonly refreshRounds: number;
  readonly refreshRoundMs: number;
  /** Rounds of each benchmark at the credit limit (about 4 s each). */
  readonly limitRounds: number;
  /** Drops timed with and without something to resync (about 6 s each). */
  readonly continuityRounds: number;
}

export const FULL: BenchConfig = {
  rounds: 5,
  warmup: 1000,
  roundTrips: 3000,
  pipelined: 30_000,
  notifications: 100_000,
  reconnects: 60,
  idleSessions: 500,
  freezes: 5,
  heartbeatOnly: true,
  resubscribes: 10,
  refreshRounds: 5,
  refreshRoundMs: 1500,
  limitRounds: 3,
  continuityRounds: 6,
};

export const QUICK: BenchConfig = {
  rounds: 2,
  warmup: 200,
  roundTrips: 300,
  pipelined: 3000,
  notifications: 10_000,
  reconnects: 8,
  idleSessions: 50,
  freezes: 1,
  heartbeatOnly: false,
  resubscribes: 3,
  refreshRounds: 1,
  refreshRoundMs: 600,
  limitRounds: 1,
  continuityRounds: 2,
};
