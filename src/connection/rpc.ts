/**
 * One JSON-RPC 2.0 connection over one WebSocket: integer ids, a pending map, per-call timeouts
 * (one timer per connection, not one per call), AbortSignal support, and routing of
 * notifications (`subscription`, `heartbeat`). It knows nothing about authentication.
 * @module
 */

import {
  ConnectionClosedError,
  InvalidArgumentError,
  RequestTimeoutError,
  RpcError,
  UpgradeRejectedError,
} from '../errors/errors.js';
import { monotonic } from '../time/clock.js';
import {
  describeSocketError,
  ignore,
  type NodeStyleSocket,
  OPEN,
  oversizeRequest,
  terminate,
  upgradeStatus,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket.js';

/** Where a connection delivers what is not a response to one of its calls. */
export interface RpcHandlers {
  /** A `subscription` notification. */
  onNotification(channel: string, data: unknown): void;
  /** A `heartbeat` notification (`type` is `heartbeat` or `test_request`). */
  onHeartbeat(type: string): void;
  /** The socket closed (after every pending call was rejected). */
  onClose(code: number, reason: string): void;
  /** A frame that is not JSON or not JSON-RPC (or an error no call can be matched to): reported, then dropped. */
  onProtocolError(error: Error): void;
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly deadline: number;
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

const NO_TIMER = Number.POSITIVE_INFINITY;

/** How a socket closed. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  /** True when this side closed or dropped it; false when the peer closed it (or the network did: 1006). */
  readonly local: boolean;
}

/** Options for {@link RpcConnection.open}. */
export interface OpenOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  /** How long to wait for the socket to open, in ms. */
  readonly connectTimeout: number;
  readonly handlers: RpcHandlers;
  readonly signal?: AbortSignal | undefined;
  /** Third argument of the constructor (Node `ws` client options); omitted when undefined. */
  readonly socketOptions?: Record<string, unknown> | undefined;
}

/** One JSON-RPC connection. Create with {@link RpcConnection.open}. */
export class RpcConnection {
  readonly #socket: WebSocketLike;
  readonly #handlers: RpcHandlers;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = NO_TIMER;
  #closed = false;
  #closeError: ((method: string) => Error) | undefined;
  /** Undoes the message listener when it is not `onmessage` (Node's `ws`). */
  #detachMessages: (() => void) | undefined;
  // The closed promise is made only when someone asks: idle sessions should not carry it.
  #closeInfo: CloseInfo | undefined;
  #closedPromise: Promise<CloseInfo> | undefined;
  #resolveClosed: ((info: CloseInfo) => void) | undefined;

  /** Resolves once the socket has closed, however that happened. */
  get closed(): Promise<CloseInfo> {
    if (this.#closeInfo) return Promise.resolve(this.#closeInfo);
    this.#closedPromise ??= new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    return this.#closedPromise;
  }

  #markClosed(info: CloseInfo): void {
    this.#closeInfo = info;
    this.#resolveClosed?.(info);
  }
  /** Monotonic time of the last inbound frame (or of the open): the liveness monitor reads it. */
  lastFrameAt = monotonic();
  /** Set once `public/auth` succeeded on this socket (a logout is worth sending on it). */
  authenticated = false;
  /** Requests written since the last response: an id-less error can be matched only when this is 1. */
  #sentSinceResponse = 0;
  #lastSentId = 0;

  private constructor(socket: WebSocketLike, handlers: RpcHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
  }

