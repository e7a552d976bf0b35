import { errors } from '../errors.js';

/** What a report needs to know about a metric; the computation lives in the metric's own module. */
export interface MetricDescriptor {
  /** Registry key. */
  readonly name: string;
  /** Short column label. */
  readonly label: string;
  /** true: higher is better; false: lower is better; null: closest to `target` is best. */
  readonly higherIsBetter: boolean | null;
  /** The ideal value when `higherIsBetter` is null. */
  readonly target?: number;
  readonly unit?: string;
  /** One line on what is measured and how. */
  readonly doc: string;
}

/** Every metric coldbench reports, by name (STYLE.md §5: reports read the direction from here). */
export const METRICS = {
  l1: { name: 'l1', label: 'L1', higherIsBetter: false, doc: 'Mean absolute error on images in [0, 1], averaged per image (pixel.ts).' },
  rmse: { name: 'rmse', label: 'RMSE', higherIsBetter: false, doc: 'Root mean squared error on images in [0, 1], per image then averaged (pixel.ts).' },
  psnr: { name: 'psnr', label: 'PSNR', higherIsBetter: true, unit: 'dB', doc: '10·log10(1/MSE) on images in [0, 1], per image then averaged (pixel.ts).' },
  ssim: { name: 'ssim', label: 'SSIM', higherIsBetter: true, doc: 'SSIM, 11×11 Gaussian window σ 1.5, valid windows, mean over channels and images (ssim.ts).' },
  fid: { name: 'fid', label: 'FID-like', higherIsBetter: false, doc: "Fréchet distance between Gaussians fitted to coldbench feature-net features, not Inception's (frechet.ts)." },
  kid: { name: 'kid', label: 'KID', higherIsBetter: false, doc: 'Unbiased MMD², kernel (xᵀy/d + 1)³, mean ± std over 100 subsets of m = min(N, 1000) (kid.ts).' },
  diversity: { name: 'diversity', label: 'Diversity', higherIsBetter: true, doc: 'Mean pairwise Euclidean distance between generated samples\' features (diversity.ts).' },
  recognisable: {
    name: 'recognisable', label: 'Recognisable', higherIsBetter: true,
    doc: "Share of images the dataset's classifier (the digits feature net) labels with confidence > 0.9: are they digits at all? Label-trained feature nets only (evaluate.ts).",
  },
  sharpness: { name: 'sharpness', label: 'Sharpness', higherIsBetter: null, target: 1, doc: 'Mean squared Laplacian of generated over real images; 1 = as sharp as real, < 1 blurrier (sharpness.ts).' },
} as const satisfies Record<string, MetricDescriptor>;
export type MetricName = keyof typeof METRICS;

/** The descriptor of `name`; an unknown name fails with the closest known one. */
export function getMetric(name: string): MetricDescriptor {
  if (!Object.hasOwn(METRICS, name)) throw errors.unknownName('metric', name, Object.keys(METRICS));
  return METRICS[name as MetricName];
}

/** Whether value `a` is strictly better than `b` under the metric's direction. */
export function isBetter(metric: MetricDescriptor, a: number, b: number): boolean {
  if (metric.higherIsBetter === null) return Math.abs(a - (metric.target ?? 0)) < Math.abs(b - (metric.target ?? 0));
  return metric.higherIsBetter ? a > b : a < b;
}
