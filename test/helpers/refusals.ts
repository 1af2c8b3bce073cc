/**
 * 13009 assertions: the wire shape production sends, and the emulator's reasons (its `unauthorized` event).
 * @module
 */

import { expect } from 'vitest';
import type { DeribitEmulator } from '../../src/testing/index.js';
import type { Envelope } from './raw-client.js';

/** Expect 13009 in production's shape, `{"code":13009,"message":"unauthorized"}` with no `data`. */
export function refused(envelope: Envelope): void {
  expect(envelope.result).toBeUndefined();
  expect(envelope.error).toEqual({ code: 13009, message: 'unauthorized' });
}

/** The reasons of the 13009 refusals `emu` reports from now on (its `unauthorized` event), in order. */
export function refusalReasons(emu: DeribitEmulator): string[] {
  const reasons: string[] = [];
  emu.on('unauthorized', (event) => reasons.push(event.reason));
  return reasons;
}
