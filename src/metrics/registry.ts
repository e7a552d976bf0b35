import { errors } from '../errors.js';
import type { MetricDef } from './define.js';
import { diversity } from './plugins/diversity.js';
import { fid } from './plugins/fid.js';
import { kid } from './plugins/kid.js';
import { l1 } from './plugins/l1.js';
import { psnr } from './plugins/psnr.js';
import { recognisable } from './plugins/recognisable.js';
import { rmse } from './plugins/rmse.js';
import { sharpness } from './plugins/sharpness.js';
import { ssim } from './plugins/ssim.js';

/**
 * Every metric coldbench measures, by name, one file each in plugins/ (docs/adding-a-metric.md).
 * The worker computes each one that applies to a sample set; reports read only the descriptors,
 * which the CLI passes them (src/plugins.ts), since reports import no computation.
 */
export const METRICS = { l1, rmse, psnr, ssim, fid, kid, diversity, recognisable, sharpness } as const satisfies Record<string, MetricDef>;
export type MetricName = keyof typeof METRICS;

/** The metric called `name`; an unknown name fails with the closest known one. */
export function getMetric(name: string): MetricDef {
  if (!Object.hasOwn(METRICS, name)) throw errors.unknownName('metric', name, Object.keys(METRICS));
  return METRICS[name as MetricName];
}

export { isBetter, type MetricDescriptor } from './define.js';
