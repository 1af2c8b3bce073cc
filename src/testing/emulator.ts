/**
 * `DeribitEmulator`: a local WebSocket server that behaves like Deribit's API v2 (as PROTOCOL.md describes it),
 * with hooks to inject faults, drive the market and the platform, and inspect what clients sent.
 *
 * How to extend it (most to least common):
 * 1. A method Deribit has and the emulator lacks: a handler in `methods/` (params through the helpers of
 *    `methods/types.ts`, so missing and malformed params answer as production does), listed in `methods/index.ts`.
 * 2. A test-only behaviour: `emu.addMethod()` in the test.
 * 3. An instrument: `instruments` option or `emu.addInstrument()`; a channel family: `channels.ts`.
 * 4. A new fault: state in `faults.ts`, a hook on `EmulatorServer` (`server.ts`), applied in `connection.ts`.
 * @module
 */

import { createServer, type Server } from 'node:http';
import type { EmulatedInstrument } from './instruments/catalog.js';
import { COUNTERPARTY_ID } from './matching.js';
import { type FillOptions, fillOpenOrder, placeOrder } from './order-actions.js';
import { publishPortfolio } from './order-events.js';
import { checkPrice, requireAmount } from './order-rules.js';
import type { SubjectLimits } from './rate-limit.js';
import { EmulatorServer, WS_PATH } from './server.js';
import { CloseCode, type EmulatorOptions } from './types.js';

/** What {@link DeribitEmulator.addLiquidity} rests in the book. */
export interface LiquidityOrder {
  readonly instrument_name: string;
  readonly direction: 'buy' | 'sell';
  /** On the instrument's tick. */
  readonly price: number;
  /** On the instrument's amount grid. */
  readonly amount: number;
  readonly label?: string | undefined;
}

/** Options of {@link DeribitEmulator.maintenance}. */
export interface MaintenanceOptions {
  /** How long after the `{maintenance: true}` notice the window starts, ms (default 0: at once). */
  readonly noticeMs?: number | undefined;
}

/**
 * A Deribit-compatible WebSocket server for tests. Start with {@link DeribitEmulator.start}; always
 * `await emu.close()`. Server, inspection and fault hooks: see {@link EmulatorServer}.
 */
