import { createHash } from 'node:crypto';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** The largest float32 below 1. */
const FLOAT32_BELOW_ONE = 1 - 2 ** -24;

/** A 32-bit seed from the SHA-256 of the given parts, so seeds come from names (STYLE.md §4). */
export function seedFrom(...parts: (string | number)[]): number {
  const digest = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
  return digest.readInt32LE(0);
}

/**
 * An explicit, seeded random stream (xoroshiro128+ from pure-rand). Every random draw in
 * coldbench goes through one of these; `Math.random()` is never used.
 */
export class Rng {
  private readonly gen: Generator;
  /** Second normal deviate of the last Box–Muller pair, if unused. */
  private spare: number | undefined;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed);
  }

  /** A stream for a named sub-task; depends only on this stream's seed and the label. */
  fork(label: string | number): Rng {
    return new Rng(seedFrom(this.seed, label));
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return uniformFloat64(this.gen);
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal deviate (Box–Muller; pure-rand has no normal distribution). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1], so the log is finite
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** `n` standard normal deviates. */
  normals(n: number, mean = 0, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = mean + std * this.normal();
    return out;
  }

  /** `n` uniform deviates in [0, 1) in float32 (a draw that would round up to 1 stays below it). */
  uniforms(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.min(this.uniform(), FLOAT32_BELOW_ONE);
    return out;
  }

  /** A permutation of 0..n-1 (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}
