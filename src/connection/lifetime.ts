/**
 * One socket's lifetime. The connection loop creates one per socket; everything that belongs to that socket
 * hangs off it: its RPC connection, whether it is authenticated, the liveness monitor, the heartbeat answers,
 * the subscriptions it confirmed and those in flight, and why it ended. Its `signal` aborts when the socket's
 * life ends (dropped, closed, lost, or the session ends), and every part that waits or runs a timer for this
 * socket stops on it: an await that returns after the socket went sees `signal.aborted`, and nothing more.
 * @module
 */

import { sessionAction } from '../errors/classify.js';
import {
  AuthenticationError,
  ConfigurationError,
  ConnectionClosedError,
  MalformedResponseError,
  RpcError,
} from '../errors/errors.js';
import type { TransitionReason } from '../session/state.js';
import { SocketChannels } from '../subscriptions/socket-channels.js';
import { onAbort } from '../time/wait.js';
import { type DeathCause, type LivenessMode, LivenessMonitor, type Watched } from './liveness.js';
import type { CloseErrorFor, RpcConnection } from './rpc.js';

/** Who is asking, so the credit governor can order requests when credits are short. */
export type RequestPriority = 'critical' | 'normal';

/** Options of one request the session sends for itself on a socket. */
export interface RequestOptions {
  /** ms for the answer. */
  readonly timeout: number;
  readonly signal?: AbortSignal | undefined;
  /** `critical`: heartbeat answers, probes, authentication; they go first. Default `normal`. */
  readonly priority?: RequestPriority | undefined;
}

/** How a request goes out on a socket (through the credit governor). */
export interface Requester {
  request(
    life: SocketLifetime,
    method: string,
    params: object | undefined,
    options: RequestOptions,
  ): Promise<unknown>;
}

/** Heartbeat tuning. */
export interface HeartbeatOptions {
  /**
   * Seconds between server heartbeats, > 0 (at most 2^31 − 1 ms). Deribit requires ≥ 10 (refused at construction
   * for other hosts than loopback); the emulator accepts less, for tests. Default `15`.
   */
  readonly interval?: number;
}

/** Default heartbeat interval in seconds. */
export const DEFAULT_HEARTBEAT_INTERVAL = 15;

/** What a fresh socket is set up with (from the session's options). */
export interface SetupOptions {
  /** Seconds, or `false`: no heartbeat. */
  readonly heartbeatInterval: number | false;
  readonly cancelOnDisconnect: 'connection' | 'account' | false;
  readonly requestTimeout: number;
}

const COD_METHOD = 'private/enable_cancel_on_disconnect';

/** Why a socket's life ended, for the `state` event and the next connection's backoff. */
export interface LifetimeEnd {
  readonly reason: TransitionReason;
  /** The failure the next connection backs off after, when the socket was given up for one. */
  readonly failure: Error | undefined;
  /** How the socket closed, once it has. */
  code?: number;
  closeReason?: string;
}

/** Everything tied to one socket. */
export class SocketLifetime {
  readonly rpc: RpcConnection;
  /** Subscriptions confirmed on this socket, and those in flight. */
  readonly channels = new SocketChannels();
  readonly #controller = new AbortController();
  readonly #requester: Requester;
  #undoParent: (() => void) | undefined;
  #monitor: LivenessMonitor | undefined;
  #answering = false;
  #end: LifetimeEnd | undefined;
  /** Set once `public/auth` succeeded on this socket: a logout is worth sending on it. */
  authenticated = false;
  /** The last `public/test` round trip on this socket (probes, test-request answers), ms. */
  roundTrip: number | undefined;
  readonly #onRoundTrip: ((ms: number) => void) | undefined;

  /**
   * @param rpc - the socket's connection
   * @param requester - how requests go out
   * @param parent - the connection loop's signal: ending the loop ends this lifetime
   * @param onRoundTrip - told each `public/test` round trip, in ms
   */
  constructor(
    rpc: RpcConnection,
    requester: Requester,
    parent: AbortSignal | undefined,
    onRoundTrip?: (ms: number) => void,
  ) {
    this.rpc = rpc;
    this.#onRoundTrip = onRoundTrip;
    this.#requester = requester;
    this.#undoParent = parent === undefined ? undefined : onAbort(parent, () => this.end('socket-closed'));
  }

  /** Aborts when this socket's life ends. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Why it ended, once it has. */
  get ended(): LifetimeEnd | undefined {
    return this.#end;
  }

  /**
   * The loop run that opened this socket is over: nothing aborts its signal any more. Stop listening to it, so
   * the signal (about 1 KiB) is not kept for as long as the socket lives.
   */
  releaseParent(): void {
    this.#undoParent?.();
    this.#undoParent = undefined;
  }

  /** Send a request of the session's own on this socket. */
  request(method: string, params: object | undefined, options: RequestOptions): Promise<unknown> {
    return this.#requester.request(this, method, params, options);
  }

