/**
 * A minimal order store: orders belong to a subject and remember the socket that placed them
 * (for connection-scoped cancel-on-disconnect). No matching: orders stay open until cancelled.
 * @module
 */

/** An order as Deribit returns it (the fields this emulator models). */
export interface EmulatedOrder {
  order_id: string;
  order_state: 'open' | 'cancelled';
  order_type: string;
  direction: 'buy' | 'sell';
  instrument_name: string;
  amount: number;
  filled_amount: number;
  price: number | 'market_price';
  label: string;
  creation_timestamp: number;
  last_update_timestamp: number;
}

interface StoredOrder {
  readonly order: EmulatedOrder;
  readonly subjectId: number;
  readonly connectionId: number;
}

/** Orders of every subject. */
export class OrderBook {
  readonly #orders = new Map<string, StoredOrder>();
  #counter = 0;

  /** Place an open order. */
  place(
    subjectId: number,
    connectionId: number,
    fields: Pick<
      EmulatedOrder,
      'direction' | 'instrument_name' | 'amount' | 'price' | 'label' | 'order_type'
    >,
    now: number,
  ): EmulatedOrder {
    this.#counter += 1;
    const order: EmulatedOrder = {
      order_id: `EMU-${this.#counter}`,
      order_state: 'open',
      filled_amount: 0,
      creation_timestamp: now,
      last_update_timestamp: now,
      ...fields,
    };
    this.#orders.set(order.order_id, { order, subjectId, connectionId });
    return order;
  }

  /** Cancel an open order of `subjectId`; `undefined` when there is no such open order. */
  cancel(subjectId: number, orderId: string, now: number): EmulatedOrder | undefined {
    const stored = this.#orders.get(orderId);
    if (!stored || stored.subjectId !== subjectId || stored.order.order_state !== 'open') return undefined;
    return this.#close(stored, now);
  }

  #close(stored: StoredOrder, now: number): EmulatedOrder {
    stored.order.order_state = 'cancelled';
    stored.order.last_update_timestamp = now;
    this.#orders.delete(stored.order.order_id);
    return stored.order;
  }

  /** Cancel every open order of `subjectId` (only those placed on `connectionId`, when given). */
  cancelWhere(subjectId: number, connectionId: number | undefined, now: number): EmulatedOrder[] {
    const cancelled: EmulatedOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.subjectId !== subjectId) continue;
      if (connectionId !== undefined && stored.connectionId !== connectionId) continue;
      cancelled.push(this.#close(stored, now));
    }
    return cancelled;
  }

  /** Open orders of `subjectId`, optionally only instruments of `currency` (`BTC-…`, `BTC_USDC-…`). */
  open(subjectId: number, currency?: string): EmulatedOrder[] {
    const result: EmulatedOrder[] = [];
    for (const stored of this.#orders.values()) {
      if (stored.subjectId !== subjectId) continue;
      const name = stored.order.instrument_name;
      if (currency !== undefined && !name.startsWith(`${currency}-`) && !name.startsWith(`${currency}_`))
        continue;
      result.push(stored.order);
    }
    return result;
  }
}
