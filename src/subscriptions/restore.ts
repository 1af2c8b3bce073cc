/**
 * Restoring every channel on a new socket, without ever losing one silently. Each round sends what is still
 * missing; then, per request:
 * - granted: confirmed (by the subscriber);
 * - left out of the answer: asked again, up to {@link MAX_LEFT_OUT} times, then refused;
 * - refused by an error that will not change (a refusal row of the code table): the channel it names is
 *   refused, or the request is split in halves until the one refused channel is found;
 * - any other error (a glitch, a timeout, an odd code): asked again.
 * Rounds wait a short backoff on the same socket. After {@link MAX_ROUNDS} rounds with channels still missing,
 * the restore fails and the loop reconnects with its backoff; the session is never announced ready meanwhile.
 * A `13009` (the token) is thrown at once: authentication comes first.
 * @module
 */
import type { SocketLifetime } from '../connection/lifetime.js';
import { sessionAction } from '../errors/classify.js';
import { ConnectionClosedError, RpcError, SubscriptionRefusedError } from '../errors/errors.js';
import { sleep } from '../time/wait.js';

/** Times a channel may be left out of a subscribe answer before it counts as refused. */
export const MAX_LEFT_OUT = 3;
/** Rounds of a restore on one socket before it gives up (and the loop reconnects). */
export const MAX_ROUNDS = 5;
/** First wait between rounds, ms; it doubles each round, up to {@link MAX_ROUND_DELAY}. */
const FIRST_ROUND_DELAY = 100;
const MAX_ROUND_DELAY = 2000;

/** What a restore needs from the subscriber. */
export interface RestoreLink {
  /** Send subscribe requests for `channels`; each outcome resolves with the channels its server answer left out. */
  send(
    channels: readonly string[],
  ): Array<{ readonly part: readonly string[]; readonly outcome: Promise<readonly string[]> }>;
  /** Whether `channel` still has a handler (unsubscribed meanwhile: not restored). */
  wanted(channel: string): boolean;
  /** The server refused `channels` for good. */
  refuse(channels: readonly string[], error: Error): void;
}

/** Subscribe `channels` on `life`; resolves once each is confirmed or refused for good. */
export async function restoreChannels(
  life: SocketLifetime,
  channels: readonly string[],
  link: RestoreLink,
): Promise<void> {
  let groups: string[][] = channels.length === 0 ? [] : [[...channels]];
  const leftOut = new Map<string, number>();
  let lastError: unknown;
  for (let round = 1; groups.length > 0; round++) {
    const sent = groups.flatMap((group) => link.send(group));
    const settled = await Promise.allSettled(sent.map(({ outcome }) => outcome));
    if (life.signal.aborted) throw life.signal.reason;
    const next: string[][] = [];
    const again: string[] = [];
    for (const [index, result] of settled.entries()) {
      const part = sent[index]?.part ?? [];
      if (result.status === 'fulfilled') {
        const refused: string[] = [];
        for (const channel of result.value) {
          const times = (leftOut.get(channel) ?? 0) + 1;
          leftOut.set(channel, times);
          (times >= MAX_LEFT_OUT ? refused : again).push(channel);
        }
        if (refused.length > 0) link.refuse(refused, new SubscriptionRefusedError(refused));
        continue;
      }
      const error: unknown = result.reason;
      const action = sessionAction(error);
      if (action === 'reauth' || action === 'fatal') throw error;
      if (error instanceof RpcError && action === 'refusal') {
        const named = typeof error.data?.['channel'] === 'string' ? error.data['channel'] : undefined;
        if (named !== undefined && part.includes(named)) {
          link.refuse([named], new SubscriptionRefusedError([named], { cause: error }));
          again.push(...part.filter((channel) => channel !== named));
        } else if (part.length === 1) {
          link.refuse(part, new SubscriptionRefusedError(part, { cause: error }));
        } else {
          const half = Math.ceil(part.length / 2);
          next.push(part.slice(0, half), part.slice(half));
        }
        continue;
      }
      lastError = error;
      again.push(...part);
    }
    if (again.length > 0) next.push(again);
    groups = next.map((group) => group.filter(link.wanted)).filter((group) => group.length > 0);
    if (groups.length === 0) return;
    if (round >= MAX_ROUNDS) {
      const missing = groups.flat();
      throw lastError instanceof Error
        ? lastError
        : new ConnectionClosedError(
            undefined,
            undefined,
            `the restore could not subscribe ${missing.join(', ')}`,
          );
    }
    await sleep(Math.min(MAX_ROUND_DELAY, FIRST_ROUND_DELAY * 2 ** (round - 1)), life.signal);
  }
}
