/**
 * What a freshly authenticated socket needs before the session reports `authenticated`: the heartbeat and
 * cancel-on-disconnect, which Deribit keeps per connection, so every new socket gets them again.
 * @module
 */

import { AuthenticationError, classify, RpcError } from '../errors/errors.js';
import type { SessionContext } from '../session/context.js';
import type { RpcConnection } from './rpc.js';

/** Set the heartbeat and enable cancel-on-disconnect on `rpc`, as the options ask. */
export async function setUpSocket(rpc: RpcConnection, ctx: SessionContext): Promise<void> {
  const { heartbeatInterval, cancelOnDisconnect, requestTimeout } = ctx.options;
  const tasks: Promise<unknown>[] = [];
  if (heartbeatInterval !== false) {
    tasks.push(rpc.call('public/set_heartbeat', { interval: heartbeatInterval }, requestTimeout));
  }
  if (cancelOnDisconnect !== false) {
    tasks.push(
      rpc
        .call('private/enable_cancel_on_disconnect', { scope: cancelOnDisconnect }, requestTimeout)
        .catch((error: unknown) => {
          // Refused (e.g. the key lacks account:read_write): never trade unprotected; this will not fix itself.
          if (error instanceof RpcError && classify(error) === 'caller') {
            throw new AuthenticationError(
              `cancel-on-disconnect could not be enabled (${error.code} ${error.deribitMessage}): ` +
                'the session will not trade unprotected; the key needs account:read_write',
              { cause: error },
            );
          }
          throw error;
        }),
    );
  }
  await Promise.all(tasks);
}
