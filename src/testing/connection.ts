/**
 * One client socket of the emulator: the JSON-RPC envelope, dispatch to method handlers (in arrival
 * order), rate limits, server heartbeats and fault behaviour (frozen, failing, delayed). Frames are read
 * by `frames.ts`, the auth a request arrives with by `request-auth.ts`.
 * @module
 */

import type { RawData, WebSocket } from 'ws';
import { ErrorCode } from '../errors/codes.js';
import type { ConnectionHandle, EmulatorCore } from './core.js';
import { type RpcErrorObject, RpcFailure, tokenExpired, unauthorized } from './errors.js';
import { parseFrame, type ReplyId, type RequestId } from './frames.js';
import { redact } from './log.js';
import type { MethodSpec } from './methods/types.js';
import { NO_RESPONSE } from './methods/types.js';
import { resolveAuth } from './request-auth.js';
import type { AuthSession } from './tokens.js';
import { CloseCode } from './types.js';

interface QueuedFrame {
  readonly data: RawData;
  readonly isBinary: boolean;
  readonly usIn: number;
}

const HEARTBEAT_TEST_REQUEST = '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"test_request"}}';
const HEARTBEAT_PLAIN = '{"jsonrpc":"2.0","method":"heartbeat","params":{"type":"heartbeat"}}';

/** One accepted socket. */
export class Connection implements ConnectionHandle {
  /** Emulator-wide id. */
  readonly id: number;
  /** Subscribed channels. */
  readonly channels = new Set<string>();
  /** Session established by `public/auth` on this socket. */
  auth: AuthSession | undefined;
  /** Cancel-on-disconnect state. */
  readonly cod: { enabled: boolean; scope: 'connection' | 'account' } = {
    enabled: false,
    scope: 'connection',
  };
  /** Set by `private/logout`. */
  loggedOut = false;
  /** When `true`, the socket swallows everything and sends nothing (a half-dead socket). */
  frozen = false;
  /** `true` once the socket has closed. */
  closed = false;

  readonly #ws: WebSocket;
  readonly #core: EmulatorCore;
  readonly #methods: ReadonlyMap<string, MethodSpec>;
  /** Credit-pool owner of this socket's unauthenticated requests. */
  readonly #address: string;
  #busy = false;
  /** The server has begun closing this socket. */
  #ending = false;
  readonly #queue: QueuedFrame[] = [];
  #heartbeatTimer: ReturnType<typeof setInterval> | undefined;
  #awaitingTest = false;
  #lastTickWasTest = false;
  #receivedSinceTick = false;