  /** Watch the socket in `mode`, replacing the previous watch; `onDead` runs once when it is judged dead. */
  watch(mode: LivenessMode, onDead: (cause: DeathCause) => void): void {
    if (this.#end !== undefined) return;
    this.#monitor?.stop();
    this.#monitor = new LivenessMonitor(
      new WatchedSocket(this.rpc, () => this.#test(probeTimeout(mode))),
      mode,
      onDead,
    );
  }

  /**
   * Set the heartbeat and enable cancel-on-disconnect, which Deribit keeps per connection, as the options ask.
   * Only a refusal that will not change ends the session: the heartbeat or COD refused as a caller error (a
   * refusal row of the code table), or `10049` to COD twice in a row (`previous` is the last attempt's failure).
   * Anything else, and a COD result other than `"ok"`, is transient: the loop backs off and tries again. Never
   * report `authenticated` without COD when it was asked for.
   */
  async setUp(options: SetupOptions, previous: Error | undefined): Promise<void> {
    const { heartbeatInterval, cancelOnDisconnect, requestTimeout } = options;
    const tasks: Promise<unknown>[] = [];
    if (heartbeatInterval !== false) {
      tasks.push(
        this.request(
          'public/set_heartbeat',
          { interval: heartbeatInterval },
          { timeout: requestTimeout },
        ).catch((error: unknown) => {
          if (sessionAction(error) !== 'refusal') throw error;
          throw new ConfigurationError(
            `the server refused heartbeat.interval ${heartbeatInterval} s (${(error as RpcError).code} ` +
              `${(error as RpcError).deribitMessage}): Deribit requires at least 10 s`,
            { cause: error },
          );
        }),
      );
    }
    if (cancelOnDisconnect !== false) {
      tasks.push(this.#enableCod(cancelOnDisconnect, requestTimeout, previous));
    }
    await Promise.all(tasks);
  }

  async #enableCod(
    scope: 'connection' | 'account',
    timeout: number,
    previous: Error | undefined,
  ): Promise<void> {
    let result: unknown;
    try {
      result = await this.request(COD_METHOD, { scope }, { timeout });
    } catch (error) {
      const action = sessionAction(error);
      const repeated =
        action === 'refusal-on-repeat' &&
        previous instanceof RpcError &&
        previous.method === COD_METHOD &&
        previous.code === (error as RpcError).code;
      if (action !== 'refusal' && !repeated) throw error;
      const refusal = error as RpcError;
      throw new AuthenticationError(
        `cancel-on-disconnect could not be enabled (${refusal.code} ${refusal.deribitMessage}): ` +
          'the session will not trade unprotected; the key needs account:read_write',
        { cause: error },
      );
    }
    if (result !== 'ok') {
      throw new MalformedResponseError(`${COD_METHOD} did not answer "ok": cancel-on-disconnect is not on`);
    }
  }

  /**
   * A `test_request` came: answer it with `public/test`, one answer in flight at a time (a server that floods
   * test requests gets one answer at a time, not a storm). Nothing is answered once the life has ended.
   */
  answerTestRequest(timeout: number): void {
    if (this.#answering || this.#end !== undefined) return;
    this.#answering = true;
    const done = (): void => {
      this.#answering = false;
    };
    this.#test(timeout).then(done, done);
  }

  /** `public/test`, timed: its round trip is what the status and the metrics show. */
  #test(timeout: number): Promise<unknown> {
    const sent = performance.now();
    return this.request('public/test', undefined, { timeout, priority: 'critical' }).then((answer) => {
      this.roundTrip = performance.now() - sent;
      this.#onRoundTrip?.(this.roundTrip);
      return answer;
    });
  }

  /**
   * Give the socket up now (it is dead or unusable): the life ends with `reason`, and the socket is dropped.
   * The close handler then reports it, and the loop reconnects (after `failure`'s backoff, if given).
   */
  drop(reason: TransitionReason, why: string, failure?: Error): void {
    if (this.#end !== undefined) return;
    this.end(reason, failure);
    this.rpc.terminate(4001, why);
  }

  /**
   * End this life: record why (the first reason wins), stop the monitor, abort the signal. The socket itself is
   * closed by whoever ends it ({@link drop}, {@link close}), or is already gone.
   */
  end(reason: TransitionReason, failure?: Error): void {
    if (this.#end !== undefined) return;
    this.#end = { reason, failure };
    this.#monitor?.stop();
    this.#monitor = undefined;
    this.#undoParent?.();
    this.#controller.abort(failure ?? new ConnectionClosedError(undefined, undefined, `socket ${reason}`));
  }

  /** The socket closed (code and reason as the close event said): the life ends, if it had not. */
  lost(code: number, reason: string): void {
    this.end('socket-closed');
    const end = this.#end;
    if (end !== undefined && end.code === undefined) {
      end.code = code;
      end.closeReason = reason;
    }
  }

  /** End this life and close the socket politely; pending calls get `errorFor`. */
  close(reason: TransitionReason, why: string, errorFor: CloseErrorFor): Promise<unknown> {
    this.end(reason);
    return this.rpc.shutdown(1000, why, errorFor);
  }
}

/**
 * What the liveness monitor reads of the socket. A class, not an object literal with getters: V8 gives each
 * such literal a hidden class of its own (about 0.5 KiB a socket); a class's getters live on its prototype.
 */
class WatchedSocket implements Watched {
  readonly #rpc: RpcConnection;
  readonly probe: () => Promise<unknown>;

  constructor(rpc: RpcConnection, probe: () => Promise<unknown>) {
    this.#rpc = rpc;
    this.probe = probe;
  }

  get lastFrameAt(): number {
    return this.#rpc.lastFrameAt;
  }

  get lastResponseAt(): number {
    return this.#rpc.lastResponseAt;
  }

  get oldestPendingAt(): number | undefined {
    return this.#rpc.oldestPendingAt;
  }
}

/** A probe waits at most twice the probe window: its answer only matters within the window. */
function probeTimeout(mode: LivenessMode): number {
  return 'probe' in mode ? mode.probe.timeout * 2 : 30_000;
}
