import type { RunPoint, RunSpec } from './config.js';

/** Marks files coldbench wrote; a results folder without it is not ours and is never touched. */
export const RESULTS_FORMAT = 'coldbench-results/2';

/** One measured number: a result file holds a list of these (one per mode × sampler × δ × metric). */
export interface MetricRow {
  readonly mode: 'restoration' | 'generation';
  /** `degraded` is x_T itself, the paper's baseline row. */
  readonly sampler: string;
  /** Generation start noise δ; null in restoration. */
  readonly delta: number | null;
  /** A metric's registry name (metrics/registry.ts). */
  readonly metric: string;
  readonly value: number;
  /** Spread where the metric has one (KID over subsets). */
  readonly std?: number;
  /**
   * Bootstrap replicates over the sample set's images (Reference.resamples; 6 significant digits):
   * the metric recomputed on each resample. Every metric but KID has them.
   */
  readonly boot?: number[];
}

/** A number drawn several times: its mean and sample standard deviation. */
export interface Spread {
  readonly mean: number;
  readonly std: number;
  readonly draws: number;
}

/** The real-vs-real floor: what FID-like and KID give for real images that are not the reference. */
export interface Floor {
  /** Images per draw: the sample sets' size. */
  readonly n: number;
  /** Absent where n or the reference set is not above the feature dimension (a Fréchet distance needs it). */
  readonly fid?: Spread;
  readonly kid: Spread;
  /** Share of real images the label classifier recognises (metric `recognisable`); absent for other feature nets. */
  readonly recognisable?: Spread;
}

/**
 * One severity t of a degradation (report Q3): how Gaussian its residual is, and how well the
 * one-shot R(x_t, t) restores from there. The residual is x_t − x0, and for mix degradations
 * x_t − √ᾱ_t·x0, their noise term alone (x_t − x0 would add −(1 − √ᾱ_t)·x0, a digit's shape).
 */
/** Families group degradations that destroy information the same way (reports colour by it). */
export type Family = 'noise' | 'blur' | 'pixelation' | 'snow' | 'colour' | 'morph' | 'mask';

/** How Gaussian a set of values is (analysis/gaussianity.ts measures it). */
export interface Gaussianity {
  /** Sample skewness g1 = m3 / m2^{3/2} (population moments, scipy.stats.skew's default); 0 for a normal. */
  readonly skewness: number;
  /** Excess kurtosis g2 = m4 / m2² − 3 (scipy.stats.kurtosis's default); 0 for a normal. */
  readonly excessKurtosis: number;
  /** Anderson–Darling A² against N(mean, s²) with fitted mean and s (ddof 1), as scipy.stats.anderson; no small-n correction. */
  readonly andersonDarling: number;
  /** Number of values used (after subsampling). */
  readonly n: number;
}

export interface GaussianityRow extends Gaussianity {
  readonly t: number;
  /** FID-like (null where the sample set is too small for one) and L1 of R(x_t, t) against x0; absent without restoration. */
  readonly restoration?: { readonly fid: number | null; readonly l1: number };
}

/** What the samples were compared with. */
export interface Evaluation {
  /** Images per sample set (and held-out images restored). */
  readonly images: number;
  /** Held-out images whose features are the reference statistics (the whole test split). */
  readonly referenceImages: number;
  /** Real-vs-real FID-like and KID at the same sample size. */
  readonly floor: Floor;
  /** Per generation δ: how many of the sample set's starts x_T were distinct images. */
  readonly starts: GenerationStarts[];
  /** The generation prior's kind and, for a Gaussian mixture, its dimension; null without generation. */
  readonly prior: StartPrior | null;
  /**
   * For mix degradations, the share of x0 left in x_T, √ᾱ_T (gaussian at T = 200: 2.4e-4); null
   * for the others, whose x_T is a function of x0 alone. Below 1% "restoration" is generation,
   * and reports leave it out of their restoration tables and charts.
   */
  readonly x0ShareAtT: number | null;
}

/** What a generation start is drawn from (report Q2 shows the two cases apart). */
export interface StartPrior {
  readonly kind: 'noise' | 'asset' | 'gmm';
  /** Numbers a start is drawn as: the mixture's dimension for 'gmm', else null (a whole image or an asset). */
  readonly dims: number | null;
  /**
   * Whether x_T is a flat image whose only freedom is its colour (a mixture over at most C channel
   * means, blur generation's): the deterministic-prior case the paper's δ question is about.
   * Otherwise the start is a random image already (noise, an animal, pixelate's 4×4 grid).
   */
  readonly flat: boolean;
}

