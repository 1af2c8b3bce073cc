import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../src/options/nearest.js';

describe('nearest', () => {
  it('measures edits, a swap of neighbours counting once', () => {
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ratoi', 'ratio')).toBe(1);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests only likely typos, ignoring case', () => {
    expect(nearest('URL', ['url', 'scope'])).toBe('url');
    expect(nearest('foo', ['url', 'scope'])).toBeUndefined();
    expect(nearest('retires', ['retries', 'factor'])).toBe('retries');
  });
});
