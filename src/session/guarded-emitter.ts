/**
 * An eventemitter3 emitter whose listeners cannot break the code that emits: a listener that throws, or
 * returns a promise that rejects, is reported through {@link GuardedEmitter.listenerFailed} and the other
 * listeners still run. Listeners are wrapped when added; `off()` and `listeners()` see the originals.
 * @module
 */
import { EventEmitter } from 'eventemitter3';

type Listener = (...args: never[]) => unknown;

/** Whether `value` looks like a promise (an async listener's return value). */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/** An `EventEmitter` that isolates its listeners' failures. */
export abstract class GuardedEmitter<Events extends object> extends EventEmitter<Events> {
  // Per event, the guard of each listener: the same function added twice shares one guard, so off() finds it.
  #guards: Map<PropertyKey, WeakMap<Listener, Listener>> | undefined;
  #originals: WeakMap<Listener, Listener> | undefined;

  static {
    // eventemitter3 aliases addListener to on and off to removeListener: keep the aliases on the guarded versions.
    GuardedEmitter.prototype.addListener = GuardedEmitter.prototype.on;
    GuardedEmitter.prototype.off = GuardedEmitter.prototype.removeListener;
  }

  /** A listener of `event` threw or rejected with `error`. Must not throw. */
  protected abstract listenerFailed(event: string, error: unknown): void;

  #guard<F>(event: PropertyKey, fn: F): F {
    if (typeof fn !== 'function') return fn;
    const listener = fn as unknown as Listener;
    this.#guards ??= new Map();
    let byListener = this.#guards.get(event);
    if (byListener === undefined) {
      byListener = new WeakMap();
      this.#guards.set(event, byListener);
    }
    let guard = byListener.get(listener);
    if (guard === undefined) {
      const fail = (error: unknown): void => this.listenerFailed(String(event), error);
      guard = function guarded(this: unknown, ...args: never[]): void {
        try {
          const result = listener.apply(this, args);
          if (isThenable(result)) result.then(undefined, fail);
        } catch (error) {
          fail(error);
        }
      };
      byListener.set(listener, guard);
      this.#originals ??= new WeakMap();
      this.#originals.set(guard, listener);
    }
    return guard as unknown as F;
  }

  #guardOf<F>(event: PropertyKey, fn: F): F {
    if (typeof fn !== 'function') return fn;
    return (this.#guards?.get(event)?.get(fn as unknown as Listener) ?? fn) as F;
  }

  override on<T extends EventEmitter.EventNames<Events>>(
    event: T,
    fn: EventEmitter.EventListener<Events, T>,
    context?: unknown,
  ): this {
    return super.on(event, this.#guard(event, fn), context);
  }

  override once<T extends EventEmitter.EventNames<Events>>(
    event: T,
    fn: EventEmitter.EventListener<Events, T>,
    context?: unknown,
  ): this {
    return super.once(event, this.#guard(event, fn), context);
  }

  override removeListener<T extends EventEmitter.EventNames<Events>>(
    event: T,
    fn?: EventEmitter.EventListener<Events, T>,
    context?: unknown,
    once?: boolean,
  ): this {
    return super.removeListener(event, this.#guardOf(event, fn), context, once);
  }

  override listeners<T extends EventEmitter.EventNames<Events>>(
    event: T,
  ): Array<EventEmitter.EventListener<Events, T>> {
    return super
      .listeners(event)
      .map((guard) => (this.#originals?.get(guard as unknown as Listener) ?? guard) as typeof guard);
  }
}
