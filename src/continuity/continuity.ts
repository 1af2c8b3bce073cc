/**
 * Continuity across a gap. When a socket that carried the session is lost, or the session re-authenticates in
 * place, Deribit replays nothing: so before the session announces `authenticated` again, this part fetches what
 * changed since the gap began (orders, trades) for every `user.orders.*`, `user.trades.*` and `user.changes.*`
 * channel it holds, and delivers it through the same handlers, marked `replayed`, in order, each item once;
 * and it resolves order calls whose answer was lost. Live notifications that arrive from the
 * moment the gap begins (the next socket's, before the resync starts, too) wait, and follow.
 * What cannot be fetched (a gap too long, a request refused) is said in a `resync-incomplete` warning.
 * @module
 */

import type { Order, UserTrade } from '../api/orders.js';
import type { OrderOutcome } from '../api/outcomes.js';
import type { SocketLifetime } from '../connection/lifetime.js';
import type { ConnectionClosedError } from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import type { SubscriptionRegistry } from '../subscriptions/registry.js';
import { wait } from '../time/wait.js';
import { fetchSnapshot, type Snapshot } from './fetch.js';
import { currenciesFor, isResolvable, type LostCall, outcomeOf } from './outcomes.js';
import { type ChannelScope, covers, currencyOf, scopeOf } from './scopes.js';
import { DeliveryTracker } from './tracker.js';

/** The gap starts this long before the last frame of the lost socket: events in flight, clocks a little apart. */
const GAP_MARGIN_MS = 5000;
/** After a re-auth in place, the gap reaches back at most this far (when the token was refused is unknown). */
const MAX_IN_PLACE_GAP_MS = 10 * 60_000;
/** The currencies of an `any` channel when the session has seen none yet. */
const ALL_CURRENCIES = ['BTC', 'ETH', 'USDC', 'USDT', 'EURR'];
/** Trades delivered in one replayed notification at most. */
const BATCH = 100;

interface Pending {
  readonly call: LostCall;
  readonly resolve: (outcome: OrderOutcome) => void;
}

/** The continuity part of one session. */
export class Continuity {
  readonly tracker = new DeliveryTracker();
  readonly #ctx: SessionContext;
  readonly #registry: SubscriptionRegistry;
  #gapStart: number | undefined;
  #lost: Pending[] = [];
  /** The last notification's data and when it arrived (wall ms): `status()` reads its lag from them. */
  lastData: unknown;
  lastAt = 0;

  /**
   * @param ctx - the session's context
   * @param registry - where replayed notifications go
   */
  constructor(ctx: SessionContext, registry: SubscriptionRegistry) {
    this.#ctx = ctx;
    this.#registry = registry;
  }

  /** A live notification: delivered now, or held while a resync runs. */
  notify(channel: string, data: unknown): void {
    this.#ctx.metrics.notification(channel, data);
    this.lastData = data;
    this.lastAt = Date.now();
    if (!DeliveryTracker.tracks(channel)) {
      this.#registry.dispatch(channel, data);
      return;
    }
    if (this.tracker.held(channel, data)) return;
    this.#deliverLive(channel, data);
  }

  /** A socket that carried the session was lost: the gap begins at its last frame. */
  socketLost(life: SocketLifetime): void {
    if (!life.authenticated) return;
    const { rpc } = life;
    const lastFrame = Date.now() - (performance.now() - rpc.lastFrameAt) + rpc.serverOffset;
    this.#gapFrom(lastFrame - GAP_MARGIN_MS);
  }

  /** The session re-authenticates in place: the gap reaches back to when the token was adopted (bounded). */
  reauthenticating(life: SocketLifetime, adoptedAt: number): void {
    const now = Date.now() + life.rpc.serverOffset;
    this.#gapFrom(Math.max(now - MAX_IN_PLACE_GAP_MS, adoptedAt + life.rpc.serverOffset) - GAP_MARGIN_MS);
  }

