/**
 * How a session speaks: the user's logger (pino's argument order: context, then message), `warning` and
 * `error` events, and listener failures, which go to `error` when someone listens there, else to the logger.
 * A broken logger is ignored: it must never break the session.
 * @module
 */

import { ListenerError } from '../errors/errors.js';
import type { Logger } from '../options/options.js';
import type { EventPayload, LogLevel } from './context.js';
import type { SessionEvents, WarningEvent } from './events.js';

/** Where reports go: the session's guarded events. */
export interface ReportSink {
  emit<K extends keyof SessionEvents>(event: K, payload: EventPayload<K>): void;
  /** Whether anyone listens to `error`. */
  hasErrorListener(): boolean;
}

/** Logging and reporting for one session. */
export class Reporter {
  readonly #logger: Logger | undefined;
  readonly #sink: ReportSink;

  /**
   * @param logger - the user's logger, if any
   * @param sink - the session's guarded events
   */
  constructor(logger: Logger | undefined, sink: ReportSink) {
    this.#logger = logger;
    this.#sink = sink;
  }

  /** Log a line (never a secret: callers pass codes and counts, not params). */
  log(level: LogLevel, message: string, context: Record<string, unknown> = {}): void {
    const logger = this.#logger;
    if (!logger) return;
    try {
      logger[level](context, `[deribit-session] ${message}`);
    } catch {
      // A broken logger must not break the session.
    }
  }

  /** Something the user should know that does not stop the session. */
  warn(warning: WarningEvent): void {
    this.log('warn', warning.message, { code: warning.code });
    this.#sink.emit('warning', warning);
  }

  /** A non-fatal problem. */
  report(error: Error): void {
    this.log('error', error.message, { name: error.name });
    this.#sink.emit('error', error);
  }

  /** A listener or handler threw or rejected; an `error` listener failing goes to the logger only. */
  listenerFailed(where: { readonly event?: string; readonly channel?: string }, error: unknown): void {
    const failure = new ListenerError(where, error);
    if (where.event === 'error' || !this.#sink.hasErrorListener())
      this.log('error', failure.message, { ...where });
    else this.#sink.emit('error', failure);
  }
}
