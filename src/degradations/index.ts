import { errors } from '../errors.js';
import { animorph } from './animorph.js';
import { blur } from './blur.js';
import { blurGeneration } from './blur-generation.js';
import { desaturate } from './desaturate.js';
import { gaussian } from './gaussian.js';
import { inpaint } from './inpaint.js';
import { pixelate } from './pixelate.js';
import { snow } from './snow.js';
import type { Degradation, Prior } from './types.js';

export { resolveParams } from '../util/params.js';

/** Every degradation coldbench knows, by registry name. */
export const DEGRADATIONS = {
  gaussian,
  snow,
  blur,
  'blur-generation': blurGeneration,
  pixelate,
  desaturate,
  animorph,
  inpaint,
} as const satisfies Record<string, Degradation>;
export type DegradationName = keyof typeof DEGRADATIONS;

/** The degradation called `name`; an unknown name fails with the closest known one. */
export function getDegradation(name: string): Degradation {
  if (!Object.hasOwn(DEGRADATIONS, name)) throw errors.unknownName('degradation', name, Object.keys(DEGRADATIONS));
  return DEGRADATIONS[name as DegradationName];
}

/** The degradations whose fields match `where`, e.g. `{ stochastic: false }` or `{ family: 'blur' }`. */
export function selectDegradations(where: Partial<Pick<Degradation, 'family' | 'stochastic'>>): Degradation[] {
  return Object.values(DEGRADATIONS).filter((d: Degradation) => Object.entries(where).every(([k, v]) => d[k as keyof typeof where] === v));
}

/** One row of `coldbench degradations --json`: plain JSON, no functions. */
export interface DegradationRow extends Pick<Degradation, 'name' | 'family' | 'version' | 'stochastic' | 'description' | 'reference'> {
  /** Default number of steps T. */
  readonly steps: number;
  /** How x_T is drawn for generation, or null for restoration-only. */
  readonly prior: Prior['kind'] | null;
  readonly channels: readonly (1 | 3)[];
  readonly requires: readonly string[];
  readonly params: Record<string, { default: number | boolean; doc: string; min: number | null; max: number | null }>;
}

/** The registry as plain rows, in registry order. */
export function describeDegradations(): DegradationRow[] {
  return Object.values(DEGRADATIONS).map((d: Degradation) => ({
    name: d.name,
    family: d.family,
    version: d.version,
    stochastic: d.stochastic,
    description: d.description,
    reference: d.reference,
    steps: d.params.steps.default as number,
    prior: d.prior?.kind ?? null,
    channels: d.channels ?? [1, 3],
    requires: d.requires ?? [],
    params: Object.fromEntries(
      Object.entries(d.params).map(([k, s]) => [k, { default: s.default, doc: s.doc, min: s.min ?? null, max: s.max ?? null }]),
    ),
  }));
}

export type { Degradation, ParamValues } from './types.js';
