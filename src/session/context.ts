/**
 * What the parts of a session share: the resolved options, the state (read it, change it only through
 * `setState`), and the ways out (events, warnings, errors, the logger). The session core implements it; the
 * parts never see each other's internals.
 * @module
 */

import type { MetricsPublisher } from '../metrics/publisher.js';
import type { ResolvedOptions } from '../options/options.js';
import type { SessionEvents, WarningEvent } from './events.js';
import type { SessionState, TransitionReason } from './state.js';

/** Log levels, as pino and console name them. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The payload of event `K`. */
export type EventPayload<K extends keyof SessionEvents> = Parameters<SessionEvents[K]>[0];

/** The session, as its parts see it. */
export interface SessionContext {
  readonly options: ResolvedOptions;
  /** Where metrics go (`node:diagnostics_channel`; free while nobody listens). */
  readonly metrics: MetricsPublisher;
  /** The current state. */
  readonly state: SessionState;
  /** Move to `to` (validated by the transitions table; entering a ready state opens the call gate). */
  setState(to: SessionState, reason: TransitionReason): void;
  /** Emit an event; a listener that throws is reported, never propagated. */
  emit<K extends keyof SessionEvents>(event: K, payload: EventPayload<K>): void;
  /** A non-fatal problem: logged and emitted as `error`. */
  report(error: Error): void;
  /** Something the user should know: logged and emitted as `warning`. */
  warn(warning: WarningEvent): void;
  /** Log through the user's logger, if any (pino's argument order: context, then message). */
  log(level: LogLevel, message: string, context?: Record<string, unknown>): void;
}
