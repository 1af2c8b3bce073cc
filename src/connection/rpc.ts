/**
 * One JSON-RPC 2.0 connection over one WebSocket: integer ids, a pending map, per-call timeouts (one timer per
 * connection, not one per call), AbortSignal support, routing of notifications (`subscription`, `heartbeat`),
 * and what the liveness monitor reads (when frames and responses arrived, whether writes leave). It is the wire
 * only: it knows nothing about authentication or the session.
 * @module
 */
import {
  ConnectionClosedError,
  InvalidArgumentError,
  RequestTimeoutError,
  RpcError,
} from '../errors/errors.js';
import { monotonic } from '../time/clock.js';
import { onAbort } from '../time/wait.js';
import { IdlessErrors } from './idless.js';
import { type OpenSocketOptions, openSocket } from './open.js';
import {
  describeSocketError,
  ignore,
  type NodeStyleSocket,
  OPEN,
  oversizeRequest,
  terminate,
  utf8Length,
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

/** The error a pending call gets when the socket closes: `sent` says whether its bytes left this process. */
export type CloseErrorFor = (method: string, sent: boolean) => Error;

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly deadline: number;
  readonly timeout: number;
  readonly sentAt: number;
  /** Bytes written up to and including this frame (see {@link RpcConnection.hasLeft}). */
  readonly endOffset: number;
  readonly undoAbort: (() => void) | undefined;
}

const NO_TIMER = Number.POSITIVE_INFINITY;
/** The most a client frame's header takes (2 + 8 length + 4 mask): counted so "has left" errs towards "yes". */
const MAX_FRAME_HEADER = 14;

/** How a socket closed. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
  /** True when this side closed or dropped it; false when the peer closed it (or the network did: 1006). */
  readonly local: boolean;
}

/** Options for {@link RpcConnection.open}. */
export interface OpenOptions extends OpenSocketOptions {
  readonly handlers: RpcHandlers;
}

/** One JSON-RPC connection. Create with {@link RpcConnection.open}. */
export class RpcConnection {
  readonly #socket: WebSocketLike;
  readonly #handlers: RpcHandlers;
  readonly #pending = new Map<number, Pending>();
  /** Made at the first id-less error: rare, and its links cost about 0.4 KiB a socket. */
  #idless: IdlessErrors | undefined;
  #nextId = 1;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = NO_TIMER;
  #closed = false;
  #closeError: CloseErrorFor | undefined;
  /** Undoes the message listener when it is not `onmessage` (Node's `ws`). */
  #detachMessages: (() => void) | undefined;
  // The closed promise is made only when someone asks: idle sessions should not carry it.
  #closeInfo: CloseInfo | undefined;
  #closedPromise: Promise<CloseInfo> | undefined;
  #resolveClosed: ((info: CloseInfo) => void) | undefined;
  /** Bytes handed to the socket so far (frames and an upper bound of their headers). */
  #written = 0;
  /** The write buffer's size when the socket was dropped. */
  #bufferedAtClose: number | undefined;
  /** Monotonic time of the last inbound frame (or of the open): the liveness monitor reads it. */
  lastFrameAt = monotonic();
  /** Monotonic time of the last response to a request (or of the open): notifications do not count. */
  lastResponseAt = this.lastFrameAt;

  private constructor(socket: WebSocketLike, handlers: RpcHandlers) {
    this.#socket = socket;
    this.#handlers = handlers;
  }