export class DeribitEmulator extends EmulatorServer {
  /**
   * Start an emulator and resolve once it listens.
   * @param options See {@link EmulatorOptions}; defaults: `127.0.0.1`, port 0, {@link DEFAULT_ACCOUNT},
   *   `tokenTtl` 900 s, `minHeartbeatInterval` 10 s, `maxConnections` 32, `maxSessionsPerKey` 16, testnet,
   *   Deribit's credit pools, the default instrument catalog and balances.
   */
  static async start(options: EmulatorOptions = {}): Promise<DeribitEmulator> {
    const server: Server = createServer((_request, response) => {
      response.writeHead(426, { 'content-type': 'text/plain', connection: 'close' });
      response.end(`WebSocket only: connect to ${WS_PATH}`);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new DeribitEmulator(server, options);
  }

  // ---------------------------------------------------------------- instruments and prices

  /** List another instrument (or replace one of the same name): orders, channels and market data see it at once. */
  addInstrument(instrument: EmulatedInstrument): void {
    this.core.instruments.add(instrument);
  }

  /** The listed instrument called `name`, as `public/get_instrument` returns it. */
  instrument(name: string): EmulatedInstrument | undefined {
    return this.core.instruments.get(name);
  }

  /** The price market orders on `instrument` fill at, and margins are counted at (default: its index price). */
  setMarkPrice(instrument: string, price: number): void {
    this.core.market.setMarkPrice(instrument, price);
  }

  /** An index price (`btc_usd`, `eth_usd`, `btc_usdc`, …): futures' default mark price and `get_index_price`. */
  setIndexPrice(index: string, price: number): void {
    this.core.market.setIndexPrice(index, price);
  }

  // ---------------------------------------------------------------- orders and money

  /**
   * Rest an order in the book from the emulator's counterparty (a subject with no sockets and no money limits):
   * incoming orders that cross it match it, so one order can fill against several. Validated like an API order.
   * @returns The resting order, as `get_order_state` would return it.
   * @throws RpcFailure when the instrument, price or amount would be refused.
   */
  addLiquidity(order: LiquidityOrder): Record<string, unknown> {
    const instrument = this.core.instruments.get(order.instrument_name);
    if (!instrument) throw new Error(`unknown instrument ${order.instrument_name}`);
    const { amount, contracts } = requireAmount(instrument, { amount: order.amount });
    checkPrice(instrument, order.price);
    const placed = placeOrder(this.core, {
      subjectId: COUNTERPARTY_ID,
      connectionId: 0,
      instrument,
      fields: {
        direction: order.direction,
        instrument_name: instrument.instrument_name,
        amount,
        contracts,
        price: order.price,
        label: order.label ?? '',
        order_type: 'limit',
        time_in_force: 'good_til_cancelled',
        post_only: false,
        reduce_only: false,
        mmp: false,
      },
    });
    return { ...placed.order };
  }

  /**
   * Fill an open order as the counterparty would: `amount` (default: all that is left) at `price` (default: the
   * order's limit price). Order, trade, change and portfolio notifications go out (on `100ms` channels at the end
   * of the interval), the public `trades.*` channels get the trade, and the position and balances move. The owner
   * need not be connected: the fill lands in its history either way.
   * @returns The trade, as `user.trades.*` carries it.
   * @throws Error when `orderId` is not an open order, or `amount` is not in (0, left].
   */
  fill(orderId: string, options: FillOptions = {}): Record<string, unknown> {
    return { ...fillOpenOrder(this.core, orderId, options) };
  }

  /** Set what `subjectId` holds in `currency` (its portfolio is published). */
  setBalance(subjectId: number, currency: string, amount: number): void {
    this.core.balances.set(subjectId, currency, amount);
    publishPortfolio(this.core, subjectId, [currency]);
  }

  /** Set a subject's tier: `{ matching?: {rate, burst}, nonMatching?: {rate, burst} }` (reported in `limits`). */
  setLimits(subjectId: number, limits: SubjectLimits): void {
    this.core.rateLimits.setLimits(subjectId, limits);
  }

  // ---------------------------------------------------------------- platform

  /**
   * A maintenance window of `ms`: `platform_state` subscribers get `{maintenance: true}`, then (after `noticeMs`)
   * every socket is closed (1012) and every request answered `11051 system_maintenance` (and its socket closed)
   * until the window ends. Emits `maintenance` `{active: true}` when it starts and `{active: false}` when it ends.
   */
  maintenance(ms: number, options: MaintenanceOptions = {}): void {
    this.core.publish('platform_state', { maintenance: true });
    const start = (): void => {
      this.core.platform.setMaintenance(true);
      this.emit('maintenance', { active: true });
      this.closeSockets(CloseCode.maintenance, 'system_maintenance');
      this.core.setTimer(ms, () => {
        this.core.platform.setMaintenance(false);
        this.emit('maintenance', { active: false });
      });
    };
    const notice = options.noticeMs ?? 0;
    if (notice > 0) this.core.setTimer(notice, start);
    else start();
  }

  /**
   * Lock (or with `locked: false` unlock) a price index (`btc_usd`, …): `platform_state` gets
   * `{price_index, locked}`, `public/status` lists it, and order entry on its instruments gets `10019` while
   * cancels still work.
   */
  lockIndex(index: string, locked = true): void {
    if (this.core.platform.lock(index, locked))
      this.core.publish('platform_state', { price_index: index, locked });
  }

  /** Publish `user.lock` `{locked, currency}` to `subjectId`'s sockets (no order is refused for it). */
  lockUser(subjectId: number, locked: boolean, currency = 'ALL'): void {
    this.core.publish('user.lock', { locked, currency }, { subjectId });
  }
}
