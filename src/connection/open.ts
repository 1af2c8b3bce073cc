/**
 * Opening one WebSocket, and saying why it failed in words a user can act on: the host name was not found, the
 * connection was refused, the network is unreachable, TLS failed, the server refused the upgrade with an HTTP
 * status, or nothing answered in time.
 * @module
 */
import { ConnectFailedError, type ConnectFailure } from '../errors/connect-errors.js';
import { UpgradeRejectedError } from '../errors/errors.js';
import { wait } from '../time/wait.js';
import {
  describeSocketError,
  ignore,
  socketErrorCode,
  terminate,
  upgradeStatus,
  type WebSocketConstructor,
  type WebSocketLike,
} from './socket.js';

/** Options of {@link openSocket}. */
export interface OpenSocketOptions {
  readonly url: string;
  readonly WebSocket: WebSocketConstructor;
  /** How long to wait for the socket to open, in ms. */
  readonly connectTimeout: number;
  readonly signal?: AbortSignal | undefined;
  /** Third argument of the constructor (Node `ws` client options); omitted when undefined. */
  readonly socketOptions?: Record<string, unknown> | undefined;
}

const TLS_CODES = /^(?:ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|ERR_OSSL)/;
const TLS_TEXT = /certificate|SSL|TLS|wrong version number|handshake/i;

/** What kind of failure a socket error code and message describe. */
export function connectFailure(code: string | undefined, message: string): ConnectFailure {
  if (
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'EAI_NONAME' ||
    /ENOTFOUND|EAI_AGAIN/.test(message)
  )
    return 'dns';
  if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(message)) return 'refused';
  if (
    code === 'ENETUNREACH' ||
    code === 'EHOSTUNREACH' ||
    code === 'ETIMEDOUT' ||
    /UNREACH|ETIMEDOUT/.test(message)
  )
    return 'unreachable';
  if ((code !== undefined && TLS_CODES.test(code)) || TLS_TEXT.test(message)) return 'tls';
  return 'closed';
}

/**
 * Open a socket and resolve once it is open. Rejects with {@link ConnectFailedError} (its `failure` names the
 * cause), {@link UpgradeRejectedError} for an HTTP status, or the signal's reason. A socket that fails is
 * terminated and keeps no listener but a no-op error handler.
 */
export function openSocket(options: OpenSocketOptions): Promise<WebSocketLike> {
  const { url, signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  let socket: WebSocketLike;
  try {
    socket =
      options.socketOptions === undefined
        ? new options.WebSocket(url)
        : new options.WebSocket(url, undefined, options.socketOptions);
  } catch (error) {
    return Promise.reject(error);
  }
  const release = (): void => {
    socket.onopen = socket.onclose = socket.onmessage = null;
    socket.onerror = ignore; // ws reports an aborted handshake as an error event: keep a listener
    terminate(socket);
  };
  const opened = new Promise<WebSocketLike>((resolve, reject) => {
    let lastError = '';
    let lastCode: string | undefined;
    socket.onerror = (event) => {
      lastError = describeSocketError(event);
      lastCode = socketErrorCode(event);
    };
    socket.onclose = (event) => {
      const status = upgradeStatus(lastError);
      if (status !== undefined) reject(new UpgradeRejectedError(status, url));
      else {
        const detail = event.reason || lastError;
        reject(new ConnectFailedError(connectFailure(lastCode, detail), url, event.code, detail));
      }
    };
    // Or the socket keeps this closure (options, the timer) alive as long as it lives.
    socket.onopen = () => {
      socket.onopen = null;
      resolve(socket);
    };
  });
  return wait(opened, {
    ms: options.connectTimeout,
    signal,
    onTimeout: () => {
      throw new ConnectFailedError(
        'timeout',
        url,
        undefined,
        `no connection within ${options.connectTimeout} ms`,
      );
    },
    onAbort: release,
  }).catch((error: unknown) => {
    release();
    throw error;
  });
}
