import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { errors, type UserError } from '../errors.js';
import { cached, cacheKey, defaultCacheDir } from './cache.js';
import type { Target } from './images.js';
import type { DatasetDef, ImageSplit, LoadOptions } from './types.js';

/** What a dataset file declares; `defineDataset` adds option checks and the disk cache. */
export interface DatasetSpec extends Omit<DatasetDef, 'load'> {
  /** Bumped whenever decoding changes, so cached data is rebuilt. */
  readonly version: number;
  /** Absolute paths of the raw files; their bytes (in this order) key the cache. */
  sources(): Promise<string[]>;
  /** Decodes the raw files (same order as `sources`) at a resolved size and channel count. */
  decode(files: Buffer[], target: Target): Promise<{ train: ImageSplit; test: ImageSplit }>;
}

const resolvePaths = createRequire(import.meta.url).resolve.paths;

/** Path of a file inside an npm package, found like `require` would (else under the nearest node_modules). */
export function packageFile(pkg: string, ...parts: string[]): string {
  const roots = resolvePaths(pkg) ?? [];
  const root = roots.find((dir) => existsSync(join(dir, pkg, 'package.json'))) ?? roots.find(existsSync) ?? 'node_modules';
  return join(root, pkg, ...parts);
}

/** The one-line error for a missing source file (or icon), with the fix. */
export function missingSource(path: string): UserError {
  return errors.missingFile(path, 'Reinstall the dataset packages with `npm ci`.');
}

/** Reads a source file; a missing one is a one-line UserError naming it and the fix. */
export async function readSource(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw missingSource(path);
    throw error;
  }
}

/** Sorted paths of the files in a source folder whose names end with `ext`. */
export async function listSources(dir: string, ext: string): Promise<string[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? missingSource(dir) : error;
  });
  return names
    .filter((name) => name.endsWith(ext))
    .sort()
    .map((name) => join(dir, name));
}

/** A dataset plugin from its spec: `load` checks options, then decodes through the disk cache. */
export function defineDataset<S extends DatasetSpec>(spec: S): S & DatasetDef {
  const def: S & DatasetDef = {
    ...spec,
    async load(options: LoadOptions = {}) {
      const target: Target = { size: options.size ?? def.defaultSize, channels: options.channels ?? def.defaultChannels };
      const owner = `dataset '${def.name}'`;
      if (!def.sizes.includes(target.size)) throw errors.badParam(owner, 'size', `must be one of ${def.sizes.join(', ')}`);
      if (target.channels !== 1 && target.channels !== 3) throw errors.badParam(owner, 'channels', 'must be 1 or 3');
      const files = await Promise.all((await def.sources()).map(readSource));
      const key = cacheKey(files, { name: def.name, version: def.version, ...target });
      const label = `${def.name}-${target.size}px-${target.channels}c`;
      const splits = await cached(options.cacheDir ?? defaultCacheDir(), label, key, async () => ({
        name: def.name,
        ...(await def.decode(files, target)),
      }));
      return def.classes === undefined ? splits : { ...splits, classes: def.classes };
    },
  };
  return def;
}
