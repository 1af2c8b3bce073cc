import { describe, expect, it } from 'vitest';
import { classify } from '../src/errors/classify.js';
import {
  AuthenticationError,
  ConnectionClosedError,
  InvalidArgumentError,
  RequestTimeoutError,
  RpcError,
  SessionClosedError,
} from '../src/errors/errors.js';

describe('errors', () => {
  it('are real Errors with stable codes', () => {
    const errors = [
      new RpcError('private/buy', 10028, 'too_many_requests'),
      new AuthenticationError('nope'),
      new RequestTimeoutError('public/test', 5),
      new ConnectionClosedError('private/buy', 1006, ''),
      new SessionClosedError(),
    ];
    expect(errors.map((e) => e instanceof Error)).toEqual([true, true, true, true, true]);
    expect(errors.map((e) => e.code)).toEqual([
      10028,
      'AUTHENTICATION_FAILED',
      'REQUEST_TIMEOUT',
      'CONNECTION_CLOSED',
      'SESSION_CLOSED',
    ]);
    expect(errors.map((e) => e.name)).toEqual([
      'RpcError',
      'AuthenticationError',
      'RequestTimeoutError',
      'ConnectionClosedError',
      'SessionClosedError',
    ]);
  });

  it('AuthenticationError carries the server code and cause', () => {
    const cause = new RpcError('public/auth', 13004, 'invalid_credentials');
    const error = new AuthenticationError('bad key', { cause });
    expect(error.code).toBe(13004);
    expect(error.cause).toBe(cause);
  });

  it('RpcError keeps Deribit’s message and data, and names the method', () => {
    const error = new RpcError('public/set_heartbeat', -32602, 'Invalid params', {
      reason: 'too small',
      param: 'interval',
    });
    expect(error.message).toBe('public/set_heartbeat failed: -32602 Invalid params (too small)');
    expect(error.deribitMessage).toBe('Invalid params');
    expect(error.data?.param).toBe('interval');
  });

  it('ConnectionClosedError says the outcome of an in-flight call is unknown', () => {
    expect(new ConnectionClosedError('private/buy', 1006).message).toMatch(
      /private\/buy.*outcome is unknown/,
    );
  });

  it('ConnectionClosedError keeps its reason without a close code (a refused TCP connection has none)', () => {
    const error = new ConnectionClosedError(undefined, undefined, 'connect ECONNREFUSED 127.0.0.1:9');
    expect(error.closeCode).toBeUndefined();
    expect(error.reason).toBe('connect ECONNREFUSED 127.0.0.1:9');
    expect(error.message).toBe('connection closed (connect ECONNREFUSED 127.0.0.1:9)');
    const inFlight = new ConnectionClosedError('private/buy', undefined, 'socket hang up');
    expect(inFlight.reason).toBe('socket hang up');
    expect(inFlight.message).toMatch(
      /^connection closed \(socket hang up\) before private\/buy was answered/,
    );
    expect(new ConnectionClosedError(undefined, 1006, '').reason).toBeUndefined();
  });

  it('InvalidArgumentError is a TypeError with a code and the argument it is about', () => {
    const error = new InvalidArgumentError('reconnect.retries', 'option reconnect.retries must be …');
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({
      name: 'InvalidArgumentError',
      code: 'INVALID_ARGUMENT',
      argument: 'reconnect.retries',
    });
    expect(classify(error)).toBe('caller');
  });

  it('classify follows the protocol table', () => {
    const rpc = (code: number) => new RpcError('m', code, 'x');
    expect(classify(rpc(13004))).toBe('fatal');
    expect(classify(new AuthenticationError('x'))).toBe('fatal');
    expect(classify(new SessionClosedError())).toBe('fatal');
    for (const code of [10000, 13009, 13778]) expect(classify(rpc(code))).toBe('reauth');
    for (const code of [10028, 10040, 10041, 10047, 10066, 11051, 11094, 12003, 13028, 13888]) {
      expect(classify(rpc(code))).toBe('retry');
    }
    for (const code of [11050, 13010, 13021, 13403, -32600, -32601, -32602, -32700])
      expect(classify(rpc(code))).toBe('caller');
    expect(classify(new ConnectionClosedError())).toBe('retry');
    expect(classify(new RequestTimeoutError('m', 1))).toBe('retry');
    expect(classify(new TypeError('bad'))).toBe('caller');
  });
});
