/** The metric registry (plugins/, one file per metric) and the computations they use. */
export * from './registry.js';
export { pixelScores, meanPixelScores, type PixelScores, type MeanPixelScores } from './pixel.js';
export { ssim, ssimPerImage, SSIM_PARAMS } from './ssim.js';
export {
  featureStats,
  frechetFromStats,
  frechetDistance,
  frechetReference,
  frechetReplicates,
  frechetToReference,
  type FeatureStats,
  type FrechetReference,
} from './frechet.js';
export { kid, mmd2Unbiased, type KidOptions, type KidResult } from './kid.js';
export { diversity, type DiversityOptions } from './diversity.js';
export { sharpness, laplacianEnergy, laplacianEnergyPerImage } from './sharpness.js';
export { bootstrapIndices, resampledMeans, resampledDiversity, BOOTSTRAP_DRAWS } from './bootstrap.js';
export type { Features, FeatureMatrix } from './features.js';