  /**
   * @param id Emulator-wide id.
   * @param ws The accepted socket.
   * @param core Shared emulator state.
   * @param methods Method table.
   * @param remoteAddress The client's address: unauthenticated requests draw from its credit pools.
   */
  constructor(
    id: number,
    ws: WebSocket,
    core: EmulatorCore,
    methods: ReadonlyMap<string, MethodSpec>,
    remoteAddress: string,
  ) {
    this.id = id;
    this.#address = `address:${remoteAddress}`;
    this.#ws = ws;
    this.#core = core;
    this.#methods = methods;
    ws.on('message', (data, isBinary) => this.#onFrame(data, isBinary));
    ws.on('error', () => {
      // A protocol error from the client: ws closes the socket; 'close' does the cleanup.
    });
    ws.on('close', (code, reason) => this.#onClose(code, reason.toString('utf8')));
  }

  /** Send a pre-serialized notification unless frozen or closed; `true` when sent. */
  sendText(text: string): boolean {
    if (this.frozen || this.closed) return false;
    this.#ws.send(text);
    return true;
  }

  /** Close with a close frame. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.#ending = true;
    this.disableHeartbeat();
    this.#ws.close(code, reason);
  }

  /** Sever the socket without a close frame, as a network fault would. */
  terminate(): void {
    this.disableHeartbeat();
    this.#ws.terminate();
  }

  /** Start (or restart) heartbeats. */
  setHeartbeat(intervalSeconds: number): void {
    this.disableHeartbeat();
    this.#awaitingTest = false;
    this.#lastTickWasTest = false;
    this.#heartbeatTimer = setInterval(() => this.#tick(), Math.max(1, intervalSeconds * 1000));
  }

  /** Stop heartbeats. */
  disableHeartbeat(): void {
    if (this.#heartbeatTimer !== undefined) clearInterval(this.#heartbeatTimer);
    this.#heartbeatTimer = undefined;
    this.#awaitingTest = false;
  }

  /**
   * One heartbeat tick. An unanswered `test_request` from the previous tick closes the socket
   * (code 4000; cancel-on-disconnect fires). Otherwise a `test_request` goes out, except right after
   * one that was answered while the client kept talking: then a plain `heartbeat`. A frozen socket
   * neither sends nor enforces.
   */
  #tick(): void {
    if (this.frozen || this.closed) return;
    if (this.#awaitingTest) {
      this.close(CloseCode.heartbeatTimeout, 'heartbeat test_request not answered');
      return;
    }
    const test = !(this.#lastTickWasTest && this.#receivedSinceTick);
    this.#receivedSinceTick = false;
    this.#lastTickWasTest = test;
    this.#awaitingTest = test;
    this.#ws.send(test ? HEARTBEAT_TEST_REQUEST : HEARTBEAT_PLAIN);
    if (this.#core.hasListeners('heartbeat')) {
      this.#core.emitEvent('heartbeat', { connectionId: this.id, type: test ? 'test_request' : 'heartbeat' });
    }
  }

  #onClose(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.disableHeartbeat();
    this.#queue.length = 0;
    this.#core.connectionClosed(this, code, reason);
  }

  #onFrame(data: RawData, isBinary: boolean): void {
    const usIn = this.#core.micros();
    if (this.#busy) {
      this.#queue.push({ data, isBinary, usIn });
      return;
    }
    this.#handleFrame(data, isBinary, usIn);
  }

  /** Handle queued frames until one starts async work again. */
  #drain(): void {
    while (!this.#busy && !this.closed) {
      const next = this.#queue.shift();
      if (!next) return;
      this.#handleFrame(next.data, next.isBinary, next.usIn);
    }
  }

