import { PLUGINS } from '../../src/plugins.js';
import { UserError } from '../../src/errors.js';
import { parseJsonText } from '../../src/runner/json-text.js';
import { validateSuite } from '../../src/runner/validate.js';

// Malformed suites of our own making (61 suite objects and 8 texts), each refused with one line that names the place (the
// contract every user error keeps: one line, exit code 2, nothing run). The CLI's option and
// path errors have their own table in test/cli/program.test.ts.
const base = {
  name: 'mini',
  description: 'test',
  dataset: { name: 'digits', size: 32 },
  model: { preset: 'tiny' },
  seeds: [0],
  degradations: [{ name: 'blur' }],
};
const entry = (e: object) => ({ ...base, degradations: [{ name: 'blur', ...e }] });

const SUITES: [string, unknown, string][] = [
  ['not an object', [], 'mini.json: '],
  ['null', null, 'mini.json: '],
  ['no name', { ...base, name: undefined }, 'mini.json: name:'],
  ['name with capitals', { ...base, name: 'Mini' }, 'mini.json: name: "Mini" is not a suite name'],
  ['name with a slash', { ...base, name: '../x' }, 'mini.json: name: "../x" is not a suite name'],
  ['name with spaces', { ...base, name: 'a b' }, 'mini.json: name:'],
  ['empty name', { ...base, name: '' }, 'mini.json: name:'],
  ['name too long', { ...base, name: 'a'.repeat(65) }, 'mini.json: name: Too big'],
  ['no description', { ...base, description: undefined }, 'mini.json: description:'],
  ['empty description', { ...base, description: '' }, 'mini.json: description:'],
  ['description a number', { ...base, description: 3 }, 'mini.json: description:'],
  ['unknown top-level key', { ...base, epochs: 3 }, 'mini.json: epochs: unknown key'],
  ['unknown dataset', { ...base, dataset: { name: 'cifar', size: 32 } }, "Unknown dataset 'cifar'"],
  ['dataset size not offered', { ...base, dataset: { name: 'digits', size: 48 } }, 'size 48 is not offered'],
  ['dataset size zero', { ...base, dataset: { name: 'digits', size: 0 } }, 'mini.json: dataset.size:'],
  ['dataset extra key', { ...base, dataset: { name: 'digits', size: 32, split: 'train' } }, 'mini.json: dataset.split: unknown key'],
  ['unknown preset', { ...base, model: { preset: 'huge' } }, "Unknown model preset 'huge'"],
  ['channelMults empty', { ...base, model: { preset: 'tiny', channelMults: [] } }, 'mini.json: model.channelMults:'],
  ['size not divisible by levels', { ...base, model: { preset: 'tiny', channelMults: [1, 2, 4, 8, 16, 32, 64] } }, 'does not divide by 64'],
  ['steps zero', { ...base, train: { steps: 0 } }, 'mini.json: train.steps:'],
  ['steps fractional', { ...base, train: { steps: 1.5 } }, 'mini.json: train.steps:'],
  ['steps a string', { ...base, train: { steps: '100' } }, 'mini.json: train.steps:'],
  ['steps runaway', { ...base, train: { steps: 1e15 } }, 'mini.json: train.steps: 1,000,000,000,000,000 is above the limit'],
  ['batch runaway', { ...base, train: { batch: 1e9 } }, 'mini.json: train.batch: 1,000,000,000 is above the limit'],
  ['negative lr', { ...base, train: { lr: -1 } }, 'mini.json: train.lr:'],
  ['unknown loss', { ...base, train: { loss: 'l3' } }, 'mini.json: train.loss:'],
  ['emaHorizon above 1', { ...base, train: { emaHorizon: 2 } }, 'mini.json: train.emaHorizon:'],
  ['old emaDecay key', { ...base, train: { emaDecay: 0.995 } }, 'mini.json: train.emaDecay: unknown key'],
  ['negative clipNorm', { ...base, train: { clipNorm: -1 } }, 'mini.json: train.clipNorm:'],
  ['unknown sampler', { ...base, sampling: { samplers: ['alg3'] } }, "Unknown sampler 'alg3'"],
  ['no samplers', { ...base, sampling: { samplers: [] } }, 'mini.json: sampling.samplers:'],
  ['sampler twice', { ...base, sampling: { samplers: ['alg2', 'alg2'] } }, 'mini.json: sampling.samplers[1]: "alg2" is listed twice'],
  ['count one', { ...base, sampling: { count: 1 } }, 'mini.json: sampling.count:'],
  ['count runaway', { ...base, sampling: { count: 1e6 } }, 'mini.json: sampling.count: 1,000,000 is above the limit'],
  ['negative delta', { ...base, sampling: { deltas: [-0.1] } }, 'mini.json: sampling.deltas[0]:'],
  ['delta twice', { ...base, sampling: { deltas: [0, 0] } }, 'mini.json: sampling.deltas[1]: 0 is listed twice'],
  ['measures nothing', { ...base, sampling: { restoration: false, generation: false } }, 'both off'],
  ['feature dim zero', { ...base, features: { dim: 0 } }, 'mini.json: features.dim:'],
  ['feature steps runaway', { ...base, features: { steps: 1e9 } }, 'mini.json: features.steps: 1,000,000,000 is above the limit'],
  ['no seeds', { ...base, seeds: [] }, 'mini.json: seeds:'],
  ['negative seed', { ...base, seeds: [-1] }, 'mini.json: seeds[0]:'],
  ['seed twice', { ...base, seeds: [3, 3] }, 'mini.json: seeds[1]: 3 is listed twice'],
  ['seeds runaway', { ...base, seeds: Array.from({ length: 1001 }, (_, i) => i) }, 'mini.json: seeds: 1,001 is above the limit'],
  ['no degradations', { ...base, degradations: [] }, 'mini.json: degradations:'],
  ['unknown degradation', { ...base, degradations: [{ name: 'blurr' }] }, "Did you mean 'blur'?"],
  ['unknown parameter', entry({ params: { sigm: 2 } }), 'mini.json: degradations[0].params.sigm: unknown key'],
  ['parameter below minimum', entry({ params: { sigma: 0 } }), 'is below the minimum 0.05'],
  ['parameter above maximum', entry({ params: { steps: 100_000 } }), 'is above the maximum'],
  ['fractional steps', entry({ params: { steps: 2.5 } }), 'expected a whole number'],
  ['boolean as a number', entry({ params: { circular: 1 } }), 'expected true or false'],
  ['number as a string', entry({ params: { sigma: '2' } }), 'expected a number'],
  ['empty grid list', entry({ grid: { sigma: [] } }), 'mini.json: degradations[0].grid.sigma:'],
  ['grid value twice', entry({ grid: { sigma: [1, 1] } }), 'is listed twice'],
  ['param also in grid', entry({ params: { sigma: 1 }, grid: { sigma: [2] } }), 'also set in'],
  ['unknown grid key', entry({ grid: { sigmaa: [1] } }), 'mini.json: degradations[0].grid.sigmaa: unknown key'],
  ['colour-only on grey', { ...base, degradations: [{ name: 'desaturate' }] }, "'desaturate' needs 3-channel images"],
  ['pixelate too coarse', { ...base, degradations: [{ name: 'pixelate', params: { steps: 6 } }] }, 'must divide the image size'],
  ['same runs twice', { ...base, degradations: [{ name: 'blur' }, { name: 'blur', params: {} }] }, 'repeats run'],
  ['suite grid unknown field', { ...base, grid: { 'train.epochs': [1] } }, 'mini.json: grid["train.epochs"]: unknown key'],
  ['suite grid set twice', { ...base, train: { lr: 0.001 }, grid: { 'train.lr': [0.002] } }, 'also set in train.lr'],
  [
    'too many runs',
    {
      ...base,
      seeds: Array.from({ length: 1000 }, (_, i) => i),
      degradations: [{ name: 'blur', grid: { sigma: Array.from({ length: 11 }, (_, i) => i + 1) } }],
    },
    'expands to 11,000 runs',
  ],
];

