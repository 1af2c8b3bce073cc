/**
 * The credit governor and its stores (the in-memory one; the Redis store is `deribit-session/redis`, so that
 * only its users need `ioredis`).
 * @module
 */
export type { BucketSpec, TakeResult } from './bucket.js';
export { CreditGovernor } from './governor.js';
export {
  type AcquireOptions,
  type CreditGovernorOptions,
  type CreditStatus,
  type GovernorNotice,
  type PoolStatus,
  TOO_MANY_REQUESTS_COOLDOWN_MS,
  validatePoolLimits,
} from './governor-types.js';
export { parseAccountLimits } from './limits.js';
export {
  classOf,
  type MethodClass,
  methodName,
  POOL_NAMES,
  POOLS,
  type PoolLimit,
  type PoolLimits,
  type PoolName,
  type Priority,
  poolOf,
  priorityOf,
} from './pools.js';
export { type GovernorLease, GovernorRegistry, governors, type LeaseOptions } from './registry.js';
export {
  type CreditBucket,
  type CreditStore,
  defaultCreditStore,
  MemoryCreditStore,
  type MemoryCreditStoreOptions,
} from './store.js';
