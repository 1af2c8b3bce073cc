/**
 * A small hostile server for failure tests: a real `ws` server on 127.0.0.1:0 whose every answer the test
 * scripts (odd codes, malformed results, silence, floods, refused upgrades), as a real exchange on a bad day
 * would behave. It knows nothing of Deribit beyond what a test tells it, so the emulator's blind spots
 * cannot hide the client's.
 * @module
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type WebSocket, WebSocketServer } from 'ws';

/** One request as the server received it. */
export interface HostileRequest {
  readonly id: number | string | undefined;
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** Which connection (1, 2, … in order of arrival). */
  readonly connection: number;
  /** When it arrived (`performance.now()`, ms). */
  readonly at: number;
  /** The frame's size in bytes. */
  readonly bytes: number;
}

/** One client socket, as the script sees it. */
export class HostilePeer {
  readonly #ws: WebSocket;
  /** 1, 2, … in order of arrival. */
  readonly id: number;
  /** The upgrade request's headers. */
  readonly headers: IncomingMessage['headers'];
  /** The client's address, as the server sees it. */
  readonly remoteAddress: string | undefined;
  /** How this peer's socket closed, once it has. */
  closed: { code: number; reason: string } | undefined;

  constructor(ws: WebSocket, id: number, upgrade: IncomingMessage) {
    this.#ws = ws;
    this.id = id;
    this.headers = upgrade.headers;
    this.remoteAddress = upgrade.socket.remoteAddress;
  }

