import { closest } from 'fastest-levenshtein';

/**
 * An error caused by the user's input (a name, a file, a flag). The CLI prints its one-line
 * message and exits with `exitCode`; anything else is a bug and prints a stack.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UserError';
  }
}

/** User-facing error texts live here so tests can assert them (STYLE.md §9). */
export const errors = {
  unknownName(kind: string, name: string, known: readonly string[]): UserError {
    const hint = known.length ? ` Did you mean '${closest(name, [...known])}'?` : '';
    return new UserError(`Unknown ${kind} '${name}'.${hint} Known: ${known.join(', ')}.`);
  },
  unknownBackend(name: string, known: readonly string[]): UserError {
    return errors.unknownName('backend', name, known);
  },
  backendUnavailable(name: string, fix: string): UserError {
    return new UserError(`Backend '${name}' is not available here. ${fix}`);
  },
  badParam(owner: string, key: string, problem: string): UserError {
    return new UserError(`Bad parameter '${key}' for ${owner}: ${problem}.`);
  },
  missingAsset(owner: string, asset: string): UserError {
    return new UserError(`Degradation '${owner}' needs the asset '${asset}'; load it before drawing noise.`);
  },
  metricInput(metric: string, problem: string): UserError {
    return new UserError(`Metric '${metric}' cannot be computed: ${problem}.`);
  },
  missingFile(path: string, fix: string): UserError {
    return new UserError(`Missing file ${path}. ${fix}`);
  },
  restorationOnly(name: string, generators: readonly string[]): UserError {
    return new UserError(`Degradation '${name}' is restoration-only (it has no generation prior); generation works with: ${generators.join(', ')}.`);
  },
};
