import * as tf from '@tensorflow/tfjs-core';
import { checkImages, forChunks } from './images.js';

/** Per-image pixel errors between two batches, on images mapped to [0, 1] (data range 1). */
export interface PixelScores {
  /** Mean absolute error per image. */
  readonly l1: Float64Array;
  /** Root mean squared error per image. */
  readonly rmse: Float64Array;
  /** 10·log10(1 / MSE) per image, in dB (skimage's peak_signal_noise_ratio, data_range 1); +∞ when identical. */
  readonly psnr: Float64Array;
}

/** Batch means of the per-image scores (PSNR is averaged per image, not computed from the pooled MSE). */
export interface MeanPixelScores {
  readonly l1: number;
  readonly rmse: number;
  readonly psnr: number;
}

const unit = (v: number) => Math.min(Math.max((v + 1) / 2, 0), 1);

/** L1, RMSE and PSNR of each image of `x` against `y` ([−1, 1] NHWC, clipped and mapped to [0, 1]); float64 sums. */
export function pixelScores(x: tf.Tensor4D, y: tf.Tensor4D): PixelScores {
  checkImages('pixel', x, y);
  const [batch, h, w, c] = x.shape;
  const size = h * w * c;
  const scores = { l1: new Float64Array(batch), rmse: new Float64Array(batch), psnr: new Float64Array(batch) };
  forChunks(batch, (start, count) => {
    const [a, b] = [x, y].map((t) => tf.tidy(() => tf.slice(t, [start, 0, 0, 0], [count, -1, -1, -1]).dataSync()));
    for (let i = 0; i < count; i++) {
      let [abs, sq] = [0, 0];
      for (let k = i * size; k < (i + 1) * size; k++) {
        const d = unit(a[k]) - unit(b[k]);
        abs += Math.abs(d);
        sq += d * d;
      }
      const mse = sq / size;
      scores.l1[start + i] = abs / size;
      scores.rmse[start + i] = Math.sqrt(mse);
      scores.psnr[start + i] = 10 * Math.log10(1 / mse); // PSNR = 10·log10(R²/MSE), R = 1
    }
  });
  return scores;
}

/** Batch means of `pixelScores` (each metric averaged over images; mean PSNR is +∞ if any pair is identical). */
export function meanPixelScores(x: tf.Tensor4D, y: tf.Tensor4D): MeanPixelScores {
  const s = pixelScores(x, y);
  const mean = (v: Float64Array) => v.reduce((acc, e) => acc + e, 0) / v.length;
  return { l1: mean(s.l1), rmse: mean(s.rmse), psnr: mean(s.psnr) };
}
