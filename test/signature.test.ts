import { describe, expect, it } from 'vitest';
import { hmacSha256Hex, signAuthRequest, stringToSign } from '../src/auth/signature.js';

describe('signAuthRequest', () => {
  it('matches the published Deribit test vector', async () => {
    const signature = await signAuthRequest('AMANDASECRECT', {
      timestamp: 1576074319000,
      nonce: '1iqt2wls',
      data: '',
    });
    expect(signature).toBe('56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1');
  });

  it('treats absent data as the empty string (both newlines present)', async () => {
    expect(stringToSign({ timestamp: 1, nonce: 'n' })).toBe('1\nn\n');
    const withoutData = await signAuthRequest('AMANDASECRECT', {
      timestamp: 1576074319000,
      nonce: '1iqt2wls',
    });
    expect(withoutData).toBe('56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1');
  });

  it('changes when any input changes', async () => {
    const base = await hmacSha256Hex('s', stringToSign({ timestamp: 1, nonce: 'n', data: 'd' }));
    expect(await signAuthRequest('s', { timestamp: 2, nonce: 'n', data: 'd' })).not.toBe(base);
    expect(await signAuthRequest('s', { timestamp: 1, nonce: 'm', data: 'd' })).not.toBe(base);
    expect(await signAuthRequest('s', { timestamp: 1, nonce: 'n', data: 'e' })).not.toBe(base);
    expect(await signAuthRequest('t', { timestamp: 1, nonce: 'n', data: 'd' })).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});
