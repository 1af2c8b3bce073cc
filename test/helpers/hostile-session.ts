/**
 * Sessions against a {@link HostileServer}, closed after each test, and probes for what a test must prove
 * did not happen: unhandled rejections, uncaught exceptions, timers and sockets left behind.
 */
import type { DeribitSession } from '../../src/index.js';
import type { SessionOptions } from '../../src/options/options.js';
import { Harness } from './harness.js';
import { deribitLike, type HostileOptions, HostileServer, type Script } from './hostile-server.js';

/** A hostile server and the sessions of one test; {@link cleanup} closes them all. */
export class HostileHarness {
  server: HostileServer | undefined;
  readonly #sessions = new Harness();

  /** Start the server (closed by cleanup). */
  async start(script: Script = deribitLike, options: HostileOptions = {}): Promise<HostileServer> {
    this.server = await HostileServer.start(script, options);
    return this.server;
  }

  /** The sessions made so far. */
  get sessions(): readonly DeribitSession[] {
    return this.#sessions.sessions;
  }

  /** A session against the server: quiet (no heartbeat, no liveness probe), fast reconnects. */
  session(options: Partial<SessionOptions> = {}): DeribitSession {
    const url = options.url ?? this.server?.url;
    if (url === undefined) throw new Error('start the server first, or pass a url');
    return this.#sessions.session({
      url,
      credentials: { clientId: 'id', clientSecret: 'secret' },
      liveness: false,
      ...options,
    });
  }

  async cleanup(): Promise<void> {
    await this.#sessions.cleanup();
    await this.server?.close();
    this.server = undefined;
  }
}

/** Collects unhandled rejections and uncaught exceptions until `stop()` (which returns them). */
export function watchProcess(): { stop(): unknown[] } {
  const failures: unknown[] = [];
  const onFailure = (reason: unknown): void => {
    failures.push(reason);
  };
  process.on('unhandledRejection', onFailure);
  process.on('uncaughtException', onFailure);
  return {
    stop: () => {
      process.off('unhandledRejection', onFailure);
      process.off('uncaughtException', onFailure);
      return failures;
    },
  };
}

/** How many timers and TCP sockets this process holds (what keeps it from exiting). */
export function activeHandles(): { timers: number; sockets: number } {
  const info = process.getActiveResourcesInfo();
  return {
    timers: info.filter((kind) => kind === 'Timeout').length,
    sockets: info.filter((kind) => kind === 'TCPSocketWrap').length,
  };
}

/**
 * {@link activeHandles} once nothing is left, or as they are after `timeoutMs`. Waits with unreferenced
 * timers: a referenced one (`expect.poll`'s) would count itself.
 */
export async function handlesWhenSettled(timeoutMs = 3000): Promise<{ timers: number; sockets: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const handles = activeHandles();
    if ((handles.timers === 0 && handles.sockets === 0) || Date.now() >= deadline) return handles;
    await new Promise((resolve) => setTimeout(resolve, 10).unref());
  }
}