  #handleFrame(data: RawData, isBinary: boolean, usIn: number): void {
    // Once the server has begun closing (logout, rate limit, fault), later frames are not served.
    if (this.closed || this.#ending) return;
    this.#receivedSinceTick = true;
    const frame = parseFrame(data, isBinary, this.#core.settings.maxFrameBytes);
    if (!frame.ok) {
      this.#reply(frame.id, frame.error, usIn);
      return;
    }
    this.#dispatch(frame.id, frame.method, frame.params, usIn);
  }

  #dispatch(id: RequestId, method: string, rawParams: Record<string, unknown>, usIn: number): void {
    const core = this.#core;
    const {
      params,
      state: authState,
      session,
      failure: authFailure,
    } = resolveAuth(core.tokens, this, rawParams);

    const logged = redact(rawParams);
    core.record({ at: Date.now(), connectionId: this.id, method, params: logged, id, auth: authState });
    if (core.hasListeners('request')) {
      core.emitEvent('request', {
        connectionId: this.id,
        method,
        params: logged,
        authenticated: session !== undefined,
      });
    }
    if (this.frozen) return;
    if (method === 'public/test') this.#awaitingTest = false;
    if (core.platform.maintenance) {
      this.#reply(id, new RpcFailure(ErrorCode.systemMaintenance).toJSON(), usIn);
      this.close(CloseCode.maintenance, 'system_maintenance');
      return;
    }

    const failure = core.faults.takeFailure(method);
    if (failure) {
      const { code, message, data } = failure.error;
      const error: RpcErrorObject =
        data === undefined
          ? { code, message: message ?? new RpcFailure(code).message }
          : { code, message: message ?? new RpcFailure(code).message, data };
      this.#reply(id, error, usIn);
      if (failure.close) this.close(CloseCode.fault, 'injected fault');
      return;
    }
    const dry = core.rateLimits.charge(method, session ? `subject:${session.subjectId}` : this.#address);
    if (dry !== undefined) {
      this.#tooManyRequests(id, usIn);
      if (core.hasListeners('rateLimited'))
        core.emitEvent('rateLimited', { connectionId: this.id, method, pool: dry });
      return;
    }
    if (method === 'public/auth' && core.faults.rateLimitedAuths > 0) {
      core.faults.rateLimitedAuths -= 1;
      this.#tooManyRequests(id, usIn);
      return;
    }
    const spec = this.#methods.get(method);
    if (!spec) {
      // Production's -32601 carries no data.
      this.#reply(id, new RpcFailure(ErrorCode.methodNotFound).toJSON(), usIn);
      return;
    }
    if (spec.private && !session) {
      const refusal = authState === 'expired' ? tokenExpired() : unauthorized(authFailure ?? 'no auth');
      this.#replyFailure(id, method, refusal, usIn);
      return;
    }

    let outcome: unknown;
    try {
      outcome = spec.handler({ core, connection: this, method, params, session });
    } catch (error) {
      this.#replyFailure(id, method, error, usIn);
      return;
    }
    if (outcome instanceof Promise) {
      this.#busy = true;
      outcome.then(
        (result: unknown) => {
          this.#busy = false;
          this.#finish(id, method, result, usIn);
          this.#drain();
        },
        (error: unknown) => {
          this.#busy = false;
          this.#replyFailure(id, method, error, usIn);
          this.#drain();
        },
      );
      return;
    }
    this.#finish(id, method, outcome, usIn);
  }

  /** Out of credits: `10028 too_many_requests`, then the socket is closed, as Deribit ends the session. */
  #tooManyRequests(id: RequestId, usIn: number): void {
    this.#reply(id, new RpcFailure(ErrorCode.tooManyRequests).toJSON(), usIn);
    this.close(CloseCode.rateLimited, 'too_many_requests');
  }

  #finish(id: RequestId, method: string, result: unknown, usIn: number): void {
    if (result === NO_RESPONSE) return;
    this.#send(method, this.#envelope(id, 'result', result, usIn));
  }

  #replyFailure(id: RequestId, method: string, error: unknown, usIn: number): void {
    const failure =
      error instanceof RpcFailure
        ? error
        : new RpcFailure(ErrorCode.internalServerError, {
            reason: error instanceof Error ? error.message : String(error),
          });
    if (failure.why !== undefined && this.#core.hasListeners('unauthorized')) {
      this.#core.emitEvent('unauthorized', { connectionId: this.id, method, reason: failure.why });
    }
    this.#send(method, this.#envelope(id, 'error', failure.toJSON(), usIn));
  }

  #reply(id: ReplyId, error: RpcErrorObject, usIn: number): void {
    if (this.frozen || this.closed) return;
    this.#ws.send(this.#envelope(id, 'error', error, usIn));
  }

  /** One JSON.stringify per response. */
  #envelope(id: ReplyId, kind: 'result' | 'error', payload: unknown, usIn: number): string {
    const usOut = this.#core.micros();
    return JSON.stringify(
      kind === 'result'
        ? {
            jsonrpc: '2.0',
            id,
            result: payload,
            usIn,
            usOut,
            usDiff: usOut - usIn,
            testnet: this.#core.settings.testnet,
          }
        : {
            jsonrpc: '2.0',
            id,
            error: payload,
            usIn,
            usOut,
            usDiff: usOut - usIn,
            testnet: this.#core.settings.testnet,
          },
    );
  }

  /** Send now, or after the method's injected delay. */
  #send(method: string, text: string): void {
    const delay = this.#core.faults.delays.get(method);
    if (delay === undefined || delay <= 0) {
      this.sendText(text);
      return;
    }
    this.#core.setTimer(delay, () => this.sendText(text));
  }
}
