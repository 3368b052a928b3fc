import { invariant } from '../util';
import type { EmData, EmStratum } from './em-types';
import { NOT_APPLICABLE } from './em-types';

/**
 * Component groups for strata, K × S (1 in, 0 out, −1 unbound). Categorical strata are crossed
 * (crossedGroups). A score stratum (children) is not crossed: it takes `share` of the components
 * (the last ones), unbound by the categorical strata, and the rest are crossed among themselves.
 */
export function componentGroups(K: number, strata: readonly EmStratum[]): Int8Array {
  const S = strata.length;
  const score = strata.findIndex((st) => st.cat < 0);
  if (score < 0) return crossedGroups(K, strata);
  invariant(strata.filter((st) => st.cat < 0).length === 1, 'at most one score stratum');
  const inside = Math.round(strata[score].share * K);
  const out = new Int8Array(K * S).fill(-1);
  if (inside < 1 || inside >= K) return out;
  const cats = strata.map((_, s) => s).filter((s) => s !== score);
  const rest = crossedGroups(
    K - inside,
    cats.map((s) => strata[s]),
  );
  for (let k = 0; k < K; k++) {
    const own = k >= K - inside;
    out[k * S + score] = own ? 1 : 0;
    cats.forEach((s, c) => (out[k * S + s] = own ? -1 : rest[k * cats.length + c]));
  }
  return out;
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
  return Number.isNaN(z) ? -1 : z < (st.below ?? -Infinity) ? 1 : 0;
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
    if (st.cat >= 0) return;
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
    if (st.cat >= 0) return;
    for (let k = 0; k < K; k++) if (group[k * S + s] === 1) out[k] = 1;
  });
  return out;
}
