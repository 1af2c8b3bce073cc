import { describe, expect, it } from 'vitest';
import { GuardedEmitter } from '../src/session/guarded-emitter.js';

interface Events {
  tick: (n: number) => void;
}

class Probe extends GuardedEmitter<Events> {
  readonly failures: Array<[string, unknown]> = [];
  protected override listenerFailed(event: string, error: unknown): void {
    this.failures.push([event, error]);
  }
}

describe('GuardedEmitter', () => {
  it('a listener that throws neither stops the others nor reaches emit()', () => {
    const emitter = new Probe();
    const seen: string[] = [];
    const boom = new Error('boom');
    emitter.on('tick', () => {
      throw boom;
    });
    emitter.addListener('tick', (n) => seen.push(`add ${n}`));
    emitter.once('tick', (n) => seen.push(`once ${n}`));
    expect(() => emitter.emit('tick', 1)).not.toThrow();
    emitter.emit('tick', 2);
    expect(seen).toEqual(['add 1', 'once 1', 'add 2']);
    expect(emitter.failures).toEqual([
      ['tick', boom],
      ['tick', boom],
    ]);
  });

  it('a listener that returns a rejected promise is reported, never left unhandled', async () => {
    const emitter = new Probe();
    const reason = new Error('async boom');
    emitter.on('tick', async () => {
      throw reason;
    });
    emitter.emit('tick', 1);
    await expect.poll(() => emitter.failures).toEqual([['tick', reason]]);
  });

  it('off() and removeListener() take the function that was added; listeners() lists it', () => {
    const emitter = new Probe();
    const a = (): void => {};
    const b = (): void => {};
    emitter.on('tick', a);
    emitter.addListener('tick', b);
    expect(emitter.listeners('tick')).toEqual([a, b]);
    emitter.off('tick', a);
    expect(emitter.listeners('tick')).toEqual([b]);
    emitter.removeListener('tick', b);
    expect(emitter.listenerCount('tick')).toBe(0);
  });
});