  /** Send anything: an object is JSON-encoded, a string goes as is. */
  send(frame: unknown): void {
    if (this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Answer `request` with `result`. */
  result(request: HostileRequest, result: unknown): void {
    this.send({ jsonrpc: '2.0', id: request.id, result });
  }

  /** Answer `request` with an error (any `code`, even a non-number). */
  error(request: HostileRequest, code: unknown, message = 'error', data?: unknown): void {
    this.send({
      jsonrpc: '2.0',
      id: request.id,
      error: { code, message, ...(data === undefined ? {} : { data }) },
    });
  }

  /** Send a Deribit heartbeat notification. */
  heartbeat(type: 'heartbeat' | 'test_request'): void {
    this.send({ jsonrpc: '2.0', method: 'heartbeat', params: { type } });
  }

  /** Close with a close frame. */
  close(code = 1000, reason = ''): void {
    this.#ws.close(code, reason);
  }

  /**
   * Stop reading the socket (`ws`'s `pause()`): the client's writes back up in TCP buffers, then in its own
   * write buffer, as with a server that stalled.
   */
  stopReading(): void {
    this.#ws.pause();
  }

  /** Read the socket again after {@link stopReading}: what backed up arrives at once. */
  resumeReading(): void {
    this.#ws.resume();
  }

  /** Drop the TCP connection without a close frame (the client sees 1006). */
  terminate(): void {
    this.#ws.terminate();
  }
}

/** What the server does with each request: answer through `peer`, or not at all. */
export type Script = (request: HostileRequest, peer: HostilePeer) => void;

/** Options of {@link HostileServer.start}. */
export interface HostileOptions {
  /**
   * Refuse every upgrade with this HTTP status (e.g. 404, 401, 403, 429), or decide per upgrade (1, 2, … in
   * order of arrival): a status refuses it, undefined accepts it.
   */
  readonly refuseUpgrade?: number | ((upgrade: number) => number | undefined);
  /** The `ws` server's `perMessageDeflate` (to see whether the client offers it). Default false. */
  readonly perMessageDeflate?: boolean;
  /** Never answer an upgrade request (the client's socket stays opening); each is announced as `upgrade`. */
  readonly holdUpgrade?: boolean;
  /** Listen on this port (default 0: any free port). */
  readonly port?: number;
}

interface HostileEvents {
  connection: [HostilePeer];
  request: [HostileRequest, HostilePeer];
  close: [HostilePeer];
  upgrade: [IncomingMessage, Duplex];
}

let counter = 0;

/** A token pair that looks like Deribit's `public/auth` result. */
export function tokens(
  overrides: Record<string, unknown> = {},
  request?: HostileRequest,
): Record<string, unknown> {
  counter += 1;
  // Deribit passes the request's `state` back in the result, as a real exchange does.
  const state = request?.params['state'];
  return {
    ...(state === undefined ? {} : { state }),
    access_token: `access-${counter}`,
    refresh_token: `refresh-${counter}`,
    expires_in: 900,
    scope: 'connection mainaccount trade:read_write account:read_write',
    token_type: 'bearer',
    ...overrides,
  };
}

/** A script that behaves like a plain Deribit for the common methods; tests wrap it to misbehave. */
export const deribitLike: Script = (request, peer) => {
  switch (request.method) {
    case 'public/auth':
      peer.result(request, tokens({}, request));
      return;
    case 'public/get_time':
      peer.result(request, Date.now());
      return;
    case 'public/test':
      peer.result(request, { version: 'hostile' });
      return;
    case 'public/set_heartbeat':
    case 'private/enable_cancel_on_disconnect':
      peer.result(request, 'ok');
      return;
    case 'public/subscribe':
    case 'private/subscribe':
    case 'public/unsubscribe':
    case 'private/unsubscribe':
      peer.result(request, request.params['channels']);
      return;
    case 'private/logout':
      peer.close(1000, 'logout');
      return;
    default:
      peer.result(request, { ok: true });
  }
};

/** The hostile server. Always `await server.close()`. */
export class HostileServer extends EventEmitter<HostileEvents> {
  readonly url: string;
  /** Every request received, in order. */
  readonly received: HostileRequest[] = [];
  /** Every peer that connected, in order. */
  readonly peers: HostilePeer[] = [];
  /** The script; replace it at any time. */
  script: Script;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  readonly #held = new Set<Duplex>();

  private constructor(http: Server, wss: WebSocketServer, url: string, script: Script) {
    super();
    this.#http = http;
    this.#wss = wss;
    this.url = url;
    this.script = script;
  }

  /** Start on 127.0.0.1, port 0. */
  static async start(script: Script = deribitLike, options: HostileOptions = {}): Promise<HostileServer> {
    const http = createServer((_request, response) => response.writeHead(404).end());
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: options.perMessageDeflate ?? false,
    });
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(options.port ?? 0, '127.0.0.1', resolve);
    });
    const { port } = http.address() as AddressInfo;
    const server = new HostileServer(http, wss, `ws://127.0.0.1:${port}/ws/api/v2`, script);
    let upgrades = 0;
    http.on('upgrade', (request, socket, head) => {
      server.emit('upgrade', request, socket);
      if (options.holdUpgrade) {
        server.#held.add(socket); // open and silent until the client gives up or the server closes
        socket.once('end', () => socket.destroy()); // the HTTP server allows half-open sockets: end it
        socket.once('close', () => server.#held.delete(socket));
        return;
      }
      upgrades += 1;
      const { refuseUpgrade } = options;
      const status = typeof refuseUpgrade === 'function' ? refuseUpgrade(upgrades) : refuseUpgrade;
      if (status !== undefined) {
        socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => server.#accept(ws, request));
    });
    return server;
  }

  #accept(ws: WebSocket, upgrade: IncomingMessage): void {
    const peer = new HostilePeer(ws, this.peers.length + 1, upgrade);
    this.peers.push(peer);
    ws.on('message', (data) => {
      let frame: { id?: number | string; method?: unknown; params?: unknown };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (typeof frame.method !== 'string') return;
      const request: HostileRequest = {
        id: frame.id,
        method: frame.method,
        params:
          typeof frame.params === 'object' && frame.params !== null
            ? (frame.params as Record<string, unknown>)
            : {},
        connection: peer.id,
        at: performance.now(),
        bytes: Buffer.byteLength(data as Buffer),
      };
      this.received.push(request);
      this.emit('request', request, peer);
      this.script(request, peer);
    });
    ws.on('close', (code, reason) => {
      peer.closed = { code, reason: String(reason) };
      this.emit('close', peer);
    });
    this.emit('connection', peer);
  }

  /** Resolve with the next request of `method` (optionally matching `predicate`). */
  nextRequest(
    method: string,
    predicate: (request: HostileRequest) => boolean = () => true,
  ): Promise<HostileRequest> {
    return new Promise((resolve) => {
      const onRequest = (request: HostileRequest): void => {
        if (request.method !== method || !predicate(request)) return;
        this.off('request', onRequest);
        resolve(request);
      };
      this.on('request', onRequest);
    });
  }

  /** Resolve when peer `id`'s socket has closed. */
  closedPeer(id: number): Promise<HostilePeer> {
    const peer = this.peers[id - 1];
    if (peer?.closed) return Promise.resolve(peer);
    return new Promise((resolve) => {
      const onClose = (closed: HostilePeer): void => {
        if (closed.id !== id) return;
        this.off('close', onClose);
        resolve(closed);
      };
      this.on('close', onClose);
    });
  }

  /** Requests of `method`. */
  requests(method: string): HostileRequest[] {
    return this.received.filter((request) => request.method === method);
  }

  /** Open sockets. */
  get connectionCount(): number {
    return this.#wss.clients.size;
  }

  /** Sever every socket and stop listening. */
  async close(): Promise<void> {
    for (const ws of this.#wss.clients) ws.terminate();
    for (const socket of this.#held) socket.destroy();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
