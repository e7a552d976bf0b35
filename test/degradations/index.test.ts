import { DEGRADATIONS, describeDegradations, getDegradation, resolveParams, selectDegradations } from '../../src/degradations/index.js';
import { UserError } from '../../src/errors.js';

describe('degradation registry', () => {
  it('suggests the closest name for an unknown one', () => {
    expect(() => getDegradation('blurr')).toThrow(UserError);
    expect(() => getDegradation('blurr')).toThrow(
      "Unknown degradation 'blurr'. Did you mean 'blur'? Known: gaussian, snow, blur, blur-generation, pixelate, desaturate, animorph, inpaint.",
    );
    expect(() => getDegradation('toString')).toThrow("Unknown degradation 'toString'.");
    expect(getDegradation('snow')).toBe(DEGRADATIONS.snow);
  });

  it('resolves defaults and overrides', () => {
    expect(resolveParams(getDegradation('blur'), { sigma: 2, circular: false })).toEqual({
      steps: 20,
      radius: 5,
      sigma: 2,
      growth: 0,
      circular: false,
    });
  });

  it.each([
    [{ sigm: 2 }, "Unknown blur parameter 'sigm'. Did you mean 'sigma'? Known: steps, radius, sigma, growth, circular."],
    [{ steps: 2.5 }, "Bad parameter 'steps' for degradation 'blur': expected a whole number, got 2.5."],
    [{ steps: '3' }, "Bad parameter 'steps' for degradation 'blur': expected a number, got \"3\"."],
    [{ sigma: 0 }, "Bad parameter 'sigma' for degradation 'blur': 0 is below the minimum 0.05."],
    [{ radius: 65 }, "Bad parameter 'radius' for degradation 'blur': 65 is above the maximum 64."],
    [{ circular: 1 }, "Bad parameter 'circular' for degradation 'blur': expected true or false, got 1."],
  ])('rejects %j in one line', (overrides, message) => {
    expect(() => resolveParams(getDegradation('blur'), overrides)).toThrow(message);
  });

  it('accepts every testParams and default', () => {
    for (const deg of Object.values(DEGRADATIONS)) expect(() => resolveParams(deg, deg.testParams)).not.toThrow();
  });

  it('describes itself as plain JSON rows', () => {
    const rows = describeDegradations();
    expect(JSON.parse(JSON.stringify(rows))).toEqual(rows);
    expect(rows.map((r) => r.name)).toEqual(Object.keys(DEGRADATIONS));
    const blur = rows.find((r) => r.name === 'blur');
    expect(blur).toMatchObject({ family: 'blur', stochastic: false, steps: 20, prior: null, channels: [1, 3], requires: [] });
    expect(rows.find((r) => r.name === 'blur-generation')).toMatchObject({ family: 'blur', steps: 40, prior: 'gmm' });
    expect(blur?.params.sigma).toEqual({ default: 7, doc: expect.any(String), min: 0.05, max: 1000 });
    expect(rows.find((r) => r.name === 'animorph')).toMatchObject({ prior: 'asset', requires: ['animal-faces'] });
    expect(rows.find((r) => r.name === 'desaturate')).toMatchObject({ prior: null, channels: [3] });
  });

  it('selects subsets by field', () => {
    expect(selectDegradations({ stochastic: true }).map((d) => d.name)).toEqual(['gaussian', 'snow', 'animorph', 'inpaint']);
    expect(selectDegradations({ family: 'pixelation' }).map((d) => d.name)).toEqual(['pixelate']);
  });
});
