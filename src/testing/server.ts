/**
 * The emulator's server half: the HTTP/WebSocket server and its sockets, the shared state, notifications,
 * inspection, settings and fault hooks. `DeribitEmulator` (`emulator.ts`) adds the trading and platform hooks.
 * @module
 */

import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';
import { AccountRegistry, DEFAULT_ACCOUNT } from './accounts.js';
import { Batcher } from './batcher.js';
import { ChannelRules } from './channels.js';
import { Connection } from './connection.js';
import type { ConnectionHandle, CoreSettings, EmulatorCore } from './core.js';
import { type ChannelRefusal, type FailNextOptions, Faults, type InjectedError } from './faults.js';
import { Balances } from './funds.js';
import { ConnectionHub } from './hub.js';
import { DEFAULT_INSTRUMENTS } from './instruments/catalog.js';
import { InstrumentRegistry } from './instruments/registry.js';
import { ReceivedLog } from './log.js';
import { MarketState } from './market.js';
import { COUNTERPARTY_ID } from './matching.js';
import { createMethodTable } from './methods/index.js';
import { canonicalMethod } from './methods/names.js';
import type { Handler, MethodSpec } from './methods/types.js';
import { NonceStore } from './nonces.js';
import { cancelOrders } from './order-actions.js';
import { OrderBook } from './orders.js';
import { PlatformState } from './platform.js';
import { PositionBook } from './positions.js';
import { RateLimiter } from './rate-limit.js';
import { type TokenSettings, TokenStore } from './tokens.js';
import {
  CloseCode,
  type EmulatorEvents,
  type EmulatorOptions,
  MAX_FRAME_BYTES,
  type ReceivedMessage,
} from './types.js';

/** The WebSocket path, as on Deribit. */
export const WS_PATH = '/ws/api/v2';

/**
 * Frames `ws` reads at all are capped at this or twice `maxFrameBytes`, whichever is larger (bigger frames
 * close the socket with 1009); frames over `maxFrameBytes` are read and answered with -32600.
 */
const WS_MAX_PAYLOAD = 1024 * 1024;
/** How long `close()` waits for clients to answer the close frame before severing them. */
const CLOSE_GRACE_MS = 1000;

const DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  tokenTtl: 900,
  refreshTokenTtl: 30 * 24 * 3600,
  minHeartbeatInterval: 10,
  testnet: true,
  maxConnections: 32,
  maxSessionsPerKey: 16,
  version: '1.2.26-emulator',
  receivedLogLimit: 10_000,
  maxFrameBytes: MAX_FRAME_BYTES,
} as const;

/** Options of {@link DeribitEmulator.publish}. */
export interface PublishOptions {
  /** Deliver only to sockets authenticated as this subject (user id). */
  readonly subjectId?: number | undefined;
}

function micros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * The server half of {@link DeribitEmulator} (which is what tests start and use). Events (see
 * {@link EmulatorEvents}): `connection`, `request`, `auth`, `unauthorized`, `rateLimited`, `disconnect`, `logout`,
 * `cancelOnDisconnect`, `maintenance`, `heartbeat`.
 */
export class EmulatorServer extends EventEmitter<EmulatorEvents> {
  /** `ws://HOST:PORT/ws/api/v2`. */
  readonly url: string;
  /** The bound port. */
  readonly port: number;

  readonly #server: Server;
  readonly #wss: WebSocketServer;
  /** The shared state, for the hooks of `DeribitEmulator`. */
  protected readonly core: EmulatorCore;
  readonly #tokens: TokenStore;
  readonly #tokenSettings: TokenSettings;
  readonly #faults: Faults;
  readonly #methods: Map<string, MethodSpec>;
  readonly #log: ReceivedLog;
  readonly #connections = new ConnectionHub();
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #maxConnections: number;
  #pendingUpgrades = 0;
  #nextConnectionId = 1;
  #closing: Promise<void> | undefined;

