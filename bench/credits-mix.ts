/** The mixed load of the credit benchmark: what share of calls are cancels, orders and other matching calls. */
import type { CreditGovernor } from '../src/calls/credits/governor.js';

/** The tier of the benchmark (issue 19): burst 100, 500 a second. */
export const LIMIT = { rate: 500, burst: 100 } as const;

/** The pool's theoretical minimum for `calls` calls, ms: the burst is free, the rest refill. */
export function minimumMs(calls: number): number {
  return (Math.max(0, calls - LIMIT.burst) / LIMIT.rate) * 1000;
}

/** The method of call `index`: 1 in 10 a cancel, 1 in 10 a block-trade check (other), the rest orders. */
export function methodOf(index: number): string {
  if (index % 10 === 3) return 'private/cancel';
  if (index % 10 === 7) return 'private/verify_block_trade';
  return index % 2 === 0 ? 'private/buy' : 'private/sell';
}

/** Issue `count` mixed calls at once through `governor`; resolves when all got their credits. */
export async function burstOf(governor: CreditGovernor, count: number, offset = 0): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, index) => governor.acquire(methodOf(index + offset), {})),
  );
}
