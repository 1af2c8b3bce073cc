/**
 * What became of an order call whose answer was lost when the socket dropped (see `ConnectionClosedError.outcome`).
 * @module
 */
import type { Order } from './orders.js';

/** How an outcome was found: by the call's label, its order id, the order's fields, or what is open in its scope. */
export type OutcomeMatch = 'label' | 'order_id' | 'fields' | 'scope';

/**
 * The outcome of a lost order call, learnt once the session is back:
 * - `placed` (the order rests, maybe partly filled) or `filled`: a buy or sell went through; `order` is it now;
 * - `not_placed`: no order of this call exists (nothing was found where it must be);
 * - `edited` / `not_edited`: an edit took effect or not; `order` is the order now;
 * - `cancelled` / `not_cancelled`: a cancel (or cancel-all) took effect or not; `orders` are those concerned;
 * - `ambiguous`: several orders match (labels are not unique on Deribit): `orders` are the candidates;
 * - `unknown`: it could not be found out (`reason` says why: the session closed, a lookup failed, no label…).
 */
export type OrderOutcome =
  | { readonly status: 'placed' | 'filled'; readonly order: Order; readonly matchedBy: OutcomeMatch }
  | { readonly status: 'not_placed'; readonly matchedBy: OutcomeMatch }
  | { readonly status: 'edited' | 'not_edited'; readonly order: Order; readonly matchedBy: OutcomeMatch }
  | {
      readonly status: 'cancelled' | 'not_cancelled';
      readonly orders: readonly Order[];
      readonly matchedBy: OutcomeMatch;
    }
  | { readonly status: 'ambiguous'; readonly orders: readonly Order[]; readonly matchedBy: OutcomeMatch }
  | { readonly status: 'unknown'; readonly reason: string };
