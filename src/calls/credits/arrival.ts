/**
 * Pacing by arrival: a lower bound on Deribit's bucket, kept after a burst from a (nearly) full pool.
 *
 * Our bucket refills from when we send; Deribit's from when requests arrive. A stall in front of a burst (a
 * retransmitted segment, a pause at the gateway) delays the burst, and what we refilled and sent meanwhile arrives
 * with it, where Deribit's bucket, full and capped, refilled nothing for it: a `10028`, which ends the session.
 * The burst margin (`headroom.ts`) absorbs 25 ms of that; this absorbs any length. From a take on a (nearly) full
 * pool, the shadow holds what is left then and refills nothing until the first request sent after it (its probe)
 * is answered: one socket is FIFO, so that answer means the burst has arrived, and Deribit's bucket has refilled at
 * least since then. The shadow refills from that answer and goes out of force once it is full again (Deribit's is
 * too, then). It costs one round trip of refill a burst; a pool that is never near full never makes one.
 *
 * Per process: requests of other processes (and of a fork on its own socket) are not in it; the margin still is.
 * @module
 */

/** How long the shadow waits for the answer that ends its pause before it refills anyway. */
export const MAX_PAUSE_MS = 1000;

/** The lower bound on one pool's server bucket; see the module's comment. */
export class ArrivalShadow {
  /** Tokens, by our count, that Deribit's bucket surely holds. */
  #tokens: number;
  /** Monotonic ms the pause began, or undefined once it ended. */
  #pausedAt: number | undefined;
  /** Refilled up to this monotonic ms (once the pause ended). */
  #at = 0;
  /** The first request sent after the pause began: its answer ends the pause. */
  #probe: PromiseLike<unknown> | undefined;
  /** Whether the probe is listened to. */
  #listening = false;
  /** In force: false once it has caught up (full), until the next burst restarts it. */
  #active = true;

  /** @param tokens - what the pool held just after the take that began it; @param now - monotonic ms */
  constructor(tokens: number, now: number) {
    this.#tokens = tokens;
    this.#pausedAt = now;
  }

  /** Begin again, paused, as a new shadow would (the object is reused: a pool starts one a burst). */
  restart(tokens: number, now: number): void {
    this.#tokens = tokens;
    this.#pausedAt = now;
    this.#probe = undefined;
    this.#listening = false;
    this.#active = true;
  }

  /** Whether it is in force (it goes out of force once it has caught up; {@link restart} puts it back). */
  get active(): boolean {
    return this.#active;
  }

  /** Tokens it counts, as of the last {@link waitMs}. */
  get tokens(): number {
    return this.#tokens;
  }

  /** Whether it still waits for the answer that ends the pause. */
  get paused(): boolean {
    return this.#pausedAt !== undefined;
  }

  /** A request is sent: the first after the pause began is the probe. Returns whether this one is. */
  sending(sent: PromiseLike<unknown>): boolean {
    if (this.#pausedAt === undefined || this.#probe !== undefined) return false;
    this.#probe = sent;
    return true;
  }

  /**
   * Call `answered` once the probe is answered by the server (`isAnswer` tells a server's error from a local
   * one, after which the pause waits out {@link MAX_PAUSE_MS}). Listened to from its send: an answer that came
   * unheard before a later burst would end that burst's pause at the wrong time.
   */
  listen(answered: () => void, isAnswer: (error: unknown) => boolean): void {
    const probe = this.#probe;
    if (probe === undefined || this.#listening || this.#pausedAt === undefined) return;
    this.#listening = true;
    const pausedAt = this.#pausedAt;
    const end = (): void => {
      if (this.#pausedAt === pausedAt) answered();
    };
    probe.then(end, (error: unknown) => {
      if (isAnswer(error)) end();
    });
  }

  /** End the pause at `now` (the probe was answered): refill from then. */
  resume(now: number): void {
    this.#pausedAt = undefined;
    this.#at = now;
  }

  /**
   * ms until a take may go (0: now), refilling at `rate` a second up to `burst`; a paused shadow with no tokens
   * waits at most until {@link MAX_PAUSE_MS}. Once it has caught up (full) it goes out of force and says 0: the
   * pool then paces by its bucket alone.
   */
  waitMs(now: number, rate: number, burst: number): number {
    if (!this.#active) return 0;
    if (this.#pausedAt !== undefined && now - this.#pausedAt >= MAX_PAUSE_MS) {
      this.resume(this.#pausedAt + MAX_PAUSE_MS);
    }
    if (this.#pausedAt !== undefined) {
      return this.#tokens >= 1 ? 0 : this.#pausedAt + MAX_PAUSE_MS - now;
    }
    this.#tokens = Math.min(burst, this.#tokens + ((now - this.#at) * rate) / 1000);
    this.#at = Math.max(this.#at, now);
    if (this.#tokens >= burst) {
      this.#active = false;
      return 0;
    }
    return this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / rate) * 1000;
  }

  /** A take went (after {@link waitMs} said 0). */
  taken(): void {
    this.#tokens -= 1;
  }
}
