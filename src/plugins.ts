import { DATASETS } from './data/index.js';
import { DEGRADATIONS } from './degradations/index.js';
import { UNET_PRESETS } from './model/unet.js';
import type { Catalogue } from './runner/catalogue.js';
import { SAMPLERS } from './sampling/samplers.js';

/** Every plugin registry, as the runner validates and expands suites against it (runner/catalogue.ts). */
export const PLUGINS: Catalogue = {
  datasets: DATASETS,
  degradations: DEGRADATIONS,
  presets: UNET_PRESETS,
  samplers: Object.keys(SAMPLERS),
};
