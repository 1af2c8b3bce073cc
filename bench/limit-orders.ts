/**
 * The order mix of the benchmarks at the credit limit (issue 19), shared by {@link ./limit.ts} and its child
 * processes: 9 in 10 calls a limit order far from the market (buys at 30,000, sells at 50,000, so none fills),
 * 1 in 10 a `cancel_by_label` of an order three calls earlier. Every one is a matching-engine call.
 */
import type { DeribitSession } from '../src/index.js';
import { LIMIT } from './credits-mix.js';

export { LIMIT, minimumMs } from './credits-mix.js';

/** The emulator's tier option for the default key's subject (100001). */
export const LIMIT_TIERS = { 100001: { matching: LIMIT } } as const;

/** Call `index` of the mix, as method and params; `prefix` keeps labels apart between processes and rounds. */
export function orderCall(
  index: number,
  prefix: string,
): { method: string; params: Record<string, unknown> } {
  if (index % 10 === 3)
    return { method: 'private/cancel_by_label', params: { label: `${prefix}-${index - 3}` } };
  const buy = index % 2 === 0;
  return {
    method: buy ? 'private/buy' : 'private/sell',
    params: {
      instrument_name: 'BTC-PERPETUAL',
      amount: 10,
      price: buy ? 30_000 : 50_000,
      label: `${prefix}-${index}`,
    },
  };
}

/** How a burst of calls ended. */
export interface BurstOutcome {
  readonly ms: number;
  readonly ok: number;
  /** Error codes (or error names, for errors without one) and how many times each came. */
  readonly errors: Readonly<Record<string, number>>;
}

/** Issue `count` calls of the mix at once through `session`; resolves when every one has settled. */
export async function burst(session: DeribitSession, count: number, prefix: string): Promise<BurstOutcome> {
  const start = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: count }, (_, index) => {
      const { method, params } = orderCall(index, prefix);
      return session.call(method, params, { maxWait: 60_000 });
    }),
  );
  const ms = performance.now() - start;
  const errors: Record<string, number> = {};
  for (const result of settled) {
    if (result.status === 'fulfilled') continue;
    const reason = result.reason as { code?: unknown; name?: unknown };
    const key = String(reason.code ?? reason.name ?? 'unknown');
    errors[key] = (errors[key] ?? 0) + 1;
  }
  return { ms, ok: settled.filter((result) => result.status === 'fulfilled').length, errors };
}
