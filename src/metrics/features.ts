import * as tf from '@tensorflow/tfjs-core';
import { errors } from '../errors.js';

/** N feature vectors of dimension d, row-major, in float64. */
export interface FeatureMatrix {
  readonly data: Float64Array;
  /** Number of rows N. */
  readonly n: number;
  /** Feature dimension d. */
  readonly dim: number;
}

/** Features as a [N, d] tensor (a feature net's output) or row-major numbers with their dimension. */
export type Features = tf.Tensor2D | { readonly data: ArrayLike<number>; readonly dim: number };

/** `features` as a float64 row-major matrix of at least `minRows` rows (the tensor is not disposed). */
export function featureMatrix(features: Features, metric: string, minRows = 2): FeatureMatrix {
  const isTensor = features instanceof tf.Tensor;
  if (isTensor && features.rank !== 2) throw errors.metricInput(metric, `expected [N, d] features, got shape [${features.shape}]`);
  const dim = isTensor ? features.shape[1] : features.dim;
  const data = Float64Array.from(isTensor ? features.dataSync() : features.data);
  const n = dim > 0 ? data.length / dim : NaN;
  if (!Number.isInteger(n) || dim < 1) throw errors.metricInput(metric, `${data.length} numbers do not form rows of dimension ${dim}`);
  if (n < minRows) throw errors.metricInput(metric, `needs at least ${minRows} feature vectors, got ${n}`);
  return { data, n, dim };
}

/** Throws unless two feature sets have the same dimension. */
export function checkSameDim(metric: string, a: FeatureMatrix, b: FeatureMatrix): void {
  if (a.dim !== b.dim) throw errors.metricInput(metric, `feature dimensions ${a.dim} and ${b.dim} differ`);
}
