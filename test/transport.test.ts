import { describe, expect, it } from 'vitest';
import { isPrivateMethod } from '../src/connection/transport.js';

describe('isPrivateMethod', () => {
  it('knows every spelling Deribit accepts', () => {
    for (const method of ['private/buy', '/private/buy', '/api/v2/private/buy'])
      expect(isPrivateMethod(method)).toBe(true);
    for (const method of [
      'public/test',
      '/public/test',
      '/api/v2/public/test',
      'privately',
      '/api/v3/private/buy',
    ])
      expect(isPrivateMethod(method)).toBe(false);
  });
});
