/**
 * The three clients compared: our session, a raw `ws` JSON-RPC client (the floor: what a careful
 * hand-written client costs), and `json-rpc-2.0`'s JSONRPCClient over `ws` (a generic alternative).
 */
import { JSONRPCClient, type JSONRPCResponse } from 'json-rpc-2.0';
import WebSocket from 'ws';
import type { DeribitSession, PoolLimits } from '../src/index.js';
import type { SessionOptions } from '../src/options/options.js';
import { library, testing } from './lib.js';

export type ClientKind = 'session' | 'raw' | 'jsonrpc';

/** What every benchmark needs from a client. */
export interface BenchClient {
  call(method: string, params?: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void>;
}

const { DEFAULT_ACCOUNT } = testing;
export const credentials = { clientId: DEFAULT_ACCOUNT.clientId, clientSecret: DEFAULT_ACCOUNT.clientSecret };

interface Waiter {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A minimal hand-written JSON-RPC client on `ws`: a pending map, template frames, one JSON.parse a frame. */
export class RawClient implements BenchClient {
  readonly socket: WebSocket;
  readonly #pending = new Map<number, Waiter>();
  #nextId = 1;
  onNotification: ((channel: string, data: unknown) => void) | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (raw: Buffer) => {
      const message = JSON.parse(raw.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: { channel: string; data: unknown };
      };
      if (typeof message.id === 'number') {
        const waiter = this.#pending.get(message.id);
        if (waiter === undefined) return;
        this.#pending.delete(message.id);
        if (message.error) waiter.reject(new Error(message.error.message));
        else waiter.resolve(message.result);
      } else if (message.method === 'subscription' && message.params) {
        this.onNotification?.(message.params.channel, message.params.data);
      }
    });
  }

  static open(url: string): Promise<RawClient> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  call(method: string, params?: Record<string, unknown>): Promise<unknown> {
    const id = this.#nextId++;
    const frame =
      params === undefined
        ? `{"jsonrpc":"2.0","id":${id},"method":"${method}"}`
        : `{"jsonrpc":"2.0","id":${id},"method":"${method}","params":${JSON.stringify(params)}}`;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.socket.send(frame);
    });
  }

  /** `public/auth` with client_credentials. */
  auth(): Promise<unknown> {
    return this.call('public/auth', {
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.readyState === WebSocket.CLOSED) resolve();
      else {
        this.socket.once('close', () => resolve());
        this.socket.close();
      }
    });
  }
}

/** `json-rpc-2.0`'s client, wired to a `ws` socket the way its README shows. */
export class JsonRpcClient implements BenchClient {
  readonly #socket: WebSocket;
  readonly #client: JSONRPCClient;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.#client = new JSONRPCClient((request) => {
      socket.send(JSON.stringify(request));
    });
    socket.on('message', (raw: Buffer) => {
      this.#client.receive(JSON.parse(raw.toString()) as JSONRPCResponse);
    });
  }

  static open(url: string): Promise<JsonRpcClient> {
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new JsonRpcClient(socket)));
      socket.once('error', reject);
    });
  }

  call(method: string, params?: Record<string, unknown>): Promise<unknown> {
    return this.#client.request(method, params ?? null) as Promise<unknown>;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#socket.once('close', () => resolve());
      this.#socket.close();
    });
  }
}

const plenty = { rate: 1e9, burst: 1e9 } as const;
/**
 * Credit pacing on, with pools too big to run out: what the governor costs when credits are plentiful. The
 * emulator of these benchmarks enforces no pools; the benchmarks at the limit pass `credits` of their own.
 */
export const PLENTY_OF_CREDITS = {
  pools: { non_matching: plenty, matching: plenty, subscribe: plenty },
} as const satisfies { pools: PoolLimits };

/** Our session with the options every benchmark shares (client_credentials, as the raw column uses). */
export function newSession(url: string, extra: Partial<SessionOptions> = {}): DeribitSession {
  return new library.DeribitSession({
    url,
    credentials,
    grant: 'client_credentials',
    credits: PLENTY_OF_CREDITS,
    ...extra,
  });
}

export class SessionClient implements BenchClient {
  readonly session: DeribitSession;
  private constructor(session: DeribitSession) {
    this.session = session;
  }
  static async open(url: string): Promise<SessionClient> {
    const session = newSession(url);
    await session.connect();
    return new SessionClient(session);
  }
  call(method: string, params?: Record<string, unknown>): Promise<unknown> {
    return this.session.call(method, params);
  }
  close(): Promise<void> {
    return this.session.close();
  }
}

export function openClient(kind: ClientKind, url: string): Promise<BenchClient> {
  if (kind === 'session') return SessionClient.open(url);
  if (kind === 'raw') return RawClient.open(url);
  return JsonRpcClient.open(url);
}