/**
 * Distinct starts of one generation sample set. With δ = 0 a deterministic sampler maps equal
 * starts to equal samples: animorph's starts are the held-out animals, so at most that many
 * distinct images can come out, whatever the sample size.
 */
export interface GenerationStarts {
  readonly delta: number;
  readonly distinct: number;
  readonly of: number;
  /**
   * Per-pixel std of the start noise N(0, δ²) that Algorithm 2's samples still hold: its update
   * x_s − D(x̂0, s) + D(x̂0, s−1) never touches it, so it is δ. direct, alg1, ddim and ddpm end on
   * R's prediction and hold none of it.
   */
  readonly alg2KeepsNoise: number;
}

/**
 * Wall time of one phase of a run: `train`, `features`, `reference`, `floor`, `prior`, `sample
 * <mode> <sampler>[ δ]`, `metrics …`, `raw`, `gaussianity`.
 */
export interface Timing {
  readonly phase: string;
  readonly ms: number;
}

/** One saved sample grid (`samples/<file>`): what its rows show, top to bottom. */
export interface SampleGridFile {
  readonly file: string;
  readonly mode: 'restoration' | 'generation';
  /** Generation start noise δ; null in restoration. */
  readonly delta: number | null;
  /** Row labels: `x0 (real)`, `x_T (degraded)` or `x_T (prior, δ=…)`, then the samplers that ran. */
  readonly rows: string[];
}

/** `results/<suite>/suite.json`: the suite as run, so the folder is self-describing. */
export interface SuiteFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  /** The suite JSON exactly as validated. */
  readonly definition: unknown;
}

/** What reports need to know about a run's degradation without importing the registry. */
export interface DegradationInfo {
  readonly name: string;
  readonly family: Family;
  readonly stochastic: boolean;
  readonly version: number;
  /** Whether it has a generation prior under the run's params. */
  readonly canGenerate: boolean;
}

/** `results/<suite>/<runId>/config.json`: everything that determined the run (STYLE.md §3). */
export interface ConfigFile {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  /** Canonical run key, e.g. `blur[seed=0,sigma=7,steps=20]`. */
  readonly key: string;
  /** First 12 hex digits of sha256(key + versions): the run's folder name. */
  readonly id: string;
  readonly spec: RunSpec;
  /** Where the run sits in its suite, as data (reports read this, never the key). */
  readonly point: RunPoint;
  readonly degradation: DegradationInfo;
  /** Package versions that can change numbers (coldbench, tfjs, backend). */
  readonly versions: Readonly<Record<string, string>>;
  /** `git rev-parse HEAD` of the coldbench checkout, or null outside git. */
  readonly gitCommit: string | null;
  /** TF.js backend the run trained on. */
  readonly backend: string;
  /** The CPU it ran on (runner/provenance.ts cpuModel): every time in result.json is this machine's. */
  readonly cpu: string;
}

interface ResultBase {
  readonly format: typeof RESULTS_FORMAT;
  readonly suite: string;
  readonly key: string;
  readonly id: string;
  readonly degradation: DegradationInfo;
  readonly dataset: string;
  /** Wall time of the attempt that wrote this file, in ms. */
  readonly durationMs: number;
}

/** The feature network a run was measured with: its cache key, the SHA-256 of its weights, its objective and held-out accuracy. */
export interface FeatureNetRecord {
  readonly hash: string;
  readonly weights: string;
  readonly objective: string;
  readonly testAccuracy: number;
}

/** What a completed run measured: the worker's outcome and the saved result.json share it. */
export interface Measurements {
  readonly metrics: MetricRow[];
  readonly gaussianity: GaussianityRow[];
  readonly featureNet: FeatureNetRecord;
  readonly evaluation: Evaluation;
  /** Restoration metrics of `direct` with the raw last weights instead of the EMA's (empty without restoration). */
  readonly rawRestoration: MetricRow[];
  /** The sample grids saved under `samples/`. */
  readonly grids: SampleGridFile[];
}

/** `results/<suite>/<runId>/result.json`, written last and atomically (STYLE.md §5). */
export type ResultFile = ResultBase &
  (
    | (Measurements & {
        readonly state: 'completed';
        /** Last training loss. */
        readonly finalLoss: number;
        /** Where this attempt's time went, phase by phase (absent in results from before it was recorded). */
        readonly timings: Timing[];
      })
    | { readonly state: 'diverged'; readonly step: number; readonly loss: number }
    | { readonly state: 'errored'; readonly error: string }
    | { readonly state: 'skipped'; readonly reason: string }
  );

export type RunState = ResultFile['state'];