  #gapFrom(at: number): void {
    this.#gapStart = this.#gapStart === undefined ? at : Math.min(this.#gapStart, at);
    // From now on, live notifications wait for the replay: the next socket's come before the resync starts.
    this.tracker.hold();
  }

  /**
   * An order call in flight was lost with `error`: give the error its `outcome`, resolved at the next resync
   * (or `unknown` if the session closes first). `sentAt` is local wall time.
   */
  lost(
    method: string,
    params: Readonly<Record<string, unknown>>,
    sentAt: number,
    offset: number,
    error: ConnectionClosedError,
  ): void {
    if (!isResolvable(method) || !error.sent) return;
    let resolve!: (outcome: OrderOutcome) => void;
    const outcome = new Promise<OrderOutcome>((done) => {
      resolve = done;
    });
    Object.defineProperty(error, 'outcome', { value: outcome, enumerable: false });
    this.#lost.push({ call: { method, params, sentAt: sentAt + offset }, resolve });
    this.tracker.hold();
  }

  /** Whether anything waits for the next resync. */
  get pending(): boolean {
    return this.#gapStart !== undefined || this.#lost.length > 0;
  }

  /**
   * Fill the gap on `life` (authenticated, its subscriptions restored) before the session is announced. Never
   * throws: what could not be done is warned about; bounded by the request timeout.
   */
  async resync(life: SocketLifetime): Promise<void> {
    if (!this.pending) return;
    const since = this.#gapStart ?? Date.now() + life.rpc.serverOffset - GAP_MARGIN_MS;
    const lost = this.#lost;
    this.#gapStart = undefined;
    this.#lost = [];
    const scopes = this.#registry.channels().flatMap((channel) => scopeOf(channel) ?? []);
    const plans = this.#plans(scopes, lost, since);
    this.tracker.hold();
    const failed: string[] = [];
    let done = false;
    try {
      const timeout = this.#ctx.options.requestTimeout;
      const snapshots = await wait(
        Promise.allSettled([...plans.values()].map((plan) => fetchSnapshot(life, plan, timeout))),
        { ms: timeout, signal: life.signal, onTimeout: () => [] as PromiseSettledResult<Snapshot>[] },
      );
      const got = new Map<string, Snapshot>();
      for (const result of snapshots)
        if (result.status === 'fulfilled') got.set(result.value.currency, result.value);
      for (const [currency, snapshot] of [...plans.keys()].map((c) => [c, got.get(c)] as const)) {
        if (snapshot === undefined || !snapshot.complete) failed.push(currency);
      }
      this.#replay(scopes, [...got.values()]);
      this.#resolve(lost, got);
      done = true;
    } catch {
      // The socket went mid-resync: the calls wait for the next one, and so does the gap (still held).
      this.#lost = [...lost, ...this.#lost];
      this.#gapFrom(since);
      return;
    } finally {
      if (done) for (const [channel, data] of this.tracker.release()) this.#deliverLive(channel, data);
    }
    if (failed.length > 0) {
      const affected = scopes.filter((scope) => this.#currencies(scope).some((c) => failed.includes(c)));
      this.#ctx.warn({
        code: 'resync-incomplete',
        message: `what changed during the gap could not all be fetched (${failed.join(', ')}): check your orders and trades`,
        items: affected.map((scope) => scope.channel),
      });
    }
  }

  /** The session closed: lost calls will never be resolved. */
  dispose(): void {
    this.tracker.release();
    for (const { resolve } of this.#lost)
      resolve({ status: 'unknown', reason: 'the session closed before it could find out' });
    this.#lost = [];
  }

  #currencies(scope: ChannelScope): string[] {
    if (scope.instrument !== undefined) return [currencyOf(scope.instrument)];
    if (scope.currency !== undefined && scope.currency !== 'any') return [scope.currency.toUpperCase()];
    return this.tracker.currencies.size > 0 ? [...this.tracker.currencies] : ALL_CURRENCIES;
  }

  #plans(scopes: readonly ChannelScope[], lost: readonly Pending[], since: number) {
    const plans = new Map<string, { currency: string; since: number; orders: boolean; trades: boolean }>();
    const need = (currency: string, orders: boolean, trades: boolean, from: number): void => {
      const plan = plans.get(currency) ?? { currency, since: from, orders: false, trades: false };
      plans.set(currency, {
        ...plan,
        since: Math.min(plan.since, from),
        orders: plan.orders || orders,
        trades: plan.trades || trades,
      });
    };
    for (const scope of scopes) {
      for (const currency of this.#currencies(scope)) {
        need(currency, scope.family !== 'trades', scope.family !== 'orders', since);
      }
    }
    for (const { call } of lost) {
      const currencies = currenciesFor(call, (id) => this.tracker.instrumentOf(id)) ?? [
        ...this.tracker.currencies,
      ];
      for (const currency of currencies.length > 0 ? currencies : ALL_CURRENCIES)
        need(currency, true, false, call.sentAt - GAP_MARGIN_MS);
    }
    return plans;
  }

  /** Deliver each channel's share of the snapshots, oldest first, skipping what it delivered already. */
  #replay(scopes: readonly ChannelScope[], snapshots: readonly Snapshot[]): void {
    const orders = snapshots.flatMap((s) => s.orders).filter((o) => !this.tracker.seenOrder(o));
    const trades = snapshots.flatMap((s) => s.trades).filter((t) => !this.tracker.seenTrade(t));
    orders.sort((a, b) => a.last_update_timestamp - b.last_update_timestamp);
    trades.sort((a, b) => a.timestamp - b.timestamp);
    for (const scope of scopes) {
      const own = <T extends { instrument_name: string }>(items: readonly T[]): T[] =>
        items.filter((item) => covers(scope, item.instrument_name));
      if (scope.family === 'orders') this.#replayOrders(scope, own(orders));
      else if (scope.family === 'trades') {
        const mine = own(trades);
        for (let i = 0; i < mine.length; i += BATCH)
          this.#registry.replay(scope.channel, mine.slice(i, i + BATCH));
      } else this.#replayChanges(scope, own(orders), own(trades));
    }
    for (const order of orders) this.tracker.noteOrder(order);
    for (const trade of trades) this.tracker.noteTrade(trade);
  }

  #replayOrders(scope: ChannelScope, orders: readonly Order[]): void {
    if (orders.length === 0) return;
    if (scope.interval === 'raw') for (const order of orders) this.#registry.replay(scope.channel, order);
    else this.#registry.replay(scope.channel, orders);
  }

  #replayChanges(scope: ChannelScope, orders: readonly Order[], trades: readonly UserTrade[]): void {
    const instruments = [...new Set([...trades, ...orders].map((item) => item.instrument_name))];
    for (const instrument_name of instruments) {
      this.#registry.replay(scope.channel, {
        instrument_name,
        orders: orders.filter((o) => o.instrument_name === instrument_name),
        trades: trades.filter((t) => t.instrument_name === instrument_name),
        positions: [],
      });
    }
  }

  #resolve(lost: readonly Pending[], snapshots: ReadonlyMap<string, Snapshot>): void {
    for (const { call, resolve } of lost) {
      const currencies = currenciesFor(call, (id) => this.tracker.instrumentOf(id)) ?? [...snapshots.keys()];
      const fetched = currencies.map((currency) => snapshots.get(currency));
      if (fetched.some((snapshot) => snapshot === undefined)) {
        resolve({ status: 'unknown', reason: `the orders of ${currencies.join(', ')} could not be fetched` });
        continue;
      }
      const outcome = outcomeOf(
        call,
        fetched.flatMap((snapshot) => snapshot?.orders ?? []),
      );
      // No match in a history cut short proves nothing: the order may be in the pages not read.
      if (outcome.status === 'not_placed' && fetched.some((snapshot) => snapshot?.ordersComplete === false)) {
        resolve({
          status: 'unknown',
          reason: `the order history of ${currencies.join(', ')} was too long to read`,
        });
        continue;
      }
      resolve(outcome);
    }
  }

  /** A live notification of a tracked channel, without what a replay (or an earlier notification) delivered. */
  #deliverLive(channel: string, data: unknown): void {
    const family = scopeOf(channel)?.family;
    if (family === 'trades' && Array.isArray(data)) {
      const fresh = data.filter((trade) => !this.tracker.seenTrade(trade as UserTrade));
      if (fresh.length === 0) return;
      data = fresh.length === data.length ? data : fresh;
    } else if (family === 'orders' && !Array.isArray(data) && this.tracker.seenOrder(data as Order)) return;
    this.tracker.observe(channel, data);
    this.#registry.dispatch(channel, data);
  }
}
