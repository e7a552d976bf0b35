import { PLUGINS } from '../../src/plugins.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/errors.js';
import { expandSuite, runId } from '../../src/runner/expand.js';
import { parseShard, shardRuns } from '../../src/runner/shard.js';
import { builtInSuites, loadSuite, validateSuite } from '../../src/runner/validate.js';
import { seedFrom } from '../../src/util/rng.js';

const base = {
  name: 'mini',
  description: 'test',
  dataset: { name: 'digits', size: 32 },
  model: { preset: 'tiny' },
  seeds: [0, 1],
  degradations: [{ name: 'blur', params: { steps: 5 }, grid: { sigma: [1, 2] } }, { name: 'pixelate' }],
};
const check = (suite: object) => () => validateSuite(suite, 'mini.json', PLUGINS);
const bad = (patch: object) => check({ ...base, ...patch });
const blurWith = (entry: object) => bad({ degradations: [{ name: 'blur', ...entry }] });

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-suite-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('expandSuite', () => {
  it('takes the product of grids and seeds, with canonical keys, sorted', () => {
    const runs = expandSuite(
      validateSuite(
        {
          ...base,
          grid: { 'train.loss': ['l1', 'l2'] },
          degradations: [...base.degradations, { name: 'desaturate', dataset: { name: 'faces', size: 32 }, params: { steps: 5 } }],
        },
        'mini.json',
        PLUGINS,
      ),
      PLUGINS,
    );
    expect(runs.map((r) => r.key)).toEqual([
      'blur[seed=0,sigma=1,steps=5,train.loss=l1]',
      'blur[seed=0,sigma=1,steps=5,train.loss=l2]',
      'blur[seed=0,sigma=2,steps=5,train.loss=l1]',
      'blur[seed=0,sigma=2,steps=5,train.loss=l2]',
      'blur[seed=1,sigma=1,steps=5,train.loss=l1]',
      'blur[seed=1,sigma=1,steps=5,train.loss=l2]',
      'blur[seed=1,sigma=2,steps=5,train.loss=l1]',
      'blur[seed=1,sigma=2,steps=5,train.loss=l2]',
      'desaturate[dataset=faces,seed=0,steps=5,train.loss=l1]',
      'desaturate[dataset=faces,seed=0,steps=5,train.loss=l2]',
      'desaturate[dataset=faces,seed=1,steps=5,train.loss=l1]',
      'desaturate[dataset=faces,seed=1,steps=5,train.loss=l2]',
      'pixelate[seed=0,train.loss=l1]',
      'pixelate[seed=0,train.loss=l2]',
      'pixelate[seed=1,train.loss=l1]',
      'pixelate[seed=1,train.loss=l2]',
    ]);
    const blur = runs[3];
    expect(blur.spec).toMatchObject({
      key: blur.key,
      degradation: 'blur',
      params: { steps: 5, sigma: 2 },
      dataset: 'digits',
      size: 32,
      model: { preset: 'tiny' },
    });
    expect(blur.spec.train.loss).toBe('l2');
    expect(runs[8].spec).toMatchObject({ dataset: 'faces', degradation: 'desaturate' });
    expect(runs.every((r) => /^[0-9a-f]{12}$/.test(r.id))).toBe(true);
  });

  it('gives every configuration of a repetition one evaluation seed, so they are scored on the same images', () => {
    const runs = expandSuite(validateSuite(base, 'mini.json', PLUGINS), PLUGINS);
    const bySeed = (seed: number) =>
      new Set(runs.filter((r) => r.key.includes(`seed=${seed},`) || r.key.includes(`seed=${seed}]`)).map((r) => r.spec.evaluationSeed));
    expect(bySeed(0).size).toBe(1);
    expect(bySeed(1).size).toBe(1);
    expect([...bySeed(0)][0]).not.toBe([...bySeed(1)][0]);
    expect(new Set(runs.map((r) => r.spec.seed)).size).toBe(runs.length); // while training seeds differ
  });

  it('derives seeds and ids from names, not from order', () => {
    const a = expandSuite(validateSuite(base, 'mini.json', PLUGINS), PLUGINS);
    const b = expandSuite(
      validateSuite({ ...base, seeds: [1, 0], degradations: [...base.degradations].reverse() }, 'mini.json', PLUGINS),
      PLUGINS,
    );
    expect(b.map((r) => [r.key, r.id, r.spec.seed])).toEqual(a.map((r) => [r.key, r.id, r.spec.seed]));
    expect(a.map((r) => r.spec.seed)).toEqual(a.map((r) => seedFrom('mini', r.key)));
    expect(new Set(a.map((r) => r.spec.seed)).size).toBe(a.length);
    // Another suite name reseeds every run: other runs, other ids.
    const c = expandSuite(validateSuite({ ...base, name: 'other' }, 'mini.json', PLUGINS), PLUGINS);
    expect(c.some((r, i) => r.spec.seed === a[i].spec.seed)).toBe(false);
    expect(c.some((r, i) => r.id === a[i].id)).toBe(false);
  });

  it('ids hash the whole spec with the versions: a changed budget makes new runs, a grown suite keeps the old ones', () => {
    const one = { ...base, seeds: [0], degradations: [{ name: 'blur' }] };
    const [run] = expandSuite(validateSuite(one, 'mini.json', PLUGINS), PLUGINS);
    expect(runId(run.spec, PLUGINS)).toBe(run.id);
    // A new operator version (the degradation's `version`, bumped when its output changes) is a new run.
    const bumped = {
      ...PLUGINS,
      degradations: { ...PLUGINS.degradations, blur: { ...PLUGINS.degradations.blur, version: PLUGINS.degradations.blur.version + 1 } },
    };
    expect(runId(run.spec, bumped)).not.toBe(run.id);
    expect(run.id).toMatch(/^[0-9a-f]{12}$/);
    const [longer] = expandSuite(validateSuite({ ...one, train: { steps: 21 } }, 'mini.json', PLUGINS), PLUGINS);
    expect(longer.key).toBe(run.key);
    expect(longer.id).not.toBe(run.id);
    const grown = expandSuite(
      validateSuite({ ...one, seeds: [0, 1], degradations: [{ name: 'blur' }, { name: 'gaussian' }] }, 'mini.json', PLUGINS),
      PLUGINS,
    );
    expect(grown.map((r) => r.id)).toContain(run.id);
  });
});

