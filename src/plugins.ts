import { DATASETS } from './data/index.js';
import { DEGRADATIONS } from './degradations/index.js';
import { METRICS } from './metrics/registry.js';
import { UNET_PRESETS } from './model/unet.js';
import type { ReportCatalogue } from './reports/rows.js';
import type { Catalogue } from './runner/catalogue.js';
import { SAMPLERS } from './sampling/samplers.js';

/**
 * Every plugin registry: what the runner validates and expands suites against (runner/catalogue.ts)
 * and what reports read of the metrics (reports/rows.ts ReportCatalogue). Neither layer imports a
 * registry: the CLI passes this in.
 */
export const PLUGINS: Catalogue & ReportCatalogue = {
  datasets: DATASETS,
  degradations: DEGRADATIONS,
  presets: UNET_PRESETS,
  samplers: Object.keys(SAMPLERS),
  metrics: METRICS,
};
