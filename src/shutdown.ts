/**
 * Graceful shutdown for Node processes (opt-in): on SIGINT/SIGTERM, log out every live session —
 * forks and subaccount sessions included — in parallel within a deadline, then exit.
 * A second signal exits at once.
 * @module
 */
import { InvalidArgumentError } from './errors/errors.js';
import { validateTimeout } from './options/validate.js';
import type { DeribitSession } from './session/session.js';
import type { LogoutResult } from './session/session-types.js';

/** Default of {@link GracefulShutdownOptions.timeout}, ms. */
export const DEFAULT_SHUTDOWN_TIMEOUT = 5000;

/** Signals a graceful shutdown can handle. */
export type ShutdownSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'SIGQUIT' | 'SIGUSR2';

/** Where the sessions to log out come from: a fixed list, a live collection (read at signal time), or a function. */
export type SessionSource = Iterable<DeribitSession> | (() => Iterable<DeribitSession>);

/** Options of {@link installGracefulShutdown}. */
export interface GracefulShutdownOptions {
  /** Signals to handle. Default `['SIGINT', 'SIGTERM']`. */
  readonly signals?: readonly ShutdownSignal[];
  /** Deadline in ms for logging everything out. Default `5000`. */
  readonly timeout?: number;
  /**
   * Called with the exit code once done: `0` when every session logged out in time, `1` otherwise,
   * `128 + signal number` on a second signal. Default: `process.exit`.
   */
  readonly exit?: (code: number) => void;
  /** Told what happens, for logs. Default: nothing. */
  readonly onEvent?: (event: ShutdownEvent) => void;
}

/** Progress of a graceful shutdown. */
export type ShutdownEvent =
  | { readonly type: 'signal'; readonly signal: ShutdownSignal; readonly sessions: number }
  | {
      readonly type: 'done';
      readonly loggedOut: number;
      readonly unconfirmed: number;
      readonly timedOut: boolean;
    }
  | { readonly type: 'forced'; readonly signal: ShutdownSignal };

const SIGNAL_NUMBERS: Record<ShutdownSignal, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGTERM: 15,
  SIGUSR2: 12,
};

/** Every open session from `source`, with their descendants, each once. */
export function liveSessions(source: SessionSource): DeribitSession[] {
  const roots = typeof source === 'function' ? source() : source;
  const all = new Set<DeribitSession>();
  for (const session of roots) for (const member of [session, ...session.children]) all.add(member);
  return [...all].filter((session) => session.state !== 'closed');
}

/**
 * Log out every live session from `source` in parallel; resolves within `timeout` ms whatever happens
 * (sessions still running then are closed locally).
 */
export async function logoutAll(
  source: SessionSource,
  timeout: number,
): Promise<{ loggedOut: number; unconfirmed: number; timedOut: boolean }> {
  const sessions = liveSessions(source);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeout);
  });
  const logouts = Promise.all(
    sessions.map((session) => session.logout({ timeout }).catch((): LogoutResult => ({ confirmed: false }))),
  );
  const outcome = await Promise.race([logouts, deadline]);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    await Promise.all(sessions.map((session) => session.close()));
    return { loggedOut: 0, unconfirmed: sessions.length, timedOut: true };
  }
  const loggedOut = outcome.filter((result) => result.confirmed).length;
  return { loggedOut, unconfirmed: outcome.length - loggedOut, timedOut: false };
}

/**
 * On the first of `signals`, log out every live session within `timeout` and exit (0 if all logged out,
 * 1 if not); on a second signal, exit at once with 128 + the signal number. Returns a function that
 * removes the handlers. Node only.
 */
export function installGracefulShutdown(
  source: SessionSource,
  options: GracefulShutdownOptions = {},
): () => void {
  if (typeof globalThis.process?.on !== 'function') {
    throw new Error(
      'installGracefulShutdown needs Node.js (process signals); in a browser call logoutAll() yourself',
    );
  }
  const signals = options.signals ?? ['SIGINT', 'SIGTERM'];
  const timeout = validateTimeout('timeout', options.timeout, DEFAULT_SHUTDOWN_TIMEOUT);
  if (!Array.isArray(signals) || signals.some((signal) => !Object.hasOwn(SIGNAL_NUMBERS, signal))) {
    throw new InvalidArgumentError(
      'signals',
      `signals must be a list of ${Object.keys(SIGNAL_NUMBERS).join(', ')}`,
    );
  }
  for (const name of ['exit', 'onEvent'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') {
      throw new InvalidArgumentError(name, `${name} must be a function`);
    }
  }
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const listener = options.onEvent;
  // A listener that throws must not stop the logouts or the exit: its failure is dropped, as it has nowhere to go.
  const onEvent = (event: ShutdownEvent): void => {
    try {
      listener?.(event);
    } catch {
      // The logouts matter more than a log line.
    }
  };
  let shuttingDown = false;
  const handler = (signal: ShutdownSignal): void => {
    if (shuttingDown) {
      onEvent({ type: 'forced', signal });
      exit(128 + SIGNAL_NUMBERS[signal]);
      return;
    }
    shuttingDown = true;
    onEvent({ type: 'signal', signal, sessions: liveSessions(source).length });
    void logoutAll(source, timeout).then((result) => {
      onEvent({ type: 'done', ...result });
      exit(result.unconfirmed === 0 && !result.timedOut ? 0 : 1);
    });
  };
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