describe('validateSuite', () => {
  it('rejects each kind of bad input with one located line and exit code 2', () => {
    const cases: [() => unknown, string][] = [
      [
        bad({ extra: 1 }),
        'mini.json: extra: unknown key (known: name, description, dataset, model, train, sampling, features, seeds, grid, degradations, comparisons)',
      ],
      // Pre-registered comparisons must judge what the suite runs (default samplers direct, alg1, alg2; δ 0, 0.002).
      [
        bad({ comparisons: { q1: { cold: { sampler: 'ddpm', delta: 0 } } } }),
        'mini.json: comparisons.q1.cold.sampler: sampler "ddpm" is not among sampling.samplers ("direct", "alg1", "alg2"), so this comparison would have nothing to judge; add it there or declare one that runs',
      ],
      [
        bad({ comparisons: { q4: { delta: 0.05 } } }),
        'mini.json: comparisons.q4.delta: δ 0.05 is not among sampling.deltas (0, 0.002), so this comparison would have nothing to judge; add it there or declare one that runs',
      ],
      [bad({ comparisons: { q3: {} } }), 'mini.json: comparisons.q3: unknown key (known: q1, q2, q4, q5, gate)'],
      [
        bad({ train: { lrr: 1 } }),
        'mini.json: train.lrr: unknown key (known: steps, batch, lr, loss, emaHorizon, emaStart, emaEvery, clipNorm, checkpointEvery, precision)',
      ],
      [
        blurWith({ grid: { sigmaa: [1] } }),
        'mini.json: degradations[0].grid.sigmaa: unknown key (known: steps, radius, sigma, growth, circular)',
      ],
      [
        bad({ degradations: [{ name: 'blur', param: {} }] }),
        'mini.json: degradations[0].param: unknown key (known: name, dataset, params, grid)',
      ],
      [
        bad({ degradations: [{ name: 'blurr' }] }),
        "mini.json: degradations[0].name: Unknown degradation 'blurr'. Did you mean 'blur'? Known: gaussian, snow, blur, blur-generation, pixelate, desaturate, animorph, inpaint.",
      ],
      [
        bad({ model: { preset: 'smal' } }),
        "mini.json: model.preset: Unknown model preset 'smal'. Did you mean 'small'? Known: tiny, small, reference.",
      ],
      [
        bad({ sampling: { samplers: ['direct', 'alg3'] } }),
        "mini.json: sampling.samplers[1]: Unknown sampler 'alg3'. Did you mean 'alg1'? Known: direct, alg1, alg2, ddim, ddpm.",
      ],
      [
        bad({ dataset: { name: 'mnist', size: 32 } }),
        "mini.json: dataset.name: Unknown dataset 'mnist'. Did you mean 'digits'? Known: digits, faces, animal-faces.",
      ],
      [
        bad({ sampling: { restoration: false, generation: false } }),
        'mini.json: sampling: restoration and generation are both off, so the runs would measure nothing; turn one on',
      ],
      // Runaway input fails at once (LIMITS), instead of allocating gigabytes or queueing years.
      [
        bad({ train: { steps: 1e15 } }),
        'mini.json: train.steps: 1,000,000,000,000,000 is above the limit of 10,000,000; fix a typo, or pass --allow-large to run it anyway',
      ],
      [
        bad({ train: { batch: 1e9 } }),
        'mini.json: train.batch: 1,000,000,000 is above the limit of 4,096; fix a typo, or pass --allow-large to run it anyway',
      ],
      [
        bad({ sampling: { count: 1e6 } }),
        'mini.json: sampling.count: 1,000,000 is above the limit of 100,000; fix a typo, or pass --allow-large to run it anyway',
      ],
      [
        bad({ seeds: Array.from({ length: 1001 }, (_, i) => i) }),
        'mini.json: seeds: 1,001 is above the limit of 1,000; fix a typo, or pass --allow-large to run it anyway',
      ],
      [bad({ name: 'a'.repeat(1000) }), 'mini.json: name: Too big: expected string to have <=64 characters'],
      [
        bad({
          seeds: Array.from({ length: 1000 }, (_, i) => i),
          degradations: [{ name: 'blur', grid: { sigma: Array.from({ length: 11 }, (_, i) => 1 + i) } }],
        }),
        'mini.json: degradations: expands to 11,000 runs, more than the 10,000 one suite may hold; split it, shrink its grids and seeds, or pass --allow-large',
      ],
      [
        blurWith({ grid: { sigma: [1, 0] } }),
        "mini.json: degradations[0].grid.sigma[1]: Bad parameter 'sigma' for degradation 'blur': 0 is below the minimum 0.05.",
      ],
      [
        blurWith({ params: { circular: 1 } }),
        "mini.json: degradations[0].params.circular: Bad parameter 'circular' for degradation 'blur': expected true or false, got 1.",
      ],
      [
        blurWith({ params: { sigma: 2 }, grid: { sigma: [1] } }),
        'mini.json: degradations[0].grid.sigma: also set in degradations[0].params.sigma; set it in one place',
      ],
      [bad({ dataset: { name: 'digits', size: 48 } }), "mini.json: dataset.size: size 48 is not offered by 'digits' (sizes: 32, 64)"],
      [
        bad({ model: { preset: 'tiny', channelMults: [1, 1, 1, 1, 1, 1, 1] } }),
        'mini.json: dataset.size: size 32 does not divide by 64, as a 7-level U-Net needs; use fewer channelMults or another size',
      ],
      [
        bad({ degradations: [{ name: 'desaturate' }] }),
        'mini.json: degradations[0]: \'desaturate\' needs 3-channel images and \'digits\' has 1; give this entry a "dataset" such as { "name": "faces", "size": 32 }',
      ],
      [
        bad({ degradations: [{ name: 'pixelate', grid: { steps: [3, 6] } }] }),
        "mini.json: degradations[0]: Bad parameter 'steps' for degradation 'pixelate': 2^6 = 64 must divide the image size 32×32.",
      ],
      [bad({ seeds: [0, 1, 0] }), 'mini.json: seeds[2]: 0 is listed twice'],
      [bad({ seeds: [] }), 'mini.json: seeds: Too small: expected array to have >=1 items'],
      [bad({ seeds: [-1] }), 'mini.json: seeds[0]: Too small: expected number to be >=0'],
      [blurWith({ grid: { sigma: [1, 2, 1] } }), 'mini.json: degradations[0].grid.sigma[2]: 1 is listed twice'],
      [
        bad({ degradations: [{ name: 'pixelate' }, { name: 'blur' }, { name: 'pixelate', params: {} }] }),
        'mini.json: degradations[2]: repeats run pixelate[seed=0] of degradations[0]; make the entries differ',
      ],
      [
        bad({ name: '../up' }),
        'mini.json: name: "../up" is not a suite name; use lower-case letters, digits and dashes (it names the results folder)',
      ],
      [
        bad({ name: 'Smoke' }),
        'mini.json: name: "Smoke" is not a suite name; use lower-case letters, digits and dashes (it names the results folder)',
      ],
      [bad({ description: undefined }), 'mini.json: description: missing; expected string'],
      [bad({ sampling: { count: 1 } }), 'mini.json: sampling.count: Too small: expected number to be >=2'],
      [bad({ grid: { 'train.loss': ['l1', 'l3'] } }), 'mini.json: grid["train.loss"][1]: Invalid option: expected one of "l1"|"l2"'],
      [
        bad({ grid: { 'train.lr': [0.001] }, train: { lr: 0.01 } }),
        'mini.json: grid["train.lr"]: also set in train.lr; set it in one place',
      ],
      [
        bad({ grid: { 'train.epochs': [1] } }),
        expect.stringMatching(
          /^mini\.json: grid\["train\.epochs"\]: unknown key \(known: train\.steps, train\.batch, .*, sampling\.count, .*, features\.seed\)$/,
        ),
      ],
    ];
    for (const [run, message] of cases) {
      let thrown: unknown;
      try {
        run();
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(UserError);
      expect({ message: (thrown as UserError).message, exitCode: (thrown as UserError).exitCode }).toEqual({ message, exitCode: 2 });
    }
  });

  it('accepts a suite-level grid over any scalar setting', () => {
    const runs = expandSuite(
      validateSuite(
        { ...base, seeds: [0], degradations: [{ name: 'pixelate' }], grid: { 'train.lr': [0.001, 0.0002], 'sampling.count': [16] } },
        'mini.json',
        PLUGINS,
      ),
      PLUGINS,
    );
    expect(runs.map((r) => [r.key, r.spec.train.lr, r.spec.sampling.count])).toEqual([
      ['pixelate[sampling.count=16,seed=0,train.lr=0.0002]', 0.0002, 16],
      ['pixelate[sampling.count=16,seed=0,train.lr=0.001]', 0.001, 16],
    ]);
  });
});

describe('loadSuite', () => {
  it('locates malformed JSON by line and column', async () => {
    const cases: [string, string][] = [
      ['{\n  "name": "x",\n  "seeds": [0,, 1]\n}', "line 3 column 15 (expected a value, found ',')"],
      ['{"name": "x",', 'line 1 column 14 (expected a double-quoted key, found the end of the text)'],
      ['{\n  "name": \'x\'\n}', "line 2 column 11 (unexpected ''')"],
      ['{"seeds": [0]}\n}', "line 2 column 1 (unexpected '}' after the end of the JSON value)"],
      ['{"a": 1 "b": 2}', "line 1 column 9 (expected ',', found '\"')"],
      // What JSON.parse takes silently: the second value of a key set twice, trailing commas
      // (V8 refuses these too), comments; and nesting deep enough to overflow a recursive parser.
      ['{"train": {"steps": 1, "steps": 1e9}}', 'line 1 column 24 (key "steps" is set twice in one object; keep one)'],
      ['{"seeds": [0, 1,]}', "line 1 column 17 (expected a value, found ']')"],
      ['{"seeds": [0]} // note', 'line 1 column 16 (comments are not JSON)'],
      ['['.repeat(100_000), 'line 1 column 65 (nested deeper than 64 levels)'],
    ];
    for (const [text, where] of cases) {
      const path = join(dir, 'broken.json');
      await writeFile(path, text);
      await expect(loadSuite(path, PLUGINS)).rejects.toThrow(`${path}: invalid JSON at ${where}`);
    }
  });

  it('names a missing file and the built-in suites', async () => {
    const path = join(dir, 'none.json');
    await expect(loadSuite(path, PLUGINS)).rejects.toThrow(
      `Missing suite file ${path}. Built-in suites: experiments/animorphosis-faces.json, experiments/cold-diffusion-digits.json, experiments/convergence.json, experiments/quick.json, experiments/smoke.json.`,
    );
  });

  it('validates and expands every built-in suite', async () => {
    const counts: Record<string, number> = {};
    for (const path of builtInSuites()) counts[path] = expandSuite(await loadSuite(path, PLUGINS), PLUGINS).length;
    expect(counts).toEqual({
      'experiments/animorphosis-faces.json': 3 * 2,
      'experiments/cold-diffusion-digits.json': 7 * 3,
      'experiments/convergence.json': 2 * 7,
      'experiments/quick.json': 7,
      'experiments/smoke.json': 8,
    });
  });
});

describe('shards', () => {
  const runs = expandSuite(validateSuite({ ...base, seeds: [0, 1, 2, 3, 4, 5, 6, 7] }, 'mini.json', PLUGINS), PLUGINS);

  it('are disjoint, cover the suite and do not depend on order', () => {
    const shards = [1, 2, 3].map((index) => shardRuns(runs, { index, count: 3 }).map((r) => r.key));
    expect(shards.flat().sort()).toEqual(runs.map((r) => r.key).sort());
    expect(shards.every((s) => s.length > 0)).toBe(true);
    const reversed = [1, 2, 3].map((index) =>
      shardRuns([...runs].reverse(), { index, count: 3 })
        .map((r) => r.key)
        .sort(),
    );
    expect(reversed).toEqual(shards.map((s) => [...s].sort()));
    expect(shardRuns(runs, { index: 1, count: 1 })).toEqual(runs);
  });

  it('are balanced: sizes differ by at most one', () => {
    for (const count of [2, 3, 5, 8]) {
      const sizes = Array.from({ length: count }, (_, i) => shardRuns(runs, { index: i + 1, count }).length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1); // 8 runs: 3,3,2 on three shards
    }
  });

  it('parse i/n as users type it', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('1/1')).toEqual({ index: 1, count: 1 });
    for (const text of ['0/4', '5/4', '2/0', '2', 'a/b', '-1/4', '1.5/4', '']) {
      expect(() => parseShard(text)).toThrow(`Bad --shard '${text}': use i/n with 1 ≤ i ≤ n, e.g. 2/4.`);
    }
  });
});
