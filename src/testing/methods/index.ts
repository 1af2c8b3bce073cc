/**
 * The table of every method the emulator implements.
 * @module
 */

import { accountMethods } from './account.js';
import { authMethods } from './auth.js';
import { historyMethods } from './history.js';
import { marketMethods } from './market.js';
import { orderQueryMethods } from './order-queries.js';
import { orderMethods } from './orders.js';
import { publicMethods } from './public.js';
import { subscriptionMethods } from './subscriptions.js';

import type { MethodSpec } from './types.js';

/** A fresh method table (one per emulator, so `addMethod` does not leak between instances). */
export function createMethodTable(): Map<string, MethodSpec> {
  return new Map([
    ...authMethods,
    ...publicMethods,
    ...subscriptionMethods,
    ...accountMethods,
    ...orderMethods,
    ...orderQueryMethods,
    ...historyMethods,
    ...marketMethods,
  ]);
}
