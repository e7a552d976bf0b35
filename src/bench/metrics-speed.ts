import { featureStats, frechetFromStats } from '../metrics/frechet.js';
import { kid } from '../metrics/kid.js';
import { Rng, seedFrom } from '../util/rng.js';

export interface MetricsBenchOptions {
  /** Feature vectors per set. */
  readonly n: number;
  /** Feature dimension. */
  readonly dim: number;
}

export interface MetricsBenchResult {
  readonly bench: 'metrics';
  readonly n: number;
  readonly dim: number;
  /** Both sets' μ, Σ and the Fréchet distance. */
  readonly fidMs: number;
  /** KID with its defaults (100 subsets of m = min(n, 1000)). */
  readonly kidMs: number;
  readonly totalMs: number;
}

/** Times the Fréchet distance and KID between two seeded random [n, dim] feature sets (N(0, 1) and N(0.1, 1.1²)). */
export function benchMetrics(options: MetricsBenchOptions = { n: 10_000, dim: 64 }): MetricsBenchResult {
  const { n, dim } = options;
  const rng = new Rng(seedFrom('bench-metrics', n, dim));
  const a = { data: rng.normals(n * dim), dim };
  const b = { data: rng.normals(n * dim, 0.1, 1.1), dim };
  const t0 = performance.now();
  const [sa, sb] = [featureStats(a), featureStats(b)];
  frechetFromStats(sa.mu, sa.sigma, sb.mu, sb.sigma);
  const t1 = performance.now();
  kid(a, b);
  const t2 = performance.now();
  const round = (v: number) => Number(v.toFixed(1));
  return { bench: 'metrics', n, dim, fidMs: round(t1 - t0), kidMs: round(t2 - t1), totalMs: round(t2 - t0) };
}
