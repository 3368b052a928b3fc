/**
 * Baagoe's Alea PRNG with its Mash seeding, bit for bit the algorithm of seedrandom's `alea`
 * (seedrandom/lib/alea.js), written for the per-row path: `streamFor` seeds one generator per
 * patient or sampled row, so seeding cost matters (issue 11 §4). Differences from seedrandom are
 * speed only: the three `mash(' ')` calls that start every seeding are folded into constants, the
 * state is a class with fixed fields, and `next()` is a method. A unit test checks the output
 * against seedrandom itself over many seeds.
 */

/** Mash's state after three calls on ' ', the start of every seeding. */
function startState(): { n: number; s: [number, number, number] } {
  let n = 0xefc8249d;
  const s: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < 3; i++) {
    n += 32; // ' '.charCodeAt(0)
    let h = 0.02519603282416938 * n;
    n = h >>> 0;
    h -= n;
    h *= n;
    n = h >>> 0;
    h -= n;
    n += h * 0x100000000;
    s[i] = (n >>> 0) * 2.3283064365386963e-10;
  }
  return { n, s };
}

const START = startState();

/** One Alea generator; `next()` is uniform in [0, 1). */
export class Alea {
  private s0: number;
  private s1: number;
  private s2: number;
  private c = 1;

  constructor(seed: string) {
    let n = START.n;
    // mash(seed), three times, continuing the same Mash state (as seedrandom does).
    const out = [0, 0, 0];
    for (let r = 0; r < 3; r++) {
      for (let i = 0; i < seed.length; i++) {
        n += seed.charCodeAt(i);
        let h = 0.02519603282416938 * n;
        n = h >>> 0;
        h -= n;
        h *= n;
        n = h >>> 0;
        h -= n;
        n += h * 0x100000000;
      }
      out[r] = (n >>> 0) * 2.3283064365386963e-10;
    }
    let s0 = START.s[0] - out[0];
    if (s0 < 0) s0 += 1;
    let s1 = START.s[1] - out[1];
    if (s1 < 0) s1 += 1;
    let s2 = START.s[2] - out[2];
    if (s2 < 0) s2 += 1;
    this.s0 = s0;
    this.s1 = s1;
    this.s2 = s2;
  }

  next(): number {
    const t = 2091639 * this.s0 + this.c * 2.3283064365386963e-10;
    this.s0 = this.s1;
    this.s1 = this.s2;
    this.c = t | 0;
    return (this.s2 = t - this.c);
  }
}