const TEXTS: [string, string, string][] = [
  ['a key set twice', '{"name": "a", "name": "b"}', 'key "name" is set twice'],
  ['a trailing comma', '{"seeds": [0,]}', "expected a value, found ']'"],
  ['a comment', '{} // x', 'comments are not JSON'],
  ['single quotes', "{'a': 1}", "unexpected '''"],
  ['deep nesting', '['.repeat(100_000), 'nested deeper than 64 levels'],
  ['an empty file', '', 'expected a value, found the end of the text'],
  ['an unterminated string', '{"a": "b', 'unterminated string'],
  ['two values', '{} {}', "unexpected '{' after the end of the JSON value"],
];

describe('bad suites', () => {
  it.each(SUITES)('%s: refused in one located line', (_, suite, fragment) => {
    let thrown: unknown;
    try {
      validateSuite(suite, 'mini.json', PLUGINS);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(UserError);
    const { message, exitCode } = thrown as UserError;
    expect(exitCode).toBe(2);
    expect(message).toContain(fragment);
    expect(message.startsWith('mini.json: ')).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('runs a large suite when asked to (--allow-large), but still checks what is not a limit', () => {
    const large = { ...base, train: { steps: 2e7 }, seeds: Array.from({ length: 1500 }, (_, i) => i) };
    expect(validateSuite(large, 'mini.json', PLUGINS, { allowLarge: true }).train.steps).toBe(2e7);
    expect(() => validateSuite({ ...large, name: 'a'.repeat(65) }, 'mini.json', PLUGINS, { allowLarge: true })).toThrow(
      'mini.json: name: Too big',
    );
  });

  it.each(TEXTS)('JSON with %s: refused with its place and problem', (_, text, problem) => {
    const parsed = parseJsonText(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toContain(problem);
  });
});
