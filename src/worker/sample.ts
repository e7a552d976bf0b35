import * as tf from '@tensorflow/tfjs-core';
import { readFile } from 'node:fs/promises';
import { batchTensor } from '../data/batch.js';
import { loadDataset } from '../data/index.js';
import { drawNoise } from '../degradations/degrade.js';
import { getDegradation, resolveParams } from '../degradations/index.js';
import type { Assets } from '../degradations/types.js';
import { UserError } from '../errors.js';
import { getPreset } from '../model/unet.js';
import { runPaths } from '../results/layout.js';
import { RESULTS_FORMAT, type ConfigFile } from '../results/types.js';
import { canGenerate, fitPrior } from '../sampling/prior.js';
import { applicableSampler, restorationStart } from '../sampling/samplers.js';
import { disposeCheckpoint, readCheckpoint } from '../train/checkpoint.js';
import { gridToPng } from '../util/image.js';
import { Rng, seedFrom } from '../util/rng.js';
import { writeFileAtomic } from '../util/fs.js';
import { batches, restorer, sampleChunked } from './run.js';

export interface SampleRequest {
  /** The run folder, `results/<suite>/<id>`. */
  readonly dir: string;
  readonly mode: 'generation' | 'restoration';
  readonly sampler: string;
  readonly count: number;
  /** Generation start noise δ. */
  readonly delta: number;
  /** Names the draw: the same seed gives the same images. */
  readonly seed: number;
  /** Images per row of the PNG. */
  readonly columns: number;
  readonly out: string;
}

/**
 * Samples from a saved run without retraining: its checkpoint's EMA weights (what the run sampled
 * with), its degradation with its resolved parameters, and, for generation, its prior fitted on
 * the training split as the run fits it. Writes a PNG grid: in generation the starts x_T above
 * the samples, row by row; in restoration held-out x0, x_T and the restoration.
 */
export async function sampleFromRun(request: SampleRequest): Promise<{ images: number; rows: string[] }> {
  const paths = runPaths(request.dir);
  let config: ConfigFile;
  try {
    config = JSON.parse(await readFile(paths.config, 'utf8')) as ConfigFile;
  } catch {
    throw new UserError(`${request.dir} is not a coldbench run folder (no readable config.json); pass results/<suite>/<id>.`);
  }
  if (config.format !== RESULTS_FORMAT)
    throw new UserError(
      `${paths.config} has format '${String(config.format)}', not '${RESULTS_FORMAT}'; rerun that suite with this coldbench.`,
    );
  const { spec } = config;
  const deg = getDegradation(spec.degradation);
  const params = resolveParams(deg, spec.params);
  const sampler = applicableSampler(request.sampler, deg).name;
  if (request.mode === 'generation' && !canGenerate(deg))
    throw new UserError(`'${deg.name}' has no generation prior; use --mode restoration.`);
  const checkpoint = await readCheckpoint(request.dir);
  if (!checkpoint)
    throw new UserError(`${request.dir} has no checkpoint to sample from (the run has not trained yet); run its suite first.`);
  const data = await loadDataset(spec.dataset, { size: spec.size });
  const { size, channels } = data.train;
  const heldOut: Assets = {};
  for (const name of deg.requires ?? []) {
    const bank = await loadDataset(name, { size, channels });
    heldOut[name] = batchTensor(
      bank.test,
      Int32Array.from({ length: bank.test.n }, (_, i) => i),
    );
  }
  const timeDim = spec.model.timeDim ?? getPreset(spec.model.preset).timeDim;
  const restore = restorer(checkpoint.ema, timeDim);
  const rng = new Rng(seedFrom(spec.seed, 'coldbench-sample', request.seed));
  const tensors: tf.Tensor[] = [...Object.values(heldOut)];
  try {
    let top: tf.Tensor4D[];
    let labels: string[];
    let x0hat: tf.Tensor4D;
    if (request.mode === 'generation') {
      const prior = fitPrior(deg, params, batches(data.train), rng.fork('prior'), {
        components: spec.sampling.gmmComponents,
        assets: heldOut,
      });
      const start = prior.draw(request.count, rng.fork('start'), { delta: request.delta });
      tensors.push(start.xT, ...Object.values(start.noise));
      x0hat = sampleChunked(sampler, restore, deg, params, start.noise, start.xT, rng.fork('sample'));
      top = [start.xT];
      labels = [`x_T (prior, δ=${request.delta})`];
    } else {
      const x0 = batchTensor(data.test, rng.fork('images').permutation(data.test.n).slice(0, Math.min(request.count, data.test.n)));
      const noise = drawNoise(deg, x0.shape, params, rng.fork('noise'), heldOut);
      const xT = restorationStart(deg, params, x0, noise);
      tensors.push(x0, xT, ...Object.values(noise));
      x0hat = sampleChunked(sampler, restore, deg, params, noise, xT, rng.fork('sample'));
      top = [x0, xT];
      labels = ['x0 (real)', 'x_T (degraded)'];
    }
    tensors.push(x0hat);
    // Each band of `columns` images: its start row(s), then the samples.
    const n = x0hat.shape[0];
    const rows: tf.Tensor4D[] = [];
    const rowLabels: string[] = [];
    for (let at = 0; at < n; at += request.columns) {
      const width = Math.min(request.columns, n - at);
      if (width < request.columns && at > 0) break; // whole rows only
      for (const [i, t] of [...top, x0hat].entries()) {
        rows.push(tf.slice(t, at, width));
        rowLabels.push(i < top.length ? labels[i] : sampler);
      }
    }
    tensors.push(...rows);
    await writeFileAtomic(request.out, await gridToPng(rows, { scale: 2 }));
    return { images: n, rows: rowLabels };
  } finally {
    tf.dispose(tensors);
    disposeCheckpoint(checkpoint);
  }
}
