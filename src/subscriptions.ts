/**
 * Channel registry: which channels have handlers (a set, never a growing list), routing of
 * notifications to handlers through mitt, and which of them the current socket has confirmed.
 * @module
 */
import mittImport, { type Emitter } from 'mitt';

// mitt's typings are read as CommonJS under NodeNext, which hides the default export's call signature;
// at run time the ESM build's default export is the factory.
const mitt = mittImport as unknown as <Events extends Record<string, unknown>>() => Emitter<Events>;

/** Receives the `data` of each notification on a channel. */
export type NotificationHandler<T = unknown> = (data: T, channel: string) => void;

/** Deribit's private channel families: they need `private/subscribe` after authentication. */
const PRIVATE_PREFIXES = ['user.', 'block_rfq.', 'block_trade_confirmations'];

/** True for channels that need an authenticated `private/subscribe`. */
export function isPrivateChannel(channel: string): boolean {
  return PRIVATE_PREFIXES.some((prefix) => channel.startsWith(prefix));
}

/** Split channels into the public and private ones. */
export function splitChannels(channels: Iterable<string>): {
  publicChannels: string[];
  privateChannels: string[];
} {
  const publicChannels: string[] = [];
  const privateChannels: string[] = [];
  for (const channel of channels)
    (isPrivateChannel(channel) ? privateChannels : publicChannels).push(channel);
  return { publicChannels, privateChannels };
}

/** Deribit's limit of channels in one subscribe request. */
export const MAX_CHANNELS_PER_REQUEST = 500;

/** Cut a list into chunks of at most `size`. */
export function chunk<T>(items: readonly T[], size = MAX_CHANNELS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** One `subscribe()` call's registration. */
export interface Registration {
  /** Channels that had no handler before this registration (the server must be asked for them). */
  readonly added: readonly string[];
  /** Remove this registration's handlers; returns the channels left with no handler. Idempotent. */
  remove(): string[];
}

/** Handlers per channel, and the set of channels the current socket has confirmed. */
export class SubscriptionRegistry {
  readonly #bus: Emitter<Record<string, unknown>> = mitt();
  readonly #counts = new Map<string, number>();
  /** Channels the server confirmed on the current socket; cleared on every disconnect. */
  readonly confirmed = new Set<string>();
  readonly #onHandlerError: (error: unknown, channel: string) => void;

  /** @param onHandlerError - called when a user handler throws (the error never reaches the socket). */
  constructor(onHandlerError: (error: unknown, channel: string) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Register `handler` on each of `channels` (duplicates in the list count once). */
  add(channels: readonly string[], handler: NotificationHandler): Registration {
    const unique = [...new Set(channels)];
    const added: string[] = [];
    const wrappers = unique.map((channel) => {
      const wrapper = (data: unknown): void => {
        try {
          handler(data, channel);
        } catch (error) {
          this.#onHandlerError(error, channel);
        }
      };
      this.#bus.on(channel, wrapper);
      const count = this.#counts.get(channel) ?? 0;
      if (count === 0) added.push(channel);
      this.#counts.set(channel, count + 1);
      return [channel, wrapper] as const;
    });
    let removed = false;
    return {
      added,
      remove: () => {
        if (removed) return [];
        removed = true;
        const emptied: string[] = [];
        for (const [channel, wrapper] of wrappers) {
          this.#bus.off(channel, wrapper);
          const count = (this.#counts.get(channel) ?? 1) - 1;
          if (count > 0) this.#counts.set(channel, count);
          else {
            this.#counts.delete(channel);
            emptied.push(channel);
          }
        }
        return emptied;
      },
    };
  }

  /** Whether any handler listens on `channel`. */
  has(channel: string): boolean {
    return this.#counts.has(channel);
  }

  /** Every channel with at least one handler. */
  channels(): string[] {
    return [...this.#counts.keys()];
  }

  /**
   * Deliver a notification to the channel's handlers. Reads mitt's handler map directly instead of calling
   * `emit`, which copies the handler list on every call (and would also feed `'*'` handlers): a channel with
   * one handler (the usual case) costs no allocation. With several, the list is copied as mitt does, so a
   * handler that unsubscribes during dispatch does not make another one skip this notification.
   */
  dispatch(channel: string, data: unknown): void {
    const handlers = this.#bus.all.get(channel);
    if (handlers === undefined) return;
    if (handlers.length === 1) {
      (handlers[0] as (event: unknown) => void)(data);
      return;
    }
    for (const handler of handlers.slice()) (handler as (event: unknown) => void)(data);
  }

  /** Forget every handler. */
  clear(): void {
    this.#bus.all.clear();
    this.#counts.clear();
    this.confirmed.clear();
  }
}