  /** Open a socket and resolve once it is open; rejects with {@link ConnectionClosedError} if it fails. */
  static open(options: OpenOptions): Promise<RpcConnection> {
    return new Promise((resolve, reject) => {
      const { signal } = options;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let socket: WebSocketLike;
      try {
        socket =
          options.socketOptions === undefined
            ? new options.WebSocket(options.url)
            : new options.WebSocket(options.url, undefined, options.socketOptions);
      } catch (error) {
        reject(error);
        return;
      }
      const connection = new RpcConnection(socket, options.handlers);
      let settled = false;
      const finish = (error?: unknown): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) {
          socket.onopen = null; // or it keeps this whole closure (timer, handlers, options) alive as long as the socket
          connection.#attach();
          resolve(connection);
        } else {
          socket.onopen = socket.onclose = socket.onmessage = null;
          socket.onerror = ignore; // ws reports an aborted handshake as an error event: keep a listener
          connection.#closed = true;
          terminate(socket);
          reject(error);
        }
      };
      const onAbort = (): void => finish(signal?.reason);
      const timer = setTimeout(
        () =>
          finish(
            new ConnectionClosedError(
              undefined,
              undefined,
              `no connection within ${options.connectTimeout} ms`,
            ),
          ),
        options.connectTimeout,
      );
      signal?.addEventListener('abort', onAbort, { once: true });
      let lastError = '';
      socket.onerror = (event) => {
        lastError = describeSocketError(event);
      };
      socket.onclose = (event) => {
        const status = upgradeStatus(lastError);
        finish(
          status === undefined
            ? new ConnectionClosedError(undefined, event.code, event.reason || lastError)
            : new UpgradeRejectedError(status, options.url),
        );
      };
      socket.onopen = () => finish();
    });
  }

  #attach(): void {
    const socket = this.#socket;
    const node = socket as Partial<NodeStyleSocket>;
    if (typeof node.on === 'function' && typeof node.off === 'function') {
      // Node's `ws`: listen on the emitter directly; `onmessage` would wrap every frame in a MessageEvent.
      const listener = (data: unknown, isBinary: boolean): void =>
        this.#onFrame(isBinary ? data : String(data));
      node.on('message', listener);
      this.#detachMessages = () => node.off?.('message', listener);
    } else {
      socket.onmessage = (event) => this.#onFrame(event.data);
    }
    // The close event that follows acts on an error; the error only explains a close that has no reason
    // (e.g. a frame over maxPayload: 1006, "Max payload size exceeded").
    let lastError = '';
    socket.onerror = (event) => {
      lastError = describeSocketError(event);
    };
    socket.onclose = (event) => this.#onClose(event.code, event.reason || lastError);
  }

  /** True until the socket closes. */
  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === OPEN;
  }

  /**
   * Send a request and resolve with its `result`.
   * Rejects with {@link RpcError}, {@link RequestTimeoutError}, {@link ConnectionClosedError}, or the signal's reason.
   */
  call(method: string, params: object | undefined, timeout: number, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.isOpen) return Promise.reject(new ConnectionClosedError(method));
    const id = this.#nextId++;
    let frame: string;
    try {
      frame =
        params === undefined
          ? `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)}}`
          : `{"jsonrpc":"2.0","id":${id},"method":${JSON.stringify(method)},"params":${JSON.stringify(params)}}`;
    } catch (error) {
      // BigInt, circular structures…: the caller's fault, reported as a rejection, never a synchronous throw.
      return Promise.reject(
        new InvalidArgumentError('params', `params of ${method} cannot be serialized to JSON`, {
          cause: error,
        }),
      );
    }
    const oversize = oversizeRequest(method, frame);
    if (oversize) return Promise.reject(oversize);
    return new Promise((resolve, reject) => {
      const onAbort = signal
        ? () => {
            if (this.#pending.delete(id)) reject(signal.reason);
          }
        : undefined;
      const deadline = monotonic() + timeout;
      this.#pending.set(id, { method, resolve, reject, deadline, timeout, signal, onAbort });
      if (onAbort) signal?.addEventListener('abort', onAbort, { once: true });
      if (deadline < this.#timerAt) this.#armTimer(deadline);
      try {
        this.#socket.send(frame);
        this.#sentSinceResponse += 1;
        this.#lastSentId = id;
      } catch (error) {
        this.#settle(id);
        reject(
          new ConnectionClosedError(method, undefined, error instanceof Error ? error.message : undefined),
        );
      }
    });
  }

  /** Choose the error pending calls get when the peer closes the socket (default {@link ConnectionClosedError}). */
  setCloseError(errorFor: (method: string) => Error): void {
    this.#closeError = errorFor;
  }

  /**
   * Send a request that gets no response (Deribit's `private/logout`). Returns false if the socket is not open.
   */
  sendOnly(method: string, params: object | undefined): boolean {
    if (!this.isOpen) return false;
    const id = this.#nextId++;
    try {
      this.#socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      this.#sentSinceResponse += 1;
      this.#lastSentId = id;
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Close on our own initiative: reject every pending call at once with `errorFor(method)`, close politely,
   * and resolve when the socket has closed (it is terminated if the peer has not answered within `graceMs`).
   * `onClose` is not called: the caller already knows.
   */
  shutdown(
    code: number,
    reason: string,
    errorFor: (method: string) => Error,
    graceMs = 1000,
  ): Promise<CloseInfo> {
    if (this.#closed) return this.closed;
    this.#closed = true;
    this.#clearTimer();
    this.#rejectAll(errorFor);
    const socket = this.#socket;
    this.#detachMessages?.();
    this.#socket.onmessage = null;
    socket.onerror = ignore;
    const grace = setTimeout(() => {
      terminate(socket);
      finish(code, reason);
    }, graceMs);
    const finish = (closeCode: number, closeReason: string): void => {
      clearTimeout(grace);
      socket.onclose = null;
      this.#markClosed({ code: closeCode, reason: closeReason, local: true });
    };
    socket.onclose = (event) => finish(event.code, event.reason);
    try {
      socket.close(code, reason);
    } catch {
      terminate(socket);
      finish(code, reason);
    }
    return this.closed;
  }

  /**
   * Drop the socket at once (a dead connection gets no closing handshake) and reject every pending call now,
   * without waiting for the close event.
   */
  terminate(code = 4000, reason = 'terminated'): void {
    if (this.#closed) return;
    terminate(this.#socket);
    this.#onClose(code, reason, true);
  }

  #onFrame(data: unknown): void {
    this.lastFrameAt = monotonic();
    let message: unknown;
    try {
      message = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      this.#handlers.onProtocolError(new Error('received a frame that is not JSON; dropped'));
      return;
    }
    if (typeof message !== 'object' || message === null) {
      this.#handlers.onProtocolError(
        new Error('received a JSON frame that is not a JSON-RPC object; dropped'),
      );
      return;
    }
    const frame = message as {
      id?: unknown;
      method?: unknown;
      params?: { channel?: unknown; data?: unknown; type?: unknown };
      result?: unknown;
      error?: { code?: unknown; message?: unknown; data?: unknown };
    };
    if (typeof frame.id === 'number') {
      this.#sentSinceResponse = 0;
      const pending = this.#settle(frame.id);
      if (!pending) return; // a late answer to a call that already timed out or was aborted
      const error = frame.error;
      if (error !== undefined && error !== null) pending.reject(RpcError.fromWire(pending.method, error));
      else pending.resolve(frame.result);
      return;
    }
    if (frame.error !== undefined && frame.error !== null && frame.method === undefined) {
      this.#onIdlessError(frame.error);
      return;
    }
    if (frame.method === 'subscription' && typeof frame.params?.channel === 'string') {
      this.#handlers.onNotification(frame.params.channel, frame.params.data);
      return;
    }
    if (frame.method === 'heartbeat') {
      this.#handlers.onHeartbeat(typeof frame.params?.type === 'string' ? frame.params.type : 'heartbeat');
      return;
    }
    this.#handlers.onProtocolError(
      new Error('received a JSON-RPC frame this client does not understand; dropped'),
    );
  }

  /**
   * Deribit answers an oversize or unparsable request with an error that has no `id`. It can only belong to
   * the last request when exactly one was written since the previous response; otherwise nobody can tell
   * which call it was, and it is reported (the calls then end by their own timeout).
   */
  #onIdlessError(error: { code?: unknown; message?: unknown; data?: unknown }): void {
    const pending = this.#sentSinceResponse === 1 ? this.#settle(this.#lastSentId) : undefined;
    this.#sentSinceResponse = 0;
    if (pending) pending.reject(RpcError.fromWire(pending.method, error));
    else this.#handlers.onProtocolError(RpcError.fromWire('an unknown request', error));
  }

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
    return pending;
  }

  #armTimer(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - monotonic()));
  }

  /** Reject every call past its deadline, then re-arm for the earliest remaining one. */
  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = NO_TIMER;
    const now = monotonic();
    let next = NO_TIMER;
    for (const [id, pending] of this.#pending) {
      if (pending.deadline <= now) {
        this.#settle(id);
        pending.reject(new RequestTimeoutError(pending.method, pending.timeout));
      } else if (pending.deadline < next) {
        next = pending.deadline;
      }
    }
    if (next !== NO_TIMER) this.#armTimer(next);
  }

  #onClose(code: number, reason: string, local = false): void {
    if (this.#closed) return;
    this.#closed = true;
    const socket = this.#socket;
    this.#detachMessages?.();
    this.#socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = ignore;
    this.#clearTimer();
    this.#rejectAll(this.#closeError ?? ((method) => new ConnectionClosedError(method, code, reason)));
    this.#markClosed({ code, reason, local });
    this.#handlers.onClose(code, reason);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = NO_TIMER;
  }

  #rejectAll(errorFor: (method: string) => Error): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) {
      if (call.onAbort) call.signal?.removeEventListener('abort', call.onAbort);
      call.reject(errorFor(call.method));
    }
  }
}
