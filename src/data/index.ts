import { errors } from '../errors.js';
import { animalFaces } from './animal-faces.js';
import { digits } from './digits.js';
import { faces } from './faces.js';
import type { DatasetDef, LoadedDataset, LoadOptions } from './types.js';

/** Every dataset, by name. */
export const DATASETS = { digits, faces, 'animal-faces': animalFaces } as const;
export type DatasetName = keyof typeof DATASETS;

/** The dataset called `name`; unknown names fail with a suggestion. */
export function getDataset(name: string): DatasetDef {
  if (!Object.hasOwn(DATASETS, name)) throw errors.unknownName('dataset', name, Object.keys(DATASETS));
  return DATASETS[name as DatasetName];
}

/** Loads a dataset by name (through the disk cache); an unknown name rejects. */
export async function loadDataset(name: string, options: LoadOptions = {}): Promise<LoadedDataset> {
  return getDataset(name).load(options);
}

/** One row of `coldbench datasets`. */
export interface DatasetRow {
  readonly name: string;
  readonly description: string;
  /** Training images, counted by loading at the default size. */
  readonly train: number;
  readonly test: number;
  /** Default size, then the other sizes it loads at. */
  readonly size: string;
  readonly channels: number;
  readonly licence: string;
  readonly source: string;
}

/** The rows of `coldbench datasets`, counts measured by loading each dataset at its defaults. */
export async function describeDatasets(options: Pick<LoadOptions, 'cacheDir'> = {}): Promise<DatasetRow[]> {
  const rows: DatasetRow[] = [];
  for (const def of Object.values(DATASETS)) {
    const { train, test } = await def.load(options);
    const size = [def.defaultSize, ...def.sizes.filter((s) => s !== def.defaultSize)].join('|');
    const { name, description, licence, source } = def;
    rows.push({ name, description, train: train.n, test: test.n, size, channels: def.defaultChannels, licence, source });
  }
  return rows;
}
