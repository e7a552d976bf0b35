import { readFileSync } from 'node:fs';
import { SECTIONS } from '../../src/results/config.js';

describe('the run configuration schema', () => {
  it('fills every field of a section with its default and refuses unknown ones', () => {
    expect(SECTIONS.train.parse({ steps: 3 })).toMatchObject({ steps: 3, batch: 32, loss: 'l1' });
    expect(() => SECTIONS.sampling.parse({ count: 1 })).toThrow();
    expect(() => SECTIONS.features.parse({ dims: 3 })).toThrow();
  });

  it("is what README's table of fields and defaults says", () => {
    // Rows like "| `train.steps` | 500 | training steps |"; list defaults are written "a, b".
    const rows = [...readFileSync('README.md', 'utf8').matchAll(/^\| `(train|sampling|features)\.(\w+)` \| ([^|]+) \|/gm)];
    const documented = Object.fromEntries(rows.map(([, section, field, value]) => [`${section}.${field}`, value.trim()]));
    const actual = Object.fromEntries(
      Object.entries(SECTIONS).flatMap(([section, schema]) =>
        Object.entries(schema.parse({}) as Record<string, unknown>).map(([field, value]) => [
          `${section}.${field}`,
          Array.isArray(value) ? value.join(', ') : String(value),
        ]),
      ),
    );
    expect(documented).toEqual(actual);
  });
});