  /** Use `DeribitEmulator.start()`. */
  protected constructor(server: Server, options: EmulatorOptions) {
    super();
    this.#server = server;
    const address = server.address() as AddressInfo;
    this.port = address.port;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `ws://${host}:${this.port}${WS_PATH}`;
    this.#maxConnections = options.maxConnections ?? DEFAULTS.maxConnections;
    this.#tokenSettings = {
      tokenTtl: options.tokenTtl ?? DEFAULTS.tokenTtl,
      refreshTokenTtl: options.refreshTokenTtl ?? DEFAULTS.refreshTokenTtl,
      maxSessionsPerKey: options.maxSessionsPerKey ?? DEFAULTS.maxSessionsPerKey,
    };
    this.#tokens = new TokenStore(this.#tokenSettings);
    this.#faults = new Faults();
    this.#methods = createMethodTable();
    this.#log = new ReceivedLog(options.receivedLogLimit ?? DEFAULTS.receivedLogLimit);
    const settings: CoreSettings = {
      version: options.version ?? DEFAULTS.version,
      testnet: options.testnet ?? DEFAULTS.testnet,
      minHeartbeatInterval: options.minHeartbeatInterval ?? DEFAULTS.minHeartbeatInterval,
      maxFrameBytes: options.maxFrameBytes ?? DEFAULTS.maxFrameBytes,
    };
    const faults = this.#faults;
    const instruments = new InstrumentRegistry([...DEFAULT_INSTRUMENTS, ...(options.instruments ?? [])]);
    const balances = new Balances(options.balances);
    // The counterparty behind addLiquidity(), fill() and market remainders never runs out of money.
    for (const currency of ['BTC', 'ETH', 'USDC', 'USDT', 'EURR'])
      balances.set(COUNTERPARTY_ID, currency, 1e15);
    const setTimer = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        fn();
      }, ms);
      this.#timers.add(timer);
    };
    this.core = {
      accounts: new AccountRegistry(options.accounts ?? [DEFAULT_ACCOUNT]),
      tokens: this.#tokens,
      faults,
      rateLimits: new RateLimiter(options.rateLimits),
      instruments,
      channels: new ChannelRules(instruments),
      orders: new OrderBook(),
      positions: new PositionBook(),
      market: new MarketState(),
      balances,
      platform: new PlatformState(),
      batcher: new Batcher({
        publish: (channel, data, subjectId) => this.#connections.publish(channel, data, { subjectId }),
        setTimer,
      }),
      nonces: new NonceStore(),
      settings,
      now: () => Date.now() + faults.clockSkew,
      micros: () => micros() + faults.clockSkew * 1000,
      publish: (channel, data, filter) => this.#connections.publish(channel, data, filter),
      hasSubscribers: (channel) => this.#connections.hasSubscribers(channel),
      emitEvent: (event, ...args) => {
        (this as EventEmitter).emit(event, ...args);
      },
      hasListeners: (event) => this.listenerCount(event) > 0,
      record: (entry) => this.#log.push(entry),
      setTimer,
      connectionClosed: (connection, code, reason) => this.#onConnectionClosed(connection, code, reason),
    };
    this.#wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      clientTracking: false,
      maxPayload: Math.max(WS_MAX_PAYLOAD, 2 * settings.maxFrameBytes),
    });
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.#onUpgrade(request, socket, head),
    );
  }

  // ---------------------------------------------------------------- lifecycle

  #onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => {
      // A client that vanished mid-handshake: nothing to do.
    });
    const path = (request.url ?? '/').split('?')[0];
    if (this.#closing !== undefined) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (path !== WS_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.#connections.size + this.#pendingUpgrades >= this.#maxConnections) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.#pendingUpgrades += 1;
    let settled = false;
    const settle = (): void => {
      if (settled) return;
      settled = true;
      this.#pendingUpgrades -= 1;
    };
    socket.once('close', settle);
    this.#wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      settle();
      socket.off('close', settle);
      if (this.#closing !== undefined) {
        ws.terminate();
        return;
      }
      const id = this.#nextConnectionId++;
      const address = request.socket.remoteAddress ?? 'unknown';
      const connection = new Connection(id, ws, this.core, this.#methods, address);
      this.#connections.add(connection);
      this.emit('connection', { connectionId: id });
    });
  }

  #onConnectionClosed(handle: ConnectionHandle, code: number, reason: string): void {
    const connection = this.#connections.remove(handle.id);
    const session = handle.auth;
    if (!handle.loggedOut && handle.cod.enabled && session) {
      const scope = handle.cod.scope;
      const connectionId = scope === 'connection' ? handle.id : undefined;
      const cancelled = cancelOrders(
        this.core,
        session.subjectId,
        (stored) => connectionId === undefined || stored.connectionId === connectionId,
        'cancel_on_disconnect',
      );
      this.emit('cancelOnDisconnect', {
        connectionId: handle.id,
        subjectId: session.subjectId,
        scope,
        cancelled: cancelled.length,
        orderIds: cancelled.map((order) => order.order_id),
      });
    }
    this.#tokens.connectionClosed(handle.id);
    if (connection) this.emit('disconnect', { connectionId: handle.id, code, reason });
  }

  /**
   * Close every socket (close frame 1001; sockets that do not answer within 1 s are severed), stop
   * the server and clear every timer, so the process can exit. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    const closed = [...this.#connections.values()].map(
      (connection) =>
        new Promise<void>((resolve) => {
          const onDisconnect = (event: { connectionId: number }): void => {
            if (event.connectionId !== connection.id) return;
            this.off('disconnect', onDisconnect);
            resolve();
          };
          this.on('disconnect', onDisconnect);
          connection.close(CloseCode.shutdown, 'emulator shutdown');
        }),
    );
    if (closed.length > 0) {
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.all(closed),
        new Promise<void>((resolve) => {
          grace = setTimeout(resolve, CLOSE_GRACE_MS);
        }),
      ]);
      clearTimeout(grace);
      for (const connection of this.#connections.values()) connection.terminate();
    }
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#wss.close();
    await new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
  }

  // ---------------------------------------------------------------- notifications

  /**
   * Send `{"method":"subscription","params":{channel,data}}` to every socket subscribed to `channel`.
   * `user.*` channels reach only sockets whose auth is currently valid; `subjectId` narrows delivery
   * to sockets authenticated as that subject. Frozen sockets get nothing.
   * @returns How many sockets it was sent to.
   */
  publish(channel: string, data: unknown, options: PublishOptions = {}): number {
    return this.#connections.publish(channel, data, options);
  }

  // ---------------------------------------------------------------- inspection

  /** Requests received (newest `receivedLogLimit`, oldest first), secrets redacted. */
  get received(): readonly ReceivedMessage[] {
    return this.#log.entries();
  }

  /** Forget the received-message log. */
  clearReceived(): void {
    this.#log.clear();
  }

  /** Number of open sockets. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Ids of the open sockets, in connection order. */
  get connectionIds(): number[] {
    return this.#connections.ids();
  }

  /** Names of the named sessions `clientId` holds, oldest first. */
  sessionsOf(clientId: string): string[] {
    return this.#tokens.sessionsOf(clientId);
  }

  /** Channels socket `connectionId` is subscribed to (empty when unknown). */
  channelsOf(connectionId: number): string[] {
    return [...(this.#connections.get(connectionId)?.channels ?? [])];
  }

  /** Open orders of a subject (as `private/get_open_orders` would list them). */
  openOrders(subjectId: number): ReadonlyArray<Record<string, unknown>> {
    return this.core.orders.list(subjectId, () => true).map((order) => ({ ...order }));
  }

  // ---------------------------------------------------------------- settings and extension

  /** The server clock, ms (real clock + skew). */
  now(): number {
    return this.core.now();
  }

  /** `expires_in` of tokens issued from now on, seconds. */
  setTokenTtl(seconds: number): void {
    this.#tokenSettings.tokenTtl = seconds;
  }

  /**
   * Add or replace a method. The handler gets `{ params, session, … }` and returns the result (or a
   * promise of it), or throws `RpcFailure`. `private: true` makes the dispatcher require auth.
   */
  addMethod(method: string, handler: Handler, options: { readonly private?: boolean } = {}): void {
    const name = canonicalMethod(method);
    this.#methods.set(name, { private: options.private ?? name.startsWith('private/'), handler });
  }

  // ---------------------------------------------------------------- faults

  /** Close every open socket with a close frame (`code`, `reason`). */
  protected closeSockets(code: number, reason: string): void {
    for (const connection of this.#connections.values()) connection.close(code, reason);
  }

  /** Sever every socket without a close frame (clients see 1006), as a network fault would. */
  dropConnections(): void {
    for (const connection of this.#connections.values()) connection.terminate();
  }

  /**
   * Send `text` as-is, as one text frame, to every open socket (unless frozen): for testing how a
   * client copes with frames that are not JSON or not JSON-RPC. Returns the number of sockets sent to.
   */
  injectFrame(text: string): number {
    let sent = 0;
    for (const connection of this.#connections.values()) if (connection.sendText(text)) sent += 1;
    return sent;
  }

  /**
   * Make every socket open now half-dead: requests are swallowed (still logged), and no responses,
   * heartbeats or notifications are sent; the sockets stay open. Sockets opened later are unaffected.
   */
  freeze(): void {
    for (const connection of this.#connections.values()) connection.frozen = true;
  }

  /** Undo {@link freeze}. Swallowed requests stay unanswered. */
  unfreeze(): void {
    for (const connection of this.#connections.values()) connection.frozen = false;
  }

  /**
   * The next `count` calls of `method` (on any socket) get `error` instead of being handled; with
   * `{ close: true }` the socket is closed (code 4001) right after the error is sent.
   */
  failNext(method: string, count: number, error: InjectedError, options: FailNextOptions = {}): void {
    this.#faults.failNext(canonicalMethod(method), count, error, options);
  }

  /** The next `count` `public/auth` calls get `10028 too_many_requests`, then their socket is closed (4029). */
  rateLimitAuth(count: number): void {
    this.#faults.rateLimitedAuths = Math.max(0, count);
  }

  /** Delay every response to `method` by `ms` (the call is handled at once; only the answer waits). */
  delay(method: string, ms: number): void {
    this.#faults.delays.set(canonicalMethod(method), ms);
  }

  /** Remove every {@link delay}. */
  clearDelays(): void {
    this.#faults.delays.clear();
  }

  /** Server clock = real clock + `ms` (affects `public/get_time`, `usIn/usOut` and the signature window). */
  setClockSkew(ms: number): void {
    this.#faults.clockSkew = ms;
  }

  /** Subscribe requests omit these channels from their result (a list or a predicate; `undefined` clears). */
  refuseChannels(refusal: ChannelRefusal | undefined): void {
    this.#faults.refuseChannels(refusal);
  }

  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireAllTokens(): void {
    this.#tokens.expireAll();
  }

  /** Every outstanding refresh token stops working (access tokens live on until they expire). */
  revokeRefreshTokens(): void {
    this.#tokens.revokeRefreshTokens();
  }
}
