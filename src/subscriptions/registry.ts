/**
 * Channel registry: which channels have handlers (a set, never a growing list), routing of
 * notifications to handlers through mitt, and which of them the current socket has confirmed.
 * @module
 */
import mittImport, { type Emitter } from 'mitt';
import { isThenable } from '../session/guarded-emitter.js';

// mitt's typings are read as CommonJS under NodeNext, which hides the default export's call signature;
// at run time the ESM build's default export is the factory.
const mitt = mittImport as unknown as <Events extends Record<string, unknown>>() => Emitter<Events>;

/** Receives the `data` of each notification on a channel. May be async: a rejection is reported on `error`. */
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
  /** Whether {@link remove} was called. */
  readonly removed: boolean;
}

/** Handlers per channel, and the set of channels the current socket has confirmed. */
export class SubscriptionRegistry {
  // Created on first use: most sessions of a process may never subscribe, and each costs memory.
  #bus: Emitter<Record<string, unknown>> | undefined;
  #confirmed: Set<string> | undefined;
  readonly #onHandlerError: (error: unknown, channel: string) => void;

  /** @param onHandlerError - called when a user handler throws (the error never reaches the socket). */
  constructor(onHandlerError: (error: unknown, channel: string) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Register `handler` on each of `channels` (duplicates in the list count once). */
  add(channels: readonly string[], handler: NotificationHandler): Registration {
    this.#bus ??= mitt();
    const bus = this.#bus;
    const added: string[] = [];
    const wrappers = [...new Set(channels)].map((channel) => {
      const wrapper = (data: unknown): void => {
        try {
          const result: unknown = handler(data, channel);
          // An async handler's rejection is reported like a throw, never left unhandled.
          if (isThenable(result))
            result.then(undefined, (error: unknown) => this.#onHandlerError(error, channel));
        } catch (error) {
          this.#onHandlerError(error, channel);
        }
      };
      if (!this.has(channel)) added.push(channel);
      bus.on(channel, wrapper);
      return [channel, wrapper] as const;
    });
    let removed = false;
    return {
      added,
      get removed() {
        return removed;
      },
      remove: () => {
        if (removed) return [];
        removed = true;
        const emptied: string[] = [];
        for (const [channel, wrapper] of wrappers) {
          bus.off(channel, wrapper);
          if (bus.all.get(channel)?.length === 0) {
            bus.all.delete(channel); // mitt keeps empty lists; the key set is our channel set
            emptied.push(channel);
          }
        }
        return emptied;
      },
    };
  }

  /** Whether any handler listens on `channel`. */
  has(channel: string): boolean {
    return (this.#bus?.all.get(channel)?.length ?? 0) > 0;
  }

  /** Every channel with at least one handler. */
  channels(): string[] {
    return this.#bus ? [...this.#bus.all.keys()] : [];
  }

  /** Whether the server confirmed `channel` on the current socket. */
  isConfirmed(channel: string): boolean {
    return this.#confirmed?.has(channel) ?? false;
  }

  /** Record the server's confirmation of `channel` on the current socket. */
  confirm(channel: string): void {
    this.#confirmed ??= new Set();
    this.#confirmed.add(channel);
  }

  /** Forget a confirmation (the channel was unsubscribed). */
  unconfirm(channel: string): void {
    this.#confirmed?.delete(channel);
  }

  /** Forget every confirmation: the socket is gone, and its subscriptions with it. */
  resetConfirmed(): void {
    this.#confirmed = undefined;
  }

  /**
   * Deliver a notification to the channel's handlers. Reads mitt's handler map directly instead of calling
   * `emit`, which copies the handler list on every call (and would also feed `'*'` handlers): a channel with
   * one handler (the usual case) costs no allocation. With several, the list is copied as mitt does, so a
   * handler that unsubscribes during dispatch does not make another one skip this notification.
   */
  dispatch(channel: string, data: unknown): void {
    const handlers = this.#bus?.all.get(channel);
    if (handlers === undefined) return;
    if (handlers.length === 1) {
      (handlers[0] as (event: unknown) => void)(data);
      return;
    }
    for (const handler of handlers.slice()) (handler as (event: unknown) => void)(data);
  }

  /** Forget every handler. */
  clear(): void {
    this.#bus = undefined;
    this.#confirmed = undefined;
  }
}
