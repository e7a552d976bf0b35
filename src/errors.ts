import { closest } from 'fastest-levenshtein';

/**
 * An error caused by the user's input (a name, a file, a flag). The CLI prints its one-line
 * message and exits with `exitCode`; anything else is a bug and prints a stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
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
  samplerNotApplicable(sampler: string, degradation: string, why: string): UserError {
    return new UserError(`Sampler '${sampler}' does not apply to degradation '${degradation}': ${why}.`);
  },
  restorationOnly(name: string, generators: readonly string[]): UserError {
    return new UserError(
      `Degradation '${name}' is restoration-only (it has no generation prior); generation works with: ${generators.join(', ')}.`,
    );
  },
  /** A problem at a place in a file, e.g. `experiments/x.json: degradations[1].grid.sigma: …`. */
  located(source: string, where: string, problem: string): UserError {
    return new UserError(`${source}: ${where}: ${problem}`);
  },
  invalidJson(source: string, line: number, column: number, problem: string): UserError {
    return new UserError(`${source}: invalid JSON at line ${line} column ${column} (${problem})`);
  },
  missingSuite(path: string, builtIns: readonly string[]): UserError {
    return new UserError(`Missing suite file ${path}. Built-in suites: ${builtIns.join(', ') || 'none'}.`);
  },
  badShard(text: string): UserError {
    return new UserError(`Bad --shard '${text}': use i/n with 1 ≤ i ≤ n, e.g. 2/4.`);
  },
  /** Suite problems, each the tail of a `located` message. */
  suite: {
    unknownKey: (known: readonly string[]) => `unknown key (known: ${known.join(', ')})`,
    badName: (name: unknown) =>
      `${JSON.stringify(name)} is not a suite name; use lower-case letters, digits and dashes (it names the results folder)`,
    listedTwice: (value: unknown) => `${JSON.stringify(value)} is listed twice`,
    setTwice: (other: string) => `also set in ${other}; set it in one place`,
    sameRuns: (other: string, key: string) => `repeats run ${key} of ${other}; make the entries differ`,
    measuresNothing: 'restoration and generation are both off, so the runs would measure nothing; turn one on',
    notRun: (what: string, value: unknown, list: string, values: readonly unknown[]) =>
      `${what} ${JSON.stringify(value)} is not among ${list} (${values.map((v) => JSON.stringify(v)).join(', ')}), so this comparison would have nothing to judge; add it there or declare one that runs`,
    tooManyRuns: (count: number, max: number) =>
      `expands to ${count.toLocaleString('en')} runs, more than the ${max.toLocaleString('en')} one suite may hold; split it, shrink its grids and seeds, or pass --allow-large`,
    overLimit: (value: number, max: number) =>
      `${value.toLocaleString('en')} is above the limit of ${max.toLocaleString('en')}; fix a typo, or pass --allow-large to run it anyway`,
    sizeNotOffered: (dataset: string, size: number, sizes: readonly number[]) =>
      `size ${size} is not offered by '${dataset}' (sizes: ${sizes.join(', ')})`,
    sizeIndivisible: (size: number, levels: number) =>
      `size ${size} does not divide by ${2 ** (levels - 1)}, as a ${levels}-level U-Net needs; use fewer channelMults or another size`,
    channels: (degradation: string, needs: readonly number[], dataset: string, has: number) =>
      `'${degradation}' needs ${needs.join(' or ')}-channel images and '${dataset}' has ${has}; give this entry a "dataset" such as { "name": "faces", "size": 32 }`,
  },
};
