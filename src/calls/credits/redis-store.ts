/**
 * `RedisCreditStore`: the buckets of a subaccount's pools in Redis, so that every process on every machine
 * that trades the subaccount paces by one budget. Each operation is one Lua script (atomic, on Redis's
 * clock). Import it from `deribit-session/redis`; it needs the `ioredis` package (an optional peer
 * dependency), which the main entry point never loads.
 * @module deribit-session/redis
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { BucketSpec, TakeResult } from './bucket.js';
import { BUCKET_SCRIPT } from './redis-script.js';
import type { CreditBucket, CreditStore } from './store.js';

/** The script's name on the client (ioredis sends it by SHA and reloads it after a Redis restart). */
const COMMAND = 'deribitSessionCreditBucket';
/** Default key prefix: `deribit-session:credits:KEY:POOL`. */
export const DEFAULT_CREDIT_PREFIX = 'deribit-session:credits:';
/** What the store's own client waits at most for an answer, so a dead Redis fails fast instead of queueing. */
const COMMAND_TIMEOUT_MS = 500;

type ScriptArg = string | number;
type ScriptReply = [number, string, string];
/** ioredis's options; the store reads replies in the default (legacy) mapping, so that one is not settable. */
export type RedisClientOptions = Omit<RedisOptions, 'replyMapping'>;
type ScriptClient = Redis & { [COMMAND](key: string, ...args: ScriptArg[]): Promise<ScriptReply> };

/** Options of {@link RedisCreditStore}: a client of yours, or what the store needs to make its own. */
export interface RedisCreditStoreOptions {
  /**
   * An ioredis client of yours. The store defines its script on it and never closes it. Give it a
   * `commandTimeout` (the store's own client uses 500 ms): the governor stops waiting after its
   * `storeTimeoutMs` anyway, but a command queued forever keeps its memory.
   */
  readonly client?: Redis;
  /** A Redis URL (`redis://host:6379/0`, `rediss://…`) for a client the store makes and closes. */
  readonly url?: string;
  /** ioredis options for that client (default `commandTimeout` 500 ms, `maxRetriesPerRequest` 1). */
  readonly redisOptions?: RedisClientOptions;
  /** Prefix of every key. Default {@link DEFAULT_CREDIT_PREFIX}. */
  readonly prefix?: string;
}

function number(text: string): number {
  const value = Number(text);
  if (Number.isNaN(value))
    throw new Error(`the credit script answered ${JSON.stringify(text)}, not a number`);
  return value;
}

/** One bucket: a Redis hash that expires once it is full again. */
class RedisBucket implements CreditBucket {
  readonly #client: ScriptClient;
  readonly #key: string;

  constructor(client: ScriptClient, key: string) {
    this.#client = client;
    this.#key = key;
  }

  async take(spec: BucketSpec, count: number, floor: number): Promise<TakeResult> {
    const [ok, tokens, wait] = await this.#run('take', spec, count, floor, 0);
    const waitMs = number(wait);
    return {
      ok: ok === 1,
      available: number(tokens),
      waitMs: waitMs < 0 ? Number.POSITIVE_INFINITY : waitMs,
    };
  }

  async drain(spec: BucketSpec, cooldownMs: number): Promise<void> {
    await this.#run('drain', spec, 0, 0, cooldownMs);
  }

  async peek(spec: BucketSpec): Promise<number> {
    return number((await this.#run('peek', spec, 0, 0, 0))[1]);
  }

  #run(op: string, spec: BucketSpec, count: number, floor: number, cooldownMs: number): Promise<ScriptReply> {
    return this.#client[COMMAND](
      this.#key,
      op,
      spec.rate,
      spec.slowRate,
      spec.burst,
      count,
      floor,
      cooldownMs,
    );
  }
}

/**
 * Credit buckets in Redis, shared by every process that uses the same Redis and prefix. Operations are
 * asynchronous (one round trip each); if Redis fails, the governor paces each process alone meanwhile.
 */
export class RedisCreditStore implements CreditStore {
  readonly sync = false;
  readonly #client: ScriptClient;
  readonly #owned: boolean;
  readonly #prefix: string;
  readonly #buckets = new Map<string, RedisBucket>();

  /** @param options - `client`, or `url`/`redisOptions` for a client of the store's own; `prefix` */
  constructor(options: RedisCreditStoreOptions = {}) {
    const ownOptions: RedisClientOptions = {
      commandTimeout: COMMAND_TIMEOUT_MS,
      maxRetriesPerRequest: 1,
      ...options.redisOptions,
    };
    const client =
      options.client ??
      (options.url === undefined ? new Redis(ownOptions) : new Redis(options.url, ownOptions));
    this.#owned = options.client === undefined;
    this.#prefix = options.prefix ?? DEFAULT_CREDIT_PREFIX;
    if (typeof (client as unknown as Partial<ScriptClient>)[COMMAND] !== 'function') {
      client.defineCommand(COMMAND, { numberOfKeys: 1, lua: BUCKET_SCRIPT });
    }
    // An ioredis client without an 'error' listener prints every reconnect failure; the governor reports them.
    if (this.#owned) client.on('error', () => {});
    this.#client = client as ScriptClient;
  }

  /** See {@link CreditStore.bucket}. */
  bucket(id: string): CreditBucket {
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      bucket = new RedisBucket(this.#client, this.#prefix + id);
      this.#buckets.set(id, bucket);
    }
    return bucket;
  }

  /** Close the store's own client (a client you passed stays open). Idempotent. */
  async close(): Promise<void> {
    if (!this.#owned || this.#client.status === 'end') return;
    await this.#client.quit().catch(() => this.#client.disconnect());
  }
}
