import { PLUGINS } from '../../src/plugins.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULTS_FORMAT } from '../../src/results/types.js';
import { expandSuite } from '../../src/runner/expand.js';
import { applyOverrides, loadSuiteSource } from '../../src/runner/source.js';

const base = {
  name: 'mini',
  description: 'test',
  dataset: { name: 'digits', size: 32 },
  model: { preset: 'tiny' },
  seeds: [0],
  degradations: [{ name: 'blur', params: { steps: 5 } }],
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-source-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('applyOverrides', () => {
  it('sets dotted paths Hydra-style, parsing values as JSON where they parse', () => {
    const out = applyOverrides(base, [
      'train.steps=100',
      'seeds=[0,1]',
      'train.loss=l2',
      'degradations.0.params.sigma=2',
      'grid.train.lr=[0.001,0.0002]',
    ]) as Record<string, unknown>;
    expect(out.train).toEqual({ steps: 100, loss: 'l2' });
    expect(out.seeds).toEqual([0, 1]);
    expect(out.degradations).toEqual([{ name: 'blur', params: { steps: 5, sigma: 2 } }]);
    // After `grid.` the rest is one key: the grid's keys are `section.field`.
    expect(out.grid).toEqual({ 'train.lr': [0.001, 0.0002] });
    expect(base).not.toHaveProperty('train'); // the input is not changed
  });

  it('refuses text that is not key=value and paths through values, in one line', () => {
    expect(() => applyOverrides(base, ['train.steps'])).toThrow(
      "Override 'train.steps' is not key=value; write e.g. train.steps=100 or seeds=[0,1].",
    );
    expect(() => applyOverrides(base, ['name.x=1'])).toThrow("Override 'name.x=1': name is not an object in the suite; check the path.");
  });
});

describe('loadSuiteSource', () => {
  it('validates an overridden suite file like the file itself', async () => {
    await writeFile(join(dir, 'mini.json'), JSON.stringify(base));
    const { suite } = await loadSuiteSource(join(dir, 'mini.json'), PLUGINS, ['train.steps=40']);
    expect(suite.train.steps).toBe(40);
    await expect(loadSuiteSource(join(dir, 'mini.json'), PLUGINS, ['train.stepz=40'])).rejects.toThrow(
      `${join(dir, 'mini.json')}: train.stepz: unknown key`,
    );
  });

  it("reruns a saved suite.json into its own folder, and a run's config.json as that run alone", async () => {
    const results = join(dir, 'results', 'mini');
    const definition = { ...base, seeds: [0, 1] };
    await mkdir(results, { recursive: true });
    await writeFile(join(results, 'suite.json'), JSON.stringify({ format: RESULTS_FORMAT, suite: 'mini', definition }));
    const saved = await loadSuiteSource(join(results, 'suite.json'), PLUGINS);
    expect(saved.results).toBe(results);
    expect(expandSuite(saved.suite, PLUGINS)).toHaveLength(2);
    const [, second] = expandSuite(saved.suite, PLUGINS);
    await mkdir(join(results, second.id));
    await writeFile(
      join(results, second.id, 'config.json'),
      JSON.stringify({ format: RESULTS_FORMAT, suite: 'mini', id: second.id, key: second.key, spec: second.spec }),
    );
    const one = await loadSuiteSource(join(results, second.id, 'config.json'), PLUGINS);
    expect(one).toMatchObject({ results, runId: second.id });
    expect(expandSuite(one.suite, PLUGINS).map((r) => r.id)).toContain(second.id);
  });

  it('refuses results files of another format version in one line', async () => {
    await writeFile(join(dir, 'old.json'), JSON.stringify({ format: 'coldbench-results/1', suite: 'mini', definition: base }));
    await expect(loadSuiteSource(join(dir, 'old.json'), PLUGINS)).rejects.toThrow(
      `has format 'coldbench-results/1', not '${RESULTS_FORMAT}'`,
    );
  });
});
