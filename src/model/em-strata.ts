import type { EmData, EmStratum } from './em-types';
import { NOT_APPLICABLE } from './em-types';

/**
 * Component groups for strata, K × S (1 in, 0 out, −1 unbound). Categorical strata are crossed
 * (crossedGroups). Score strata are bands of one core variable (children; adults' age bands),
 * disjoint: each takes `share` of the components (at least one; the last ones, in the order
 * given), pure in its band (0 for the other bands); inside a band the categorical strata are
 * crossed when the band says so (`crossed`) and unbound otherwise. Components left over (the
 * bands' shares summing under 1) are outside every band, crossed among the categorical strata.
 */
export function componentGroups(K: number, strata: readonly EmStratum[]): Int8Array {
  const S = strata.length;
  const bands = strata.map((st, s) => (st.cat < 0 ? s : -1)).filter((s) => s >= 0);
  if (bands.length === 0) return crossedGroups(K, strata);
  const out = new Int8Array(K * S).fill(-1);
  const total = bands.reduce((a, s) => a + strata[s].share, 0);
  const counts = bands.map((s) => Math.round((total > 1 ? strata[s].share / total : strata[s].share) * K));
  let inside = counts.reduce((a, b) => a + b, 0);
  // Shares summing to 1: the bands take every component (rounding settled on the largest band).
  if (total >= 1 - 1e-9 && inside !== K) {
    const big = counts.indexOf(Math.max(...counts));
    counts[big] += K - inside;
    inside = K;
  }
  if (counts.some((n) => n < 1) || inside > K || (inside === K && total < 1 - 1e-9)) return out;
  const cats = strata.map((_, s) => s).filter((s) => strata[s].cat >= 0);
  const fill = (from: number, n: number, band: number, crossed: readonly number[]): void => {
    const sub = cats.filter((s) => crossed.includes(s));
    const inner = crossedGroups(n, sub.map((s) => strata[s]));
    for (let q = 0; q < n; q++) {
      const k = from + q;
      for (const b of bands) out[k * S + b] = b === band ? 1 : 0;
      cats.forEach((s) => {
        const c = sub.indexOf(s);
        out[k * S + s] = c < 0 ? -1 : inner[q * sub.length + c];
      });
    }
  };
  fill(0, K - inside, -1, cats);
  let k = K - inside;
  bands.forEach((b, i) => {
    const st = strata[b];
    const crossWith = st.crossWith;
    fill(k, counts[i], b, st.crossed === true ? cats : crossWith === undefined ? [] : cats.filter((s) => crossWith.includes(strata[s].cat)));
    k += counts[i];
  });
  return out;
}

/** Whether a stratum's components get driver effects of their own (children). */
export function hasOwnEffects(st: EmStratum): boolean {
  return st.cat < 0 && (st.ownEffects ?? (st.crossed !== true && st.crossWith === undefined));
}

/**
 * Crossed groups: every combination of in/out across the strata gets components in proportion to
 * Π (share if in, 1 − share if out), at least one each when K allows, largest remainders first.
 * Returns K × S (1 in, 0 out); all −1 when there are no strata or K < 2^S.
 */
function crossedGroups(K: number, strata: readonly EmStratum[]): Int8Array {
  const S = strata.length;
  const combos = 1 << S;
  if (S === 0 || K < combos) return new Int8Array(K * S).fill(-1);
  const shares = Array.from({ length: combos }, (_, c) =>
    strata.reduce((acc, st, s) => acc * ((c >> s) & 1 ? st.share : 1 - st.share), 1),
  );
  const counts = shares.map((sh) => Math.max(1, Math.floor(sh * K)));
  let total = counts.reduce((a, b) => a + b, 0);
  const order = shares
    .map((sh, c) => [sh * K - Math.floor(sh * K), c] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let i = 0; total < K; i = (i + 1) % combos) {
    counts[order[i][1]]++;
    total++;
  }
  for (let c = combos - 1; total > K; c = (c + combos - 1) % combos) {
    if (counts[c] > 1) {
      counts[c]--;
      total--;
    }
  }
  const out = new Int8Array(K * S);
  let k = 0;
  counts.forEach((n, c) => {
    for (let r = 0; r < n; r++, k++) for (let s = 0; s < S; s++) out[k * S + s] = (c >> s) & 1;
  });
  return out;
}

/** Which side of a stratum row i is on: 1 in, 0 out, −1 either (not applicable, unobserved). */
export function stratumSide(data: EmData, st: EmStratum, i: number): number {
  if (st.cat >= 0) {
    const x = data.cats[st.cat].x[i];
    return x === NOT_APPLICABLE ? -1 : x === st.state ? 1 : 0;
  }
  const z = data.core.z[i * data.core.d + (st.dim ?? 0)];
  return Number.isNaN(z) ? -1 : z < (st.below ?? Infinity) && z >= (st.above ?? -Infinity) ? 1 : 0;
}

/**
 * The driver-effect set of every row: 1 for rows of an active score stratum (children, whose
 * scores sit where the normal-score scale is stretched: an adult's 0.7-score sex effect on height
 * is ~20 cm for a child), else 0. A row only meets components of its own side, so one B per side.
 */
export function rowEffectSets(
  data: EmData,
  strata: readonly EmStratum[],
  group: Int8Array,
  K: number,
): Int8Array {
  const out = new Int8Array(data.n);
  const S = strata.length;
  strata.forEach((st, s) => {
    if (!hasOwnEffects(st)) return;
    let active = false;
    for (let k = 0; k < K; k++) if (group[k * S + s] === 1) active = true;
    if (!active) return;
    for (let i = 0; i < data.n; i++) if (stratumSide(data, st, i) === 1) out[i] = 1;
  });
  return out;
}

/** The driver-effect set of every component (see rowEffectSets). */
export function componentEffectSets(strata: readonly EmStratum[], group: Int8Array, K: number): Int8Array {
  const out = new Int8Array(K);
  const S = strata.length;
  strata.forEach((st, s) => {
    if (!hasOwnEffects(st)) return;
    for (let k = 0; k < K; k++) if (group[k * S + s] === 1) out[k] = 1;
  });
  return out;
}
