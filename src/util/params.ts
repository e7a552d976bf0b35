import { errors } from '../errors.js';

/** One tunable parameter of a plugin (a degradation's σ, its steps T); `coldbench degradations --json` prints these. */
export interface ParamSpec {
  /** Value used when a suite does not set it. */
  readonly default: number | boolean;
  /** One line saying what it controls. */
  readonly doc: string;
  /** Smallest allowed value (numbers only). */
  readonly min?: number;
  /** Largest allowed value (numbers only). */
  readonly max?: number;
  /** Whether the value must be a whole number. */
  readonly integer?: boolean;
}

/** Resolved parameter values with their types erased, as the registry and runners pass them. */
export type ParamValues = Record<string, number | boolean>;

/** What declares parameters: a name for the error lines and the specs. */
export interface Parameterised {
  readonly name: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
}

/**
 * The defaults of `owner`'s parameters overridden by `overrides`, each key, type and bound
 * checked (one-line errors). Pure, so that validating a suite runs it without loading the plugin's
 * compute code's dependencies.
 */
export function resolveParams(owner: Parameterised, overrides: Readonly<Record<string, unknown>> = {}): ParamValues {
  const label = `degradation '${owner.name}'`;
  const values: ParamValues = Object.fromEntries(Object.entries(owner.params).map(([k, spec]) => [k, spec.default]));
  for (const [key, value] of Object.entries(overrides)) {
    const spec = owner.params[key];
    if (!Object.hasOwn(owner.params, key)) throw errors.unknownName(`${owner.name} parameter`, key, Object.keys(owner.params));
    if (typeof spec.default === 'boolean') {
      if (typeof value !== 'boolean') throw errors.badParam(label, key, `expected true or false, got ${JSON.stringify(value)}`);
    } else {
      if (typeof value !== 'number' || !Number.isFinite(value))
        throw errors.badParam(label, key, `expected a number, got ${JSON.stringify(value)}`);
      if (spec.integer && !Number.isInteger(value)) throw errors.badParam(label, key, `expected a whole number, got ${value}`);
      if (spec.min !== undefined && value < spec.min) throw errors.badParam(label, key, `${value} is below the minimum ${spec.min}`);
      if (spec.max !== undefined && value > spec.max) throw errors.badParam(label, key, `${value} is above the maximum ${spec.max}`);
    }
    values[key] = value;
  }
  return values;
}
