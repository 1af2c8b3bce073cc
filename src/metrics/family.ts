/**
 * Cheap facts drawn from a notification for metrics: the channel's family (a label of bounded cardinality)
 * and Deribit's `timestamp`.
 * @module
 */

/** First words that only name a group: the family keeps the word after them too (`user.orders`, `chart.trades`). */
const GROUP_WORDS: ReadonlySet<string> = new Set(['user', 'chart', 'instrument', 'markprice']);

/**
 * The family of a channel, for metric labels: its first dot-separated word (`ticker.BTC-PERPETUAL.100ms` →
 * `ticker`, `book.ETH-PERPETUAL.raw` → `book`, `platform_state` → `platform_state`), or its first two when the
 * first only names a group (`user.orders.BTC-PERPETUAL.raw` → `user.orders`, `chart.trades.…` → `chart.trades`).
 * Instrument names and currencies never reach the family, so it is safe as a label.
 */
export function channelFamily(channel: string): string {
  const first = channel.indexOf('.');
  if (first < 0) return channel;
  const word = channel.slice(0, first);
  if (!GROUP_WORDS.has(word)) return word;
  const second = channel.indexOf('.', first + 1);
  return second < 0 ? channel : channel.slice(0, second);
}

function timestampOf(item: unknown): number | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const value = (item as { readonly timestamp?: unknown }).timestamp;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Deribit's `timestamp` (ms epoch) of a notification's data: the object's own, or for a batch (an array, as
 * `trades.*` sends) the newest of its first and last items. `undefined` when there is none.
 */
export function notificationTimestamp(data: unknown): number | undefined {
  if (!Array.isArray(data)) return timestampOf(data);
  if (data.length === 0) return undefined;
  const first = timestampOf(data[0]);
  const last = timestampOf(data[data.length - 1]);
  if (first === undefined) return last;
  return last === undefined ? first : Math.max(first, last);
}