  #idlessErrors(): IdlessErrors {
    this.#idless ??= new IdlessErrors({
      pendingIds: () => this.#pending.keys(),
      isPending: (id) => this.#pending.has(id),
      reject: (id, wire) => {
        const pending = this.#settle(id);
        pending?.reject(RpcError.fromWire(pending.method, wire));
      },
      unmatched: (error) => this.#handlers.onProtocolError(error),
    });
    return this.#idless;
  }

  /** Open a socket and resolve once it is open; see {@link openSocket} for how it fails. */
  static async open(options: OpenOptions): Promise<RpcConnection> {
    const connection = new RpcConnection(await openSocket(options), options.handlers);
    connection.#attach();
    return connection;
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

  /** Resolves once the socket has closed, however that happened. */
  get closed(): Promise<CloseInfo> {
    if (this.#closeInfo) return Promise.resolve(this.#closeInfo);
    this.#closedPromise ??= new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    return this.#closedPromise;
  }

  /** True until the socket closes. */
  get isOpen(): boolean {
    return !this.#closed && this.#socket.readyState === OPEN;
  }

  /** Server time − local wall time, ms, from the last response's `usOut` (0 until one carried it). */
  serverOffset = 0;
  /** The last response's `usDiff`: µs the server spent on it. */
  usDiff: number | undefined;

  #serverClock(usOut: unknown, usDiff: unknown): void {
    const out = typeof usOut === 'number' ? usOut : Number(usOut);
    if (Number.isFinite(out)) this.serverOffset = out / 1000 - Date.now();
    const diff = typeof usDiff === 'number' ? usDiff : Number(usDiff);
    if (Number.isFinite(diff)) this.usDiff = diff;
  }

  /** Bytes handed to the socket so far (with an upper bound of frame headers). */
  get bytesWritten(): number {
    return this.#written;
  }

  /** Bytes still waiting in the socket's write buffer. */
  get bytesBuffered(): number {
    const buffered = (this.#socket as { bufferedAmount?: unknown }).bufferedAmount;
    return typeof buffered === 'number' ? buffered : 0;
  }

  /** Send time (monotonic) of the oldest request still waiting for its answer, if any. */
  get oldestPendingAt(): number | undefined {
    for (const pending of this.#pending.values()) return pending.sentAt;
    return undefined;
  }

  /**
   * Send a request and resolve with its `result`. Rejects with {@link RpcError}, {@link RequestTimeoutError},
   * {@link ConnectionClosedError}, a `MalformedResponseError` (an error without a numeric code), or the signal's
   * reason.
   */
  call(method: string, params: object | undefined, timeout: number, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (!this.isOpen)
      return Promise.reject(new ConnectionClosedError(method, undefined, undefined, { sent: false }));
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
      const now = monotonic();
      const deadline = now + timeout;
      const undoAbort =
        signal === undefined
          ? undefined
          : onAbort(signal, () => {
              if (this.#settle(id)) reject(signal.reason);
            });
      try {
        this.#socket.send(frame);
      } catch (error) {
        undoAbort?.();
        reject(
          new ConnectionClosedError(method, undefined, error instanceof Error ? error.message : undefined, {
            sent: false,
          }),
        );
        return;
      }
      this.#written += utf8Length(frame) + MAX_FRAME_HEADER;
      this.#pending.set(id, {
        method,
        resolve,
        reject,
        deadline,
        timeout,
        sentAt: now,
        endOffset: this.#written,
        undoAbort,
      });
      if (deadline < this.#timerAt) this.#armTimer(deadline);
    });
  }

  /** Whether the bytes of a frame written up to `endOffset` have left this process. */
  #hasLeft(endOffset: number): boolean {
    return this.#written - (this.#bufferedAtClose ?? this.bytesBuffered) >= endOffset;
  }

  /** Choose the error pending calls get when the peer closes the socket (default {@link ConnectionClosedError}). */
  setCloseError(errorFor: CloseErrorFor): void {
    this.#closeError = errorFor;
  }

  /** Send a request that gets no response (Deribit's `private/logout`). Returns false if the socket is not open. */
  sendOnly(method: string, params: object | undefined): boolean {
    if (!this.isOpen) return false;
    const id = this.#nextId++;
    try {
      this.#socket.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Close on our own initiative: reject every pending call at once with `errorFor`, close politely, and resolve
   * when the socket has closed (it is terminated if the peer has not answered within `graceMs`). `onClose` is
   * not called: the caller already knows.
   */
  shutdown(code: number, reason: string, errorFor: CloseErrorFor, graceMs = 1000): Promise<CloseInfo> {
    if (this.#closed) return this.closed;
    this.#closed = true;
    this.#bufferedAtClose = this.bytesBuffered;
    this.#clearTimer();
    this.#rejectAll(errorFor);
    const socket = this.#socket;
    this.#detachMessages?.();
    socket.onmessage = null;
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

  /** Drop the socket at once (a dead connection gets no closing handshake) and reject every pending call now. */
  terminate(code = 4000, reason = 'terminated'): void {
    if (this.#closed) return;
    this.#bufferedAtClose = this.bytesBuffered; // what never left, read before the socket is torn down
    terminate(this.#socket);
    this.#onClose(code, reason, true);
  }

  #onFrame(data: unknown): void {
    const now = monotonic();
    this.lastFrameAt = now;
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
      usOut?: unknown;
      usDiff?: unknown;
      error?: { code?: unknown; message?: unknown; data?: unknown };
    };
    if (typeof frame.id === 'number') {
      this.lastResponseAt = now;
      const usOut = frame.usOut;
      // Deribit stamps every response with its clock (µs, sometimes as a string): what its time is, roughly.
      if (usOut !== undefined) this.#serverClock(usOut, frame.usDiff);
      const pending = this.#settle(frame.id);
      if (!pending) return; // a late answer to a call that already timed out or was aborted
      const error = frame.error;
      if (error !== undefined && error !== null) pending.reject(RpcError.fromWire(pending.method, error));
      else pending.resolve(frame.result);
      return;
    }
    if (frame.error !== undefined && frame.error !== null && frame.method === undefined) {
      this.lastResponseAt = now;
      this.#idlessErrors().add(frame.error);
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

  #settle(id: number): Pending | undefined {
    const pending = this.#pending.get(id);
    if (!pending) return undefined;
    this.#pending.delete(id);
    pending.undoAbort?.();
    return pending;
  }

  #armTimer(at: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => this.#expire(), Math.max(0, at - monotonic()));
  }

  /** Reject every call past its deadline (unsent ones say so), then re-arm for the earliest remaining one. */
  #expire(): void {
    this.#timer = undefined;
    this.#timerAt = NO_TIMER;
    const now = monotonic();
    let next = NO_TIMER;
    for (const [id, pending] of this.#pending) {
      if (pending.deadline <= now) {
        this.#settle(id);
        const neverLeft = !this.#hasLeft(pending.endOffset);
        const message = neverLeft
          ? `${pending.method} was not sent: its frame was still in the local write buffer after ${Math.round(pending.timeout)} ms (the socket is not draining); it is safe to retry`
          : undefined;
        pending.reject(new RequestTimeoutError(pending.method, pending.timeout, neverLeft, message));
      } else if (pending.deadline < next) {
        next = pending.deadline;
      }
    }
    if (next !== NO_TIMER) this.#armTimer(next);
  }

  #markClosed(info: CloseInfo): void {
    this.#closeInfo = info;
    this.#resolveClosed?.(info);
  }

  #onClose(code: number, reason: string, local = false): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#bufferedAtClose ??= this.bytesBuffered;
    const socket = this.#socket;
    this.#detachMessages?.();
    socket.onmessage = null;
    socket.onclose = null;
    socket.onerror = ignore;
    this.#clearTimer();
    this.#rejectAll(
      this.#closeError ?? ((method, sent) => new ConnectionClosedError(method, code, reason, { sent })),
    );
    this.#markClosed({ code, reason, local });
    this.#handlers.onClose(code, reason);
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = NO_TIMER;
    this.#idless?.dispose();
  }

  #rejectAll(errorFor: CloseErrorFor): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) {
      call.undoAbort?.();
      call.reject(errorFor(call.method, this.#hasLeft(call.endOffset)));
    }
  }
}
