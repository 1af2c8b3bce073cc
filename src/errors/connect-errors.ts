/**
 * Why a connection attempt failed, in a word a program can act on and words a person can.
 * @module
 */
import { ConnectionClosedError } from './errors.js';

/** Why a connection attempt failed. */
export type ConnectFailure = 'dns' | 'refused' | 'unreachable' | 'tls' | 'timeout' | 'closed';

const FAILURE_ADVICE: Readonly<Record<ConnectFailure, (host: string) => string>> = {
  dns: (host) => `the host name ${host} was not found (DNS): check the url, or the network`,
  refused: (host) => `${host} refused the connection: nothing listens there; check the url and port`,
  unreachable: (host) => `${host} is unreachable: check the network (or a firewall)`,
  tls: (host) =>
    `the TLS handshake with ${host} failed: check the url, the clock, a TLS-inspecting proxy (wsOptions.ca)`,
  timeout: (host) => `no connection to ${host} in time: the network may be down or slow`,
  closed: (host) => `the connection to ${host} closed before it opened`,
};

/**
 * A connection attempt failed before the socket opened. `failure` says why, in a word a program can act on; the
 * message says it in words a person can. Transient (`classify` says `retry`): the session keeps trying.
 */
export class ConnectFailedError extends ConnectionClosedError {
  override readonly name = 'ConnectFailedError';
  /** Why: `dns` (host name not found), `refused`, `unreachable`, `tls`, `timeout` or `closed`. */
  readonly failure: ConnectFailure;

  /**
   * @param failure - why
   * @param url - the endpoint (only its host is shown: a URL may carry credentials)
   * @param closeCode - the WebSocket close code, if any
   * @param detail - the socket's own error text
   */
  constructor(failure: ConnectFailure, url: string, closeCode?: number, detail?: string) {
    super(undefined, closeCode, detail);
    this.failure = failure;
    this.message = `cannot connect: ${FAILURE_ADVICE[failure](hostOf(url))}${detail ? ` (${detail})` : ''}`;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}
