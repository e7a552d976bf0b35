import * as tf from '@tensorflow/tfjs-core';
import { batchTensor } from '../data/batch.js';
import { loadDataset } from '../data/index.js';
import { getDegradation, resolveParams } from '../degradations/index.js';
import { previewStrip } from '../degradations/preview.js';
import type { Assets } from '../degradations/types.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { Rng, seedFrom } from '../util/rng.js';
import { parseValue } from './values.js';

export interface PreviewRequest {
  readonly degradation: string;
  readonly dataset: string;
  /** Rows: held-out images, chosen by the seed. */
  readonly images: number;
  readonly seed: string;
  /** Parameter overrides as typed on the command line. */
  readonly params: Record<string, string>;
  readonly out: string;
}

/** Renders a degradation strip on held-out images of a dataset and writes it atomically. */
export async function writePreview(request: PreviewRequest): Promise<void> {
  if (!request.out.endsWith('.png')) throw new UserError(`Output '${request.out}' must end in .png.`);
  const degradation = getDegradation(request.degradation);
  const params = resolveParams(degradation, Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, parseValue(v)])));
  const data = await loadDataset(request.dataset, {});
  const { size, channels } = data.test;
  if (degradation.channels && !degradation.channels.includes(channels)) {
    throw new UserError(
      `Degradation '${degradation.name}' needs ${degradation.channels.join(' or ')}-channel images; dataset '${request.dataset}' has ${channels}. Use --dataset faces.`,
    );
  }
  const rng = new Rng(seedFrom('preview', request.degradation, request.dataset, request.seed));
  const count = Math.min(request.images, data.test.n);
  const indices = rng.permutation(data.test.n).slice(0, count);
  const assets: Assets = {};
  for (const asset of degradation.requires ?? []) {
    const set = await loadDataset(asset, { size, channels });
    assets[asset] = batchTensor(
      set.train,
      Array.from({ length: set.train.n }, (_, i) => i),
    );
  }
  const images = batchTensor(data.test, indices);
  try {
    const png = await previewStrip(degradation, params, images, assets, rng.fork('noise'));
    await writeFileAtomic(request.out, png);
  } finally {
    tf.dispose([images, ...Object.values(assets)]);
  }
}
