/**
 * A bare JSON-RPC client over `ws` for emulator tests: no session logic, every frame visible.
 * @module
 */

import WebSocket from 'ws';

/** A JSON-RPC response envelope as the emulator sends it. */
export interface Envelope {
  readonly jsonrpc: string;
  readonly id: string | number | null;
  readonly result?: unknown;
  readonly error?: {
    readonly code: number;
    readonly message: string;
    readonly data?: Record<string, unknown>;
  };
  readonly usIn: number;
  readonly usOut: number;
  readonly usDiff: number;
  readonly testnet: boolean;
}

/** A server notification (no id). */
export interface Notification {
  readonly jsonrpc: string;
  readonly method: string;
  readonly params: { readonly channel?: string; readonly data?: unknown; readonly type?: string };
}

/** How the socket closed. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

interface Waiter<T> {
  readonly predicate: (item: T) => boolean;
  readonly resolve: (item: T) => void;
  readonly reject: (error: Error) => void;
}

/** Items with waiters: `next(predicate)` takes the first buffered match or waits for one. */
class Inbox<T> {
  readonly items: T[] = [];
  readonly #waiters: Waiter<T>[] = [];

  push(item: T): void {
    const index = this.#waiters.findIndex((waiter) => waiter.predicate(item));
    const waiter = this.#waiters[index];
    if (waiter) {
      this.#waiters.splice(index, 1);
      waiter.resolve(item);
      return;
    }
    this.items.push(item);
  }

  next(predicate: (item: T) => boolean = () => true): Promise<T> {
    const index = this.items.findIndex(predicate);
    const found = this.items[index];
    if (found !== undefined) {
      this.items.splice(index, 1);
      return Promise.resolve(found);
    }
    return new Promise<T>((resolve, reject) => this.#waiters.push({ predicate, resolve, reject }));
  }

  fail(error: Error): void {
    for (const waiter of this.#waiters.splice(0)) waiter.reject(error);
  }
}

/** Options of {@link RawClient.connect}. */
export interface RawClientOptions {
  /** Answer every `test_request` heartbeat with `public/test` (default `false`). */
  readonly answerHeartbeats?: boolean;
}

/** A raw JSON-RPC test client. */
export class RawClient {
  /** The socket. */
  readonly ws: WebSocket;
  /** Every frame received, parsed, in order. */
  readonly frames: unknown[] = [];
  /** Resolves when the socket closes. */
  readonly closed: Promise<Closed>;
  readonly #pending = new Map<
    string | number,
    { resolve: (envelope: Envelope) => void; reject: (e: Error) => void }
  >();
  readonly #notifications = new Inbox<Notification>();
  readonly #orphans = new Inbox<Envelope>();
  #nextId = 1;
  #isClosed = false;

  private constructor(ws: WebSocket, options: RawClientOptions) {
    this.ws = ws;
    this.closed = new Promise<Closed>((resolve) => {
      ws.on('close', (code, reason) => {
        this.#isClosed = true;
        const error = new Error(`socket closed (${code})`);
        for (const pending of this.#pending.values()) pending.reject(error);
        this.#pending.clear();
        this.#notifications.fail(error);
        this.#orphans.fail(error);
        resolve({ code, reason: reason.toString() });
      });
    });
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      this.frames.push(message);
      const id = message['id'];
      if (typeof id === 'string' || typeof id === 'number') {
        const pending = this.#pending.get(id);
        if (pending) {
          this.#pending.delete(id);
          pending.resolve(message as unknown as Envelope);
          return;
        }
      }
      if ('result' in message || 'error' in message) {
        this.#orphans.push(message as unknown as Envelope);
        return;
      }
      const notification = message as unknown as Notification;
      if (
        options.answerHeartbeats &&
        notification.method === 'heartbeat' &&
        notification.params.type === 'test_request'
      ) {
        this.send({ jsonrpc: '2.0', id: `hb-${this.#nextId++}`, method: 'public/test', params: {} });
      }
      this.#notifications.push(notification);
    });
  }

  /** Open a socket to `url`; rejects on an HTTP error (e.g. 429). */
  static connect(url: string, options: RawClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      const client = new RawClient(ws, options);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => {
        reject(new Error(`HTTP ${response.statusCode}`));
        ws.terminate();
      });
      ws.on('error', () => {
        // Reported through 'close'.
      });
    });
  }

  /** `true` once the socket has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Send a request and resolve with the full response envelope (rejects if the socket closes first). */
  call(
    method: string,
    params?: Record<string, unknown>,
    id: string | number = this.#nextId++,
  ): Promise<Envelope> {
    const response = new Promise<Envelope>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.send(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params });
    return response;
  }

  /** Like {@link call} but resolves with `result`, throwing when the response is an error. */
  async result(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const envelope = await this.call(method, params);
    if (envelope.error) throw new Error(`${method}: ${envelope.error.code} ${envelope.error.message}`);
    return envelope.result;
  }

  /** Send anything: an object is JSON-encoded, a string or Buffer is sent as is. */
  send(frame: unknown, options: { binary?: boolean } = {}): void {
    const data = typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : JSON.stringify(frame);
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /** The next response that matched no pending call (e.g. `id: null` errors). */
  nextOrphan(predicate?: (envelope: Envelope) => boolean): Promise<Envelope> {
    return this.#orphans.next(predicate);
  }

  /** The next notification matching `predicate` (buffered ones first). */
  nextNotification(predicate?: (notification: Notification) => boolean): Promise<Notification> {
    return this.#notifications.next(predicate);
  }

  /** Buffered notifications not yet taken. */
  get notifications(): readonly Notification[] {
    return this.#notifications.items;
  }

  /** Close (normal closure) and wait for it. */
  async close(): Promise<Closed> {
    if (!this.#isClosed) this.ws.close(1000);
    return this.closed;
  }
}

/** Clients opened through {@link track}, closed by {@link closeAll}. */
const opened = new Set<RawClient>();

/** Remember a client so {@link closeAll} closes it. */
export function track(client: RawClient): RawClient {
  opened.add(client);
  return client;
}

/** Close every tracked client (terminating: no wait for the server). */
export async function closeAll(): Promise<void> {
  const clients = [...opened];
  opened.clear();
  for (const client of clients) if (!client.isClosed) client.ws.terminate();
  await Promise.all(clients.map((client) => client.closed));
}
