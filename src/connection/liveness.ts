/**
 * Dead-socket detection. Deribit's heartbeat cannot go below 10 s, so by default the monitor probes: it sends
 * `public/test` when nothing arrived for `idle` ms, or when a request has waited `idle` ms with no response of
 * any kind since it went out; and it declares the socket dead when no response arrives within `timeout` ms of
 * the probe. Only responses prove the request path works: a server that keeps streaming a ticker but answers
 * no request is dead for trading. Without probes it falls back to the heartbeat: dead after
 * {@link HEARTBEAT_SILENCE_INTERVALS} intervals without any frame.
 *
 * Silence is measured from when frames were received, never from when a timer ran, and a verdict waits until
 * pending I/O has been read: an event-loop stall delays the timer and the frames alike, so it is not mistaken
 * for a dead socket.
 * @module
 */
import { afterPendingIo, monotonic } from '../time/clock.js';
import { MAX_TIMER_DELAY } from '../time/wait.js';

/** Liveness probe tuning, in ms. */
export interface LivenessOptions {
  /** Probe after this much silence (or this long without an answer to a pending request). Default `1000`. */
  readonly idle?: number;
  /** Drop the socket when no response arrives this long after a probe. Default `1500`. */
  readonly timeout?: number;
}

/** Defaults of {@link LivenessOptions}: a frozen socket is detected within about 2.5 s. */
export const DEFAULT_LIVENESS: Required<LivenessOptions> = Object.freeze({ idle: 1000, timeout: 1500 });

/** Without probes, a socket is dead after this many heartbeat intervals without any frame. */
export const HEARTBEAT_SILENCE_INTERVALS = 2.5;

/** How the monitor decides: by probing, or by waiting for the server's heartbeats. */
export type LivenessMode =
  | { readonly probe: Required<LivenessOptions> }
  | { readonly heartbeatSeconds: number };

/**
 * The mode for a socket's phase: probes from the moment it opens (when enabled); heartbeat silence only once
 * `set_heartbeat` was sent, and only when probes are off. Undefined: nothing to watch in this phase.
 */
export function livenessModeFor(
  phase: 'open' | 'restored',
  liveness: Required<LivenessOptions> | false,
  heartbeatSeconds: number | false,
): LivenessMode | undefined {
  if (liveness !== false) return phase === 'open' ? { probe: liveness } : undefined;
  if (phase === 'restored' && heartbeatSeconds !== false) return { heartbeatSeconds };
  return undefined;
}

/** What the monitor reads of a connection (monotonic ms), and how it probes. */
export interface Watched {
  /** When the last frame of any kind arrived. */
  readonly lastFrameAt: number;
  /** When the last response to a request arrived. */
  readonly lastResponseAt: number;
  /** When the oldest request still waiting for its answer was sent, if any. */
  readonly oldestPendingAt: number | undefined;
  /** Send `public/test`; it settles with the answer (or any error). */
  probe(): Promise<unknown>;
}

/** Why the monitor gave up on a connection. */
export type DeathCause = 'silent' | 'unanswered';

/** Watches one connection; calls `onDead` once when it is judged dead. */
export class LivenessMonitor {
  readonly #rpc: Watched;
  readonly #mode: LivenessMode;
  readonly #onDead: (cause: DeathCause) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #cancelVerdict: (() => void) | undefined;
  #probeSentAt: number | undefined;
  #stopped = false;

  /**
   * @param rpc - the connection to watch
   * @param mode - probe, or heartbeat silence
   * @param onDead - called once when the connection is judged dead, with why
   */
  constructor(rpc: Watched, mode: LivenessMode, onDead: (cause: DeathCause) => void) {
    this.#rpc = rpc;
    this.#mode = mode;
    this.#onDead = onDead;
    this.#armAt(this.#nextLook());
  }

  /** Stop watching. Idempotent. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#cancelVerdict?.();
    this.#cancelVerdict = undefined;
  }

  /** Since when the request path has been silent, when a request waits for an answer. */
  #requestSilenceSince(): number | undefined {
    const oldest = this.#rpc.oldestPendingAt;
    return oldest === undefined ? undefined : Math.max(oldest, this.#rpc.lastResponseAt);
  }

  /** When the next look is due (monotonic ms), given what is known now. */
  #nextLook(): number {
    const mode = this.#mode;
    if ('heartbeatSeconds' in mode)
      return this.#rpc.lastFrameAt + mode.heartbeatSeconds * 1000 * HEARTBEAT_SILENCE_INTERVALS;
    if (this.#probeSentAt !== undefined) return this.#probeSentAt + mode.probe.timeout;
    const silent = this.#rpc.lastFrameAt + mode.probe.idle;
    const since = this.#requestSilenceSince();
    return since === undefined ? silent : Math.min(silent, since + mode.probe.idle);
  }

  #armAt(at: number): void {
    if (this.#stopped) return;
    // Past setTimeout's range Node fires after 1 ms; a look that comes early just arms again.
    this.#timer = setTimeout(() => this.#look(), Math.min(MAX_TIMER_DELAY, Math.max(0, at - monotonic())));
  }

  #look(): void {
    this.#timer = undefined;
    // Read what arrived during a stall before judging anything.
    this.#cancelVerdict = afterPendingIo(() => {
      this.#cancelVerdict = undefined;
      if (!this.#stopped) this.#judge();
    });
  }

  #judge(): void {
    const now = monotonic();
    const mode = this.#mode;
    if ('heartbeatSeconds' in mode) {
      if (now >= this.#nextLook()) this.#die('silent');
      else this.#armAt(this.#nextLook());
      return;
    }
    const { idle, timeout } = mode.probe;
    if (this.#probeSentAt !== undefined) {
      if (this.#rpc.lastResponseAt >= this.#probeSentAt) this.#probeSentAt = undefined;
      else if (now >= this.#probeSentAt + timeout) {
        this.#die(this.#rpc.lastFrameAt >= this.#probeSentAt ? 'unanswered' : 'silent');
        return;
      }
    }
    const since = this.#requestSilenceSince();
    const due = now >= this.#rpc.lastFrameAt + idle || (since !== undefined && now >= since + idle);
    if (this.#probeSentAt === undefined && due) {
      const sentAt = now;
      this.#probeSentAt = sentAt;
      // The answer (or any error) is a response, and that is all the probe needs; its own result does not matter.
      const answered = (): void => this.#onAnswer(sentAt);
      this.#rpc.probe().then(answered, answered);
    }
    this.#armAt(this.#nextLook());
  }

  /**
   * The probe sent at `sentAt` was answered: look again now, so the next probe is due `idle` after the answer.
   * Waiting for the end of the probe window instead would stretch the silence tolerated to `2 × timeout`.
   */
  #onAnswer(sentAt: number): void {
    if (this.#stopped || this.#probeSentAt !== sentAt || this.#cancelVerdict !== undefined) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#look();
  }

  #die(cause: DeathCause): void {
    this.stop();
    this.#onDead(cause);
  }
}
