/** Small statistics helpers. */

/** The q-quantile (0…1) of `values` (nearest rank on a sorted copy). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Run `fn` for each item in an order that rotates with `round`, so no column always goes first. */
export async function rotated<T>(
  items: readonly T[],
  round: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    const item = items[(i + round) % items.length];
    if (item !== undefined) await fn(item);
  }
}

/** Let pending I/O and timers settle between measurements. */
export function settle(ms = 20): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * `count` samples of `ours` and of `theirs`, alternating which goes first; `pause(side)` runs before each
 * measurement (to let I/O settle, or to keep the session under its auth limit).
 */
export async function alternating(
  count: number,
  ours: () => Promise<number>,
  theirs: () => Promise<number>,
  pause: (side: 'ours' | 'theirs') => Promise<void>,
): Promise<{ ours: number[]; theirs: number[] }> {
  const times = { ours: [] as number[], theirs: [] as number[] };
  const take = async (side: 'ours' | 'theirs'): Promise<void> => {
    await pause(side);
    times[side].push(await (side === 'ours' ? ours() : theirs()));
  };
  for (let i = 0; i < count; i++) {
    await take(i % 2 === 0 ? 'ours' : 'theirs');
    await take(i % 2 === 0 ? 'theirs' : 'ours');
  }
  return times;
}
