/**
 * Subscriptions on the server: subscribe and unsubscribe requests (public and private apart, at most 500
 * channels a request), one request in flight per channel however many callers ask, restoring every channel
 * on a new socket, and reconciling what the server granted with what is still wanted (a channel unsubscribed
 * while its subscribe was in flight is unsubscribed again once the answer comes).
 * @module
 */

import type { RpcConnection } from '../connection/rpc.js';
import {
  ConnectionClosedError,
  classify,
  InvalidArgumentError,
  isUnauthorized,
  NotConnectedError,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from '../errors/errors.js';
import { validateMaxWait, validateTimeout } from '../options/validate.js';
import type { SessionContext } from '../session/context.js';
import type { CallOptions } from '../session/session-types.js';
import { monotonic } from '../time/clock.js';
import { abortable } from '../time/wait.js';
import { chunk, type NotificationHandler, SubscriptionRegistry, splitChannels } from './registry.js';

/** What the subscriber needs from the session. */
export interface SubscriberLink {
  /** The live socket when the session is ready (authenticated or refreshing), else undefined. */
  readySocket(): RpcConnection | undefined;
  /** The session's current socket, ready or not (undefined once it is lost, closed or logging out). */
  socket(): RpcConnection | undefined;
  /** Wait for readiness, at most `timeout` ms ({@link NotConnectedError} when nothing is connecting). */
  waitReady(what: string, timeout: number, signal: AbortSignal | undefined): Promise<void>;
  /** A handler of `channel` threw or rejected with `error`. */
  handlerFailed(error: unknown, channel: string): void;
}

/** Server-side subscriptions of one session. */
export class Subscriber {
  /** Handlers per channel, and what the current socket confirmed. */
  readonly registry: SubscriptionRegistry;
  readonly #ctx: SessionContext;
  readonly #link: SubscriberLink;
  /** Subscribe requests in flight on the current socket, per channel. */
  #inflight: Map<string, Promise<void>> | undefined;

  /**
   * @param ctx - the session's context
   * @param link - readiness of the session, and where handler failures go
   */
  constructor(ctx: SessionContext, link: SubscriberLink) {
    this.#ctx = ctx;
    this.#link = link;
    this.registry = new SubscriptionRegistry((error, channel) => link.handlerFailed(error, channel));
  }

  /**
   * Register `handler` on `channels` and resolve once the server confirmed each of them (a channel it leaves
   * out is reported as a `channels-missing` warning). Before `connect()` it only registers: the channels are
   * sent once authenticated. A refusal, the timeout or the signal undo the registration and reject.
   */
  async subscribe(
    channels: string | readonly string[],
    handler: NotificationHandler,
    options: CallOptions,
  ): Promise<() => Promise<void>> {
    const list = typeof channels === 'string' ? [channels] : [...channels];
    if (list.length === 0 || list.some((channel) => typeof channel !== 'string' || channel.trim() === '')) {
      throw new InvalidArgumentError('channels', 'channels must be one or more non-empty strings');
    }
    if (typeof handler !== 'function')
      throw new InvalidArgumentError('handler', 'handler must be a function');
    const timeout = validateTimeout('timeout', options.timeout, this.#ctx.options.requestTimeout);
    const maxWait = validateMaxWait('maxWait', options.maxWait, this.#ctx.options.maxWait);
    if (this.#ctx.state === 'closed') throw new SessionClosedError();
    if (options.signal?.aborted) throw options.signal.reason; // nothing registered, nothing sent
    const registration = this.registry.add(list, handler);
    const unsubscribe = async (): Promise<void> => {
      const emptied = registration.remove();
      if (emptied.length > 0) await this.#unsubscribeOnServer(emptied);
    };
    const deadline = monotonic() + timeout;
    const remaining = (): number => Math.max(0, deadline - monotonic());
    try {
      for (;;) {
        try {
          await this.#link.waitReady('subscribe', Math.min(maxWait, remaining()), options.signal);
        } catch (error) {
          // Before connect(): registered now, subscribed on the server once authenticated.
          if (error instanceof NotConnectedError && !registration.removed) return unsubscribe;
          throw error;
        }
        const rpc = this.#link.readySocket();
        if (rpc === undefined) continue;
        try {
          await this.#confirmed(rpc, [...new Set(list)], remaining(), options.signal);
          return unsubscribe;
        } catch (error) {
          // The socket dropped: the restore after the reconnect subscribes again; wait for it while time remains.
          if (!(error instanceof ConnectionClosedError) || remaining() === 0) throw error;
        }
      }
    } catch (error) {
      await unsubscribe().catch(() => {});
      throw error;
    }
  }

  /** Resolve once every channel's subscribe on `rpc` was answered; reject on refusal, timeout or abort. */
  #confirmed(
    rpc: RpcConnection,
    channels: string[],
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    this.#inflight ??= new Map();
    const inflight = this.#inflight;
    const toSend = channels.filter((c) => !this.registry.isConfirmed(c) && !inflight.has(c));
    if (toSend.length > 0) this.#send(rpc, toSend, timeout);
    const waits = channels.flatMap((c) => {
      const pending = inflight.get(c);
      return pending === undefined ? [] : [pending];
    });
    if (waits.length === 0) return Promise.resolve();
    return abortable(Promise.all(waits).then(noop), signal, noop, {
      ms: timeout,
      error: () => new RequestTimeoutError('subscribe', timeout),
    });
  }

  /**
   * Send subscribe requests for `channels` on `rpc` (one per kind and 500 channels), recording one in-flight
   * promise per channel. Each promise rejects when the server refuses or the socket goes.
   */
  #send(
    rpc: RpcConnection,
    channels: readonly string[],
    timeout: number,
  ): { readonly part: readonly string[]; readonly outcome: Promise<void> }[] {
    this.#inflight ??= new Map();
    const inflight = this.#inflight;
    const { publicChannels, privateChannels } = splitChannels(channels);
    const requests = [
      ...chunk(publicChannels).map((part) => ['public/subscribe', part] as const),
      ...chunk(privateChannels).map((part) => ['private/subscribe', part] as const),
    ];
    return requests.map(([method, part]) => {
      const outcome = this.#request(rpc, method, part, timeout);
      for (const channel of part) inflight.set(channel, outcome);
      const forget = (): void => {
        for (const channel of part)
          if (this.#inflight?.get(channel) === outcome) this.#inflight.delete(channel);
      };
      outcome.then(forget, forget);
      return { part, outcome };
    });
  }

  async #request(
    rpc: RpcConnection,
    method: string,
    part: readonly string[],
    timeout: number,
  ): Promise<void> {
    const result = await rpc.call(method, { channels: part }, Math.max(1, timeout));
    const granted = new Set(
      Array.isArray(result) ? result.filter((c): c is string => typeof c === 'string') : [],
    );
    const unwanted: string[] = [];
    for (const channel of part) {
      if (!granted.has(channel)) continue;
      if (this.registry.has(channel)) this.registry.confirm(channel);
      else unwanted.push(channel); // unsubscribed while the request was in flight
    }
    this.#warnMissing(part.filter((channel) => !granted.has(channel)));
    // On the session's socket even while it restores (not ready yet): that is where the channel now is.
    if (unwanted.length > 0 && rpc === this.#link.socket()) {
      await this.#sendUnsubscribe(rpc, unwanted).catch((error: unknown) => this.#reportUnlessClosed(error));
    }
  }

  #warnMissing(missing: readonly string[]): void {
    if (missing.length === 0) return;
    this.#ctx.warn({
      code: 'channels-missing',
      message: `the server did not subscribe: ${missing.join(', ')}`,
      items: missing,
    });
  }

  /**
   * Subscribe every registered channel on a freshly authenticated socket (before it is reported ready).
   * A refused request is reported and its channels counted missing; a transient failure fails the restore.
   */
  async restore(rpc: RpcConnection): Promise<void> {
    const channels = this.registry.channels();
    if (channels.length === 0) return;
    const requests = this.#send(rpc, channels, this.#ctx.options.requestTimeout);
    const results = await Promise.allSettled(requests.map(({ outcome }) => outcome));
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') continue;
      const error: unknown = result.reason;
      const kind = classify(error);
      if (!(error instanceof RpcError) || kind === 'retry' || kind === 'reauth') throw error;
      this.#ctx.report(error);
      this.#warnMissing(requests[index]?.part ?? []);
    }
  }

  async #unsubscribeOnServer(channels: string[]): Promise<void> {
    for (const channel of channels) this.registry.unconfirm(channel);
    // Channels are subscribed only on an authenticated socket, which may still be restoring (not ready yet).
    const rpc = this.#link.socket();
    if (rpc === undefined || !rpc.authenticated) return;
    // A channel whose subscribe is in flight is reconciled when its answer comes.
    const settled = channels.filter((channel) => !this.#inflight?.has(channel));
    if (settled.length === 0) return;
    try {
      await this.#sendUnsubscribe(rpc, settled);
    } catch (error) {
      // Refused while the token is being renewed in place: once more, when the session is ready again.
      if (isUnauthorized(error) && rpc === this.#link.socket()) {
        const timeout = this.#ctx.options.requestTimeout;
        await this.#link
          .waitReady('unsubscribe', timeout, undefined)
          .then(
            () => (rpc === this.#link.socket() ? this.#sendUnsubscribe(rpc, settled) : undefined),
            () => undefined,
          )
          .catch((retry: unknown) => this.#reportUnlessClosed(retry));
        return;
      }
      // The handlers are gone either way, so the unsubscribe resolves: a socket that dropped has no
      // subscriptions left to remove, and anything else is reported rather than thrown at the caller.
      this.#reportUnlessClosed(error);
    }
  }

  async #sendUnsubscribe(rpc: RpcConnection, channels: readonly string[]): Promise<void> {
    const { publicChannels, privateChannels } = splitChannels(channels);
    const timeout = this.#ctx.options.requestTimeout;
    await Promise.all([
      ...chunk(publicChannels).map((part) => rpc.call('public/unsubscribe', { channels: part }, timeout)),
      ...chunk(privateChannels).map((part) => rpc.call('private/unsubscribe', { channels: part }, timeout)),
    ]);
  }

  #reportUnlessClosed(error: unknown): void {
    if (!(error instanceof ConnectionClosedError) && error instanceof Error) this.#ctx.report(error);
  }

  /** Counts for `status()`. */
  counts(): { confirmed: number; pending: number } {
    const channels = this.registry.channels();
    const confirmed = channels.filter((channel) => this.registry.isConfirmed(channel)).length;
    return { confirmed, pending: channels.length - confirmed };
  }

  /** The socket is gone, and its subscriptions with it. */
  socketLost(): void {
    this.registry.resetConfirmed();
    this.#inflight = undefined;
  }

  /** The session closed: forget every handler. */
  clear(): void {
    this.registry.clear();
    this.#inflight = undefined;
  }
}

function noop(): void {}
