/**
 * How a session's last socket ends: closed, or logged out. `private/logout` has no response: the server
 * closes the socket. The logout counts as confirmed only when the server closed it cleanly in time (not a
 * 1006 drop, not our own close).
 * @module
 */
import { wait } from '../time/wait.js';
import type { SocketLifetime } from './lifetime.js';
import type { CloseErrorFor, CloseInfo } from './rpc.js';

/** A logout requested with the close. */
export interface LogoutRequest {
  readonly invalidateToken: boolean;
  /** ms the server is given to close the socket. */
  readonly timeout: number;
}

/** Why a logout was not confirmed. */
export type Unconfirmed = 'no-socket' | 'not-authenticated' | 'no-close' | 'dropped' | 'closed-locally';

/**
 * Close the socket of `life` (whose life has ended), logging it out first when `logout` is asked and the socket
 * is authenticated (a logout on an unauthenticated socket would be refused). Pending calls get `errorFor`.
 * `hurry` aborting stops waiting for the server. Resolves with why a logout is unconfirmed, or undefined when
 * it is confirmed.
 */
export async function endSocket(
  life: SocketLifetime,
  logout: LogoutRequest | undefined,
  errorFor: CloseErrorFor,
  hurry: AbortSignal,
): Promise<Unconfirmed | undefined> {
  const { rpc } = life;
  if (logout === undefined || !life.authenticated) {
    await rpc.shutdown(1000, logout ? 'logout' : 'session closed', errorFor);
    return logout ? 'not-authenticated' : 'closed-locally';
  }
  rpc.setCloseError(errorFor);
  if (!rpc.sendOnly('private/logout', { invalidate_token: logout.invalidateToken })) {
    await rpc.shutdown(1000, 'logout', errorFor);
    return 'no-socket';
  }
  const info = await wait<CloseInfo | undefined>(rpc.closed, { ms: logout.timeout, signal: hurry }).catch(
    () => undefined,
  );
  await rpc.shutdown(1000, 'logout', errorFor);
  if (info === undefined) return 'no-close';
  if (info.local) return 'closed-locally';
  // 1006: the connection dropped without a close frame; that is not the server confirming a logout.
  return info.code === 1006 ? 'dropped' : undefined;
}
