import { errors } from '../errors.js';
import type { ParamSpec, ParamValues } from '../util/params.js';

/**
 * What validating and expanding a suite needs to know of the plugins: names, sizes, parameter
 * specs, versions. The registries satisfy it as they are; the CLI passes them in (src/plugins.ts),
 * so the runner imports no compute module (the dependency-cruiser rule `runner-not-compute`)
 * and a test can validate against a catalogue of its own.
 */
export interface Catalogue {
  readonly datasets: Readonly<Record<string, { readonly sizes: readonly number[]; readonly defaultChannels: 1 | 3 }>>;
  readonly degradations: Readonly<Record<string, DegradationEntry>>;
  readonly presets: Readonly<Record<string, { readonly channelMults: readonly number[] }>>;
  /** Sampler names, in the order reports show them. */
  readonly samplers: readonly string[];
}

/** What the runner reads of a degradation (degradations/types.ts has the whole contract). */
export interface DegradationEntry {
  readonly name: string;
  /** Part of every run id: bumped when the operator's output changes. */
  readonly version: number;
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Channel counts it applies to; absent: any. */
  readonly channels?: readonly (1 | 3)[];
  /** Throws a UserError when these parameters cannot apply to square images of this size. */
  checkSize?(params: ParamValues, size: number): void;
}

/** The entry called `name` of one of the catalogue's tables; an unknown name fails with the closest known one. */
export function lookup<T>(kind: string, table: Readonly<Record<string, T>>, name: string): T {
  if (!Object.hasOwn(table, name)) throw errors.unknownName(kind, name, Object.keys(table));
  return table[name];
}
