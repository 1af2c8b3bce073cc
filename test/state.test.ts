import { describe, expect, it } from 'vitest';
import {
  canTransition,
  IllegalTransitionError,
  isReady,
  type SessionState,
  TRANSITIONS,
  transition,
} from '../src/session/state.js';

const ALL: SessionState[] = [
  'disconnected',
  'connecting',
  'authenticating',
  'authenticated',
  'refreshing',
  'closed',
];

describe('state machine', () => {
  it('follows the designed happy path', () => {
    const path: SessionState[] = [
      'disconnected',
      'connecting',
      'authenticating',
      'authenticated',
      'refreshing',
      'authenticated',
    ];
    for (let i = 1; i < path.length; i++) {
      const from = path[i - 1] as SessionState;
      const to = path[i] as SessionState;
      expect(transition(from, to, 'connect')).toEqual({ from, to, reason: 'connect' });
    }
  });

  it('lets every live state close, and nothing leave closed', () => {
    for (const state of ALL) {
      if (state !== 'closed') expect(canTransition(state, 'closed')).toBe(true);
      expect(canTransition('closed', state)).toBe(false);
    }
  });

  it('throws on an illegal transition, naming both states', () => {
    expect(() => transition('disconnected', 'authenticated', 'auth-ok')).toThrow(IllegalTransitionError);
    expect(() => transition('closed', 'connecting', 'connect')).toThrow(/closed → connecting/);
    expect(() => transition('connecting', 'refreshing', 'refresh-due')).toThrow(IllegalTransitionError);
  });

  it('never allows a self-transition', () => {
    for (const state of ALL) expect(TRANSITIONS[state].has(state)).toBe(false);
  });

  it('treats only authenticated and refreshing as ready', () => {
    expect(ALL.filter(isReady)).toEqual(['authenticated', 'refreshing']);
  });
});
