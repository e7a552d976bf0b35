import * as tf from '@tensorflow/tfjs-core';
import { drawNoise } from '../degradations/degrade.js';
import { getDegradation, resolveParams } from '../degradations/index.js';
import { engineInfo } from '../engine/backend.js';
import { UserError } from '../errors.js';
import { initWeights } from '../model/init.js';
import { buildUNet, UNET_PRESETS, type UNetPreset } from '../model/unet.js';
import { cpuModel } from '../runner/provenance.js';
import { applicableSampler, type Restorer } from '../sampling/samplers.js';
import { Rng, seedFrom } from '../util/rng.js';
import { INFERENCE_CHUNK, restorer, sampleChunked } from '../worker/run.js';

export interface SampleBenchOptions {
  readonly preset: UNetPreset;
  readonly degradation: string;
  /** The degradation's T (default: its own). */
  readonly steps?: number;
  readonly size: number;
  readonly channels: 1 | 3;
  /** Images sampled per sampler. */
  readonly images: number;
  /** Images per sampler call (runs use INFERENCE_CHUNK). */
  readonly chunk: number;
  readonly samplers: readonly string[];
}

export interface SamplerSpeed {
  readonly sampler: string;
  readonly seconds: number;
  readonly imgsPerSec: number;
  /** Network evaluations per image: T for the iterative samplers, 1 for direct. */
  readonly evaluationsPerImage: number;
}

export interface SampleBenchResult {
  readonly bench: 'sample';
  readonly backend: string;
  readonly provider: string;
  readonly threads: number;
  readonly cpu: string;
  readonly preset: UNetPreset;
  readonly degradation: string;
  readonly T: number;
  readonly size: number;
  readonly channels: number;
  readonly images: number;
  readonly chunk: number;
  readonly samplers: SamplerSpeed[];
}

/**
 * Times each sampler generating `images` images from x_T with a U-Net of a suite preset (random
 * weights: the time does not depend on them), `chunk` images per call, after one untimed chunk
 * per sampler. Sampling took about as long as training in a paper-suite run; this measures it.
 */
export function benchSample(options: SampleBenchOptions): SampleBenchResult {
  const deg = getDegradation(options.degradation);
  if (deg.requires?.length)
    throw new UserError(
      `bench sample needs a degradation without asset banks; '${deg.name}' draws from ${deg.requires.join(', ')}. Pick e.g. gaussian or blur.`,
    );
  const params = resolveParams(deg, options.steps === undefined ? {} : { steps: options.steps });
  const samplers = options.samplers.map((name) => applicableSampler(name, deg).name);
  const rng = new Rng(seedFrom('bench-sample', deg.name, options.preset));
  const config = { ...UNET_PRESETS[options.preset], size: options.size, channels: options.channels };
  const model = buildUNet(config);
  initWeights(model, rng.fork('init'));
  let calls = 0;
  const base = restorer(model, config.timeDim);
  const restore: Restorer = (xt, t) => {
    calls += xt.shape[0];
    return base(xt, t);
  };
  const shape = [options.images, options.size, options.size, options.channels] as const;
  const xT = tf.tensor4d(Float32Array.from(rng.fork('x_T').normals(shape.reduce((a, b) => a * b, 1))), [...shape]);
  const noise = drawNoise(deg, shape, params, rng.fork('noise'));
  try {
    const speeds = samplers.map((name): SamplerSpeed => {
      const warm = tf.slice(xT, 0, Math.min(options.chunk, options.images));
      const warmNoise = Object.fromEntries(Object.entries(noise).map(([k, v]) => [k, tf.slice(v, 0, warm.shape[0])]));
      tf.dispose([
        sampleChunked(name, restore, deg, params, warmNoise, warm, rng.fork(`warm-${name}`), options.chunk),
        warm,
        ...Object.values(warmNoise),
      ]);
      calls = 0;
      const start = performance.now();
      const x0 = sampleChunked(name, restore, deg, params, noise, xT, rng.fork(name), options.chunk);
      x0.dataSync(); // wait for the result, as evaluation does
      const seconds = (performance.now() - start) / 1000;
      x0.dispose();
      return {
        sampler: name,
        seconds: Number(seconds.toFixed(3)),
        imgsPerSec: Number((options.images / seconds).toFixed(1)),
        evaluationsPerImage: calls / options.images,
      };
    });
    const engine = engineInfo();
    return {
      bench: 'sample',
      backend: engine?.backend ?? tf.getBackend(),
      provider: engine?.provider ?? '',
      threads: engine?.threads ?? 1,
      cpu: cpuModel(),
      preset: options.preset,
      degradation: deg.name,
      T: params.steps as number,
      size: options.size,
      channels: options.channels,
      images: options.images,
      chunk: options.chunk,
      samplers: speeds,
    };
  } finally {
    tf.dispose([xT, ...Object.values(noise)]);
    model.dispose();
  }
}

export { INFERENCE_CHUNK };
