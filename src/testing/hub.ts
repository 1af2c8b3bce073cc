/**
 * The emulator's open sockets and notification delivery to them.
 * @module
 */

import { isUserChannel } from './channels.js';
import type { Connection } from './connection.js';
import type { PublishFilter } from './core.js';
import { TokenStore } from './tokens.js';

/** Open sockets by id, in connection order. */
export class ConnectionHub {
  readonly #connections = new Map<number, Connection>();

  /** Register an accepted socket. */
  add(connection: Connection): void {
    this.#connections.set(connection.id, connection);
  }

  /** Forget a closed socket; returns it when it was registered. */
  remove(id: number): Connection | undefined {
    const connection = this.#connections.get(id);
    this.#connections.delete(id);
    return connection;
  }

  /** The socket with this id, if open. */
  get(id: number): Connection | undefined {
    return this.#connections.get(id);
  }

  /** Number of open sockets. */
  get size(): number {
    return this.#connections.size;
  }

  /** Ids of the open sockets, in connection order. */
  ids(): number[] {
    return [...this.#connections.keys()];
  }

  /** The open sockets, in connection order. */
  values(): IterableIterator<Connection> {
    return this.#connections.values();
  }

  /** `true` when some open socket is subscribed to `channel`. */
  hasSubscribers(channel: string): boolean {
    for (const connection of this.#connections.values()) if (connection.channels.has(channel)) return true;
    return false;
  }

  /**
   * Send a notification to every socket subscribed to `channel`. Private channels (and any channel
   * published with a `subjectId`) reach only sockets whose auth is currently valid, and only that subject's.
   * @returns How many sockets it was sent to.
   */
  publish(channel: string, data: unknown, filter: PublishFilter | undefined): number {
    let text: string | undefined;
    let delivered = 0;
    const privateChannel = isUserChannel(channel);
    const subjectId = filter?.subjectId;
    for (const connection of this.#connections.values()) {
      if (!connection.channels.has(channel)) continue;
      if (privateChannel || subjectId !== undefined) {
        const auth = connection.auth;
        if (!auth || !TokenStore.checkSession(auth).ok) continue;
        if (subjectId !== undefined && auth.subjectId !== subjectId) continue;
      }
      text ??= JSON.stringify({ jsonrpc: '2.0', method: 'subscription', params: { channel, data } });
      if (connection.sendText(text)) delivered += 1;
    }
    return delivered;
  }
}
