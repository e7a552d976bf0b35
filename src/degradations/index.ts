import { errors } from '../errors.js';
import { animorph } from './animorph.js';
import { blur } from './blur.js';
import { blurGeneration } from './blur-generation.js';
import { desaturate } from './desaturate.js';
import { gaussian } from './gaussian.js';
import { inpaint } from './inpaint.js';
import { pixelate } from './pixelate.js';
import { snow } from './snow.js';
import type { Degradation, Family, ParamValues, Prior } from './types.js';

/** Every degradation coldbench knows, by registry name. */
export const DEGRADATIONS = { gaussian, snow, blur, 'blur-generation': blurGeneration, pixelate, desaturate, animorph, inpaint } as const satisfies Record<string, Degradation>;
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

/** The defaults of `deg` overridden by `overrides`, each key, type and bound checked (one-line errors). */
export function resolveParams(deg: Degradation, overrides: Readonly<Record<string, unknown>> = {}): ParamValues {
  const owner = `degradation '${deg.name}'`;
  const values: ParamValues = Object.fromEntries(Object.entries(deg.params).map(([k, spec]) => [k, spec.default]));
  for (const [key, value] of Object.entries(overrides)) {
    const spec = deg.params[key];
    if (!Object.hasOwn(deg.params, key)) throw errors.unknownName(`${deg.name} parameter`, key, Object.keys(deg.params));
    if (typeof spec.default === 'boolean') {
      if (typeof value !== 'boolean') throw errors.badParam(owner, key, `expected true or false, got ${JSON.stringify(value)}`);
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw errors.badParam(owner, key, `expected a number, got ${JSON.stringify(value)}`);
      if (spec.integer && !Number.isInteger(value)) throw errors.badParam(owner, key, `expected a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min) throw errors.badParam(owner, key, `${value} is below the minimum ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) throw errors.badParam(owner, key, `${value} is above the maximum ${spec.max}`);
    }
    values[key] = value;
  }
  return values;
}

/** One row of `coldbench degradations --json`: plain JSON, no functions. */
export interface DegradationRow {
  readonly name: string;
  readonly family: Family;
  readonly version: number;
  readonly stochastic: boolean;
  readonly description: string;
  readonly reference: string;
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
