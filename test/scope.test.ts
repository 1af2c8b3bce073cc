import { describe, expect, it } from 'vitest';
import { formatScope, missingScope, parseScope } from '../src/auth/scope.js';

describe('scope strings', () => {
  it('parses every known part', () => {
    const scope = parseScope(
      'session:mm mainaccount trade:read_write account:read wallet:none block_trade:read expires:3600 ip:1.2.3.4 custom:x',
    );
    expect(scope).toEqual({
      connection: false,
      sessionName: 'mm',
      mainaccount: true,
      trade: 'read_write',
      account: 'read',
      wallet: 'none',
      blockTrade: 'read',
      expires: 3600,
      ip: '1.2.3.4',
      unknown: ['custom:x'],
    });
  });

  it('parses Deribit’s default grant', () => {
    expect(parseScope('connection mainaccount')).toMatchObject({
      connection: true,
      mainaccount: true,
      unknown: [],
    });
  });

  it('keeps malformed parts as unknown instead of throwing', () => {
    expect(parseScope('trade:write expires:soon session:').unknown).toEqual([
      'trade:write',
      'expires:soon',
      'session:',
    ]);
    expect(parseScope(undefined).unknown).toEqual([]);
  });

  it('formats back to an equivalent string', () => {
    const text = 'session:mm mainaccount account:read trade:read_write expires:60';
    expect(parseScope(formatScope(parseScope(text)))).toEqual(parseScope(text));
    expect(formatScope(parseScope(text))).toBe(text);
  });

  it('reports what a grant lacks compared with the request', () => {
    const requested = parseScope('session:a trade:read_write wallet:read');
    expect(missingScope(requested, parseScope('session:a trade:read wallet:read_write'))).toEqual([
      'trade:read_write',
    ]);
    expect(missingScope(requested, parseScope('connection trade:read_write'))).toEqual([
      'session:a',
      'wallet:read',
    ]);
    expect(missingScope(requested, parseScope('session:a trade:read_write wallet:read'))).toEqual([]);
  });
});
