/**
 * Channel registry: which channels have handlers (a set, never a growing list), and routing of notifications
 * to them through mitt. A registration can be told that the server refused some of its channels: its handlers
 * of those channels are removed and it learns why. Replayed notifications (what changed while the socket was
 * down, fetched again) reach the same handlers, marked `replayed`.
 * @module
 */
import mittImport, { type Emitter, type Handler } from 'mitt';
import { isThenable } from '../session/guarded-emitter.js';

// mitt's typings are read as CommonJS under NodeNext (its package.json has no "type": "module"), which hides
// the default export's call signature; at run time the ESM build's default export is the factory.
const mitt = mittImport as unknown as <Events extends Record<string, unknown>>() => Emitter<Events>;

/** How a notification reached a handler. */
export interface NotificationInfo {
  /**
   * `true` for a notification fetched again after a gap (the socket dropped, or the session re-authenticated),
   * delivered before the session announces `authenticated`; `false` for one the server pushed live.
   */
  readonly replayed: boolean;
}

/** Receives the `data` of each notification on a channel. May be async: a rejection is reported on `error`. */
export type NotificationHandler<T = unknown> = (data: T, channel: string, info: NotificationInfo) => void;

const LIVE: NotificationInfo = Object.freeze({ replayed: false });
const REPLAYED: NotificationInfo = Object.freeze({ replayed: true });

/** One `subscribe()` call's registration. */
export interface Registration {
  /** Remove this registration's handlers; returns the channels left with no handler. Idempotent. */
  remove(): string[];
  /** Whether {@link remove} was called. */
  readonly removed: boolean;
}

/** What a registration does when the server refuses some of its channels (their handlers are already gone). */
export type RefusalHandler = (channels: readonly string[], error: Error) => void;

interface Owner {
  readonly refused: RefusalHandler;
  removed: boolean;
}

/**
 * A class, not an object literal with a getter: V8 gives each such literal a hidden class of its own (about
 * 0.5 KiB a registration, and every session holds one for `platform_state`).
 */
class OwnedRegistration implements Registration {
  readonly #owner: Owner;
  readonly remove: () => string[];

  constructor(owner: Owner, remove: () => string[]) {
    this.#owner = owner;
    this.remove = remove;
  }

  get removed(): boolean {
    return this.#owner.removed;
  }
}

/** Handlers per channel. */
export class SubscriptionRegistry {
  // Created on first use: most sessions of a process may never subscribe, and each costs memory.
  #bus: Emitter<Record<string, unknown>> | undefined;
  /** The registration each wrapped handler belongs to. */
  readonly #owners = new WeakMap<Handler, Owner>();
  readonly #onHandlerError: (error: unknown, channel: string) => void;
  #info: NotificationInfo = LIVE;
  /** Handlers the session keeps for itself, per channel (not the user's: not in {@link userChannels}). */
  readonly #internal = new Map<string, number>();

  /** @param onHandlerError - called when a user handler throws (the error never reaches the socket). */
  constructor(onHandlerError: (error: unknown, channel: string) => void) {
    this.#onHandlerError = onHandlerError;
  }

  /** Register `handler` on each of `channels` (duplicates count once); `refused` learns of refusals. */
  add(
    channels: readonly string[],
    handler: NotificationHandler,
    refused: RefusalHandler,
    internal = false,
  ): Registration {
    if (internal)
      for (const channel of new Set(channels))
        this.#internal.set(channel, (this.#internal.get(channel) ?? 0) + 1);
    this.#bus ??= mitt();
    const bus = this.#bus;
    const owner: Owner = { refused, removed: false };
    const wrappers = [...new Set(channels)].map((channel) => {
      const wrapper = (data: unknown): void => {
        try {
          const result: unknown = handler(data, channel, this.#info);
          // An async handler's rejection is reported like a throw, never left unhandled.
          if (isThenable(result))
            result.then(undefined, (error: unknown) => this.#onHandlerError(error, channel));
        } catch (error) {
          this.#onHandlerError(error, channel);
        }
      };
      this.#owners.set(wrapper, owner);
      bus.on(channel, wrapper);
      return [channel, wrapper] as const;
    });
    return new OwnedRegistration(owner, () => {
      if (owner.removed) return [];
      owner.removed = true;
      const emptied: string[] = [];
      for (const [channel, wrapper] of wrappers) if (this.#off(channel, wrapper)) emptied.push(channel);
      return emptied;
    });
  }

  /** Remove one handler; true when `channel` has none left. */
  #off(channel: string, wrapper: Handler): boolean {
    const bus = this.#bus;
    if (bus === undefined) return false;
    bus.off(channel, wrapper);
    // mitt keeps an empty list after the last `off` (its documented `all` map): drop it, so the map's keys
    // are exactly the channels with handlers.
    if (bus.all.get(channel)?.length !== 0) return false;
    bus.all.delete(channel);
    return true;
  }

  /**
   * The server refused `channels` for good: remove every handler of them, and tell each registration that had
   * one (once, with its own channels). Returns the channels that had handlers.
   */
  refuse(channels: readonly string[], error: Error): string[] {
    const byOwner = new Map<Owner, string[]>();
    const dropped: string[] = [];
    for (const channel of new Set(channels)) {
      const handlers = this.#bus?.all.get(channel);
      if (handlers === undefined || handlers.length === 0) continue;
      dropped.push(channel);
      for (const wrapper of [...handlers] as Handler[]) {
        const owner = this.#owners.get(wrapper);
        this.#off(channel, wrapper);
        if (owner === undefined) continue;
        byOwner.set(owner, [...(byOwner.get(owner) ?? []), channel]);
      }
    }
    for (const [owner, own] of byOwner) owner.refused(own, error);
    return dropped;
  }

  /** Whether any handler listens on `channel`. */
  has(channel: string): boolean {
    return (this.#bus?.all.get(channel)?.length ?? 0) > 0;
  }

  /** Every channel with at least one handler (the session's own included: a restore subscribes them all). */
  channels(): string[] {
    return this.#bus ? [...this.#bus.all.keys()].filter((key): key is string => key !== '*') : [];
  }

  /** The channels the user subscribed to (what `session.channels` shows). */
  userChannels(): string[] {
    return this.channels().filter(
      (channel) => (this.#bus?.all.get(channel)?.length ?? 0) > (this.#internal.get(channel) ?? 0),
    );
  }

  /** Deliver a notification to the channel's handlers (mitt's `emit`). */
  dispatch(channel: string, data: unknown): void {
    this.#bus?.emit(channel, data);
  }

  /** Deliver notifications fetched again after a gap, marked {@link NotificationInfo.replayed}. */
  replay(channel: string, data: unknown): void {
    this.#info = REPLAYED;
    try {
      this.#bus?.emit(channel, data);
    } finally {
      this.#info = LIVE;
    }
  }

  /** Forget every handler. */
  clear(): void {
    this.#bus = undefined;
  }
}
