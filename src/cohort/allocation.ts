import { invariant } from '../util';

/**
 * Exact allocation of `size` patients over strata by the largest-remainder (Hamilton) method:
 * stratum s gets ⌊size·share_s⌋, and the patients left over go one each to the strata with the
 * largest fractional parts, ties to the earlier stratum (strata come in their canonical order).
 * The counts sum to `size` and each differs from size·share_s by less than 1.
 * See: docs/ARCHITECTURE.md "Cohorts" ("Allocation is exact"); issue 9 §1.
 * @param shares - non-negative, in canonical stratum order; normalised here to sum to 1
 */
export function allocate(size: number, shares: readonly number[]): number[] {
  invariant(Number.isInteger(size) && size >= 0, `allocate: size ${size} is not a count`);
  const total = shares.reduce((a, b) => a + b, 0);
  invariant(total > 0 && shares.every((s) => s >= 0 && Number.isFinite(s)), 'allocate: shares must be ≥ 0 with a positive sum');
  const quotas = shares.map((s) => (size * s) / total);
  const counts = quotas.map((q) => Math.floor(q));
  let left = size - counts.reduce((a, b) => a + b, 0);
  // Order by fractional part, largest first; equal parts keep stratum order (stable sort).
  const order = quotas
    .map((q, i) => ({ i, frac: q - Math.floor(q) }))
    .filter((x) => shares[x.i] > 0)
    .sort((a, b) => b.frac - a.frac);
  for (let j = 0; left > 0 && j < order.length; j++, left--) counts[order[j].i] += 1;
  invariant(left === 0, `allocate: ${left} patients left unallocated`);
  return counts;
}

/**
 * Index → stratum for contiguous blocks: stratum s holds indexes [start_s, start_s + count_s), the
 * blocks in canonical stratum order. O(log S) by binary search over the block starts.
 */
export class StratumBlocks {
  /** starts[s] = first index of stratum s; starts[S] = size. */
  private readonly starts: Float64Array;

  constructor(counts: readonly number[]) {
    const starts = new Float64Array(counts.length + 1);
    for (let s = 0; s < counts.length; s++) starts[s + 1] = starts[s] + counts[s];
    this.starts = starts;
  }

  /** The stratum (position in canonical order) that holds `index`; empty strata hold none. */
  stratumOf(index: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 2;
    // Largest s with starts[s] <= index (empty strata share their start with the next one).
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** First index of stratum s. */
  startOf(s: number): number {
    return this.starts[s];
  }
}
