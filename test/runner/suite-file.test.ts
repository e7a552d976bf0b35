import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandSuite, loadSuite, parseShard, shardRuns, validateSuite } from '../../src/runner/suite-file.js';

const base = {
  name: 'mini', description: 'test', dataset: { name: 'digits', size: 32 }, model: { preset: 'tiny' }, seeds: [0, 1],
  degradations: [{ name: 'blur', params: { steps: 5 }, grid: { sigma: [1, 2] } }, { name: 'pixelate' }],
};
const bad = (patch: object) => () => validateSuite({ ...base, ...patch }, 'mini.json');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-suitefile-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('suites', () => {
  it('expand to the Cartesian product with canonical keys, sorted', () => {
    const runs = expandSuite(validateSuite(base, 'mini.json'));
    expect(runs.map((r) => r.key)).toEqual([
      'blur[seed=0,sigma=1,steps=5]', 'blur[seed=0,sigma=2,steps=5]', 'blur[seed=1,sigma=1,steps=5]', 'blur[seed=1,sigma=2,steps=5]',
      'pixelate[seed=0]', 'pixelate[seed=1]',
    ]);
    expect(runs[0].spec).toMatchObject({ degradation: 'blur', params: { steps: 5, sigma: 1 }, dataset: 'digits', size: 32 });
    expect(runs.every((r) => /^[0-9a-f]{12}$/.test(r.id))).toBe(true);
  });

  it('derive seeds and ids from names, not from order', () => {
    const a = expandSuite(validateSuite(base, 'mini.json'));
    const b = expandSuite(validateSuite({ ...base, degradations: [...base.degradations].reverse() }, 'mini.json'));
    expect(b.map((r) => [r.key, r.id, r.spec.seed])).toEqual(a.map((r) => [r.key, r.id, r.spec.seed]));
    expect(new Set(a.map((r) => r.spec.seed)).size).toBe(a.length);
  });

  it('vary suite-level settings through the grid', () => {
    const runs = expandSuite(validateSuite({ ...base, seeds: [0], degradations: [{ name: 'pixelate' }], grid: { 'train.loss': ['l1', 'l2'] } }, 'mini.json'));
    expect(runs.map((r) => [r.key, r.spec.train.loss])).toEqual([['pixelate[seed=0,train.loss=l1]', 'l1'], ['pixelate[seed=0,train.loss=l2]', 'l2']]);
  });

  it('reject bad input with one located line', () => {
    expect(bad({ extra: 1 })).toThrow('mini.json: extra: unknown key.');
    expect(bad({ name: '../up' })).toThrow('mini.json: name: use lower-case letters, digits and dashes (it names a folder).');
    expect(bad({ degradations: [{ name: 'blurr' }] })).toThrow("mini.json: degradations[0].name: Unknown degradation 'blurr'. Did you mean 'blur'?");
    expect(bad({ degradations: [{ name: 'blur', grid: { sigmaa: [1] } }] })).toThrow("mini.json: degradations[0].params: Unknown blur parameter 'sigmaa'. Did you mean 'sigma'?");
    expect(bad({ degradations: [{ name: 'blur', params: { steps: 0 } }] })).toThrow("mini.json: degradations[0].params: Bad parameter 'steps' for degradation 'blur': 0 is below the minimum 1.");
    expect(bad({ dataset: { name: 'digits', size: 48 } })).toThrow("mini.json: degradations[0].dataset: size 48 is not offered by 'digits' (sizes: 32, 64).");
    expect(bad({ degradations: [{ name: 'desaturate' }] })).toThrow("'desaturate' needs 3-channel images and 'digits' has 1; give this entry a \"dataset\" such as faces.");
    expect(bad({ seeds: [] })).toThrow('mini.json: seeds: Too small');
    expect(() => expandSuite(validateSuite({ ...base, seeds: [0, 0] }, 'mini.json'))).toThrow("Suite 'mini' defines run blur[seed=0,sigma=1,steps=5] twice");
  });

  it('reports malformed JSON and missing files in one line', async () => {
    const path = join(dir, 'broken.json');
    await writeFile(path, '{"name": "x",');
    await expect(loadSuite(path)).rejects.toThrow(`${path}: invalid JSON (`);
    await expect(loadSuite(join(dir, 'none.json'))).rejects.toThrow(/Missing file .*none\.json\. Built-in suites: .*experiments\/smoke\.json/);
  });

  it('shards deterministically into disjoint sets that cover the suite', () => {
    const runs = expandSuite(validateSuite({ ...base, seeds: [0, 1, 2, 3, 4] }, 'mini.json'));
    const shards = [1, 2, 3].map((index) => shardRuns(runs, { index, count: 3 }).map((r) => r.key));
    expect(shards.flat().sort()).toEqual(runs.map((r) => r.key).sort());
    expect(new Set(shards.flat()).size).toBe(runs.length);
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('4/3')).toThrow("Bad --shard '4/3': use i/n with 1 ≤ i ≤ n, e.g. 2/4.");
  });

  it('validates the built-in suites', async () => {
    expect(expandSuite(await loadSuite('experiments/smoke.json'))).toHaveLength(7);
    expect(expandSuite(await loadSuite('experiments/cold-diffusion-digits.json'))).toHaveLength(6 * 3);
    expect(expandSuite(await loadSuite('experiments/animorphosis-faces.json'))).toHaveLength(3 * 2);
  });
});
