import { PLUGINS } from '../../src/plugins.js';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { METRICS } from '../../src/metrics/index.js';
import { readSuiteResults } from '../../src/results/read.js';
import { CHARTS } from '../../src/reports/index.js';
import { buildGenerationTable, generationMarkdown } from '../../src/reports/table.js';
import { buildQ1, buildQ1Exploratory } from '../../src/reports/q1-gaussian-noise.js';
import { buildQ2 } from '../../src/reports/q2-randomness.js';
import { buildQ3 } from '../../src/reports/q3-gaussianity.js';
import { buildQ4 } from '../../src/reports/q4-samplers.js';
import { buildQ5 } from '../../src/reports/q5-sharpness.js';
import { compileSpec } from '../../src/reports/render.js';
import { toReportData, type ReportData } from '../../src/reports/rows.js';
import { buildRestorationTable, cellText, tableMarkdown } from '../../src/reports/table.js';
import { comparisonsOf } from '../../src/results/comparisons.js';
import { COMPARISONS, emptyReportData, syntheticResults } from './fixture.js';

let dir: string;
let data: ReportData;

beforeAll(async () => {
  dir = await syntheticResults();
  data = toReportData('synthetic', (await readSuiteResults(dir)).runs, PLUGINS, comparisonsOf({ comparisons: COMPARISONS }));
});
afterAll(() => rm(dirname(dir), { recursive: true, force: true }));

/** The data values a chart plots. */
const values = (spec: object) => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('every chart', () => {
  const empty = emptyReportData();
  it.each(CHARTS.map((build) => [build.name, build]))(
    '%s compiles with vega-lite without warnings, on data and on no data',
    (_name, build) => {
      for (const d of [data, empty]) {
        const chart = build(d);
        const { vega, warnings } = compileSpec(chart.spec);
        expect(warnings).toEqual([]);
        expect(vega.marks?.length).toBeGreaterThan(0);
        expect(chart.spec.description).toBe(chart.caption);
        expect(chart.caption.length).toBeGreaterThan(20);
      }
    },
  );
});

describe('the real-vs-real floor', () => {
  const floors = (n: number) =>
    [30, 32].map((mean) => ({ n, fid: { mean, std: 10, draws: 5 }, kid: { mean: 0.001, std: 0.001, draws: 5 } }));

  it('stands beside every FID-like chart and table, drawn as a rule in Q1', () => {
    const withFloor = { ...data, floors: floors(512) };
    const q1 = buildQ1(withFloor);
    // Mean over the runs' floors: (30 + 32)/2 = 31, std (10 + 10)/2 = 10.
    const note =
      'Real-vs-real floor at N = 512 (other real images against the same reference): FID-like 31.0 ± 10.0; differences below it are noise.';
    expect(q1.caption).toContain(note);
    expect(q1.caption).not.toContain('plumbing only');
    expect(buildQ4(withFloor).caption).toContain(note);
    expect(buildRestorationTable(withFloor).caption).toContain(note);
    const { warnings } = compileSpec(q1.spec);
    expect(warnings).toEqual([]);
    expect(JSON.stringify(q1.spec)).toContain('"floor":31');
  });

  it('marks FID-like values at N < 512 as plumbing only', () => {
    expect(buildQ1({ ...data, floors: floors(64) }).caption).toContain(
      'N = 64 < 512: these FID-like values check the plumbing only and cannot rank configurations.',
    );
    // …and judges no FID-like comparison there, while SSIM and diversity are still judged.
    const small = { ...data, floors: floors(64) };
    expect(buildQ1(small).caption).toContain('blur vs gaussian on FID-like: not judged at N = 64 < 512 (Δ = 6.20');
    expect(buildQ4(small).caption).toContain(
      'Restoration FID-like (lower is better): alg2 against direct, not judged at N = 64 < 512: gaussian (Δ -10.0',
    );
    expect(buildQ4(small).caption).toContain('Restoration SSIM (higher is better): alg2 against direct: better for none');
    expect(buildRestorationTable(small).caption).toContain('FID-like: not judged at N = 64 < 512; SSIM: better for 0');
    expect(buildQ2(small).caption).toContain('blur δ=0.05 beats δ=0 on Diversity');
    expect(buildQ1(data).caption).not.toContain('floor'); // results without a floor: nothing claimed
  });
});

/** Bootstrap half-width of the fixture's 2-seed means: 1.96 × k (fixture BOOT_K). */
const Z = 1.959963984540054;

describe('captions state the pre-registered findings with 95% intervals', () => {
  const boot = 'bootstrap over evaluation images, 2 seeds (training-seed spread not included)';

  it('Q1: each cold degradation against the hot baseline, at the declared arms only', () => {
    const chart = buildQ1(data);
    expect(chart.caption).toContain('Pre-registered arms (suite comparisons.q1): hot: alg2 at δ = 0; cold: alg2 at δ = 0.05.');
    // blur alg2 δ=0.05 is 41.2, gaussian alg2 δ=0 is 35 in both seeds' mean; both alg2 (k = 1), so
    // the paired replicates differ by exactly 6.2: an interval of width 0.
    expect(chart.caption).toContain(`gaussian beats blur on FID-like (blur − gaussian: Δ = 6.20, 95% CI [6.20, 6.20]; ${boot}).`);
    expect(chart.caption).toContain('gaussian beats pixelate on FID-like (pixelate − gaussian: Δ = 20.0');
    expect(chart.caption).toContain('Restoration-only (no prior): inpaint.');
    // Pixelate's best bar would be δ = 0 (50); the declared arm is δ = 0.05 (55): no best-of.
    expect(values(chart.spec).map((v) => [v.name, v.mean, v.sampler, v.delta])).toEqual([
      ['gaussian', 35, 'alg2', 0],
      ['blur', 41.2, 'alg2', 0.05],
      ['pixelate', 55, 'alg2', 0.05],
    ]);
    expect(values(chart.spec)[0].lo).toBeCloseTo(35 - Z, 9); // k = 1 for alg2
    expect(values(chart.spec)[0].hi).toBeCloseTo(35 + Z, 9);
  });

  it('Q1: names the interval method of each bar when the degradations finished different numbers of seeds', () => {
    const { caption } = buildQ1({ ...data, rows: data.rows.filter((r) => r.degradation !== 'pixelate' || r.seed === 0) });
    // gaussian and blur keep both seeds; pixelate has seed 0 only: alg2 at δ = 0.05 is 55 − 1 = 54
    // there (the fixture puts FID-like at its base ∓ 1 for seeds 0 and 1).
    expect(caption).toMatch(
      /gaussian 35\.0 \[[^\]]+\] \(bootstrap over evaluation images, 2 seeds \(training-seed spread not included\)\)/,
    );
    expect(caption).toMatch(/pixelate 54\.0 \[[^\]]+\] \(bootstrap over evaluation images, 1 seed \(training-seed spread not included\)\)/);
    // All with 2 seeds: the method once, after the list.
    expect(buildQ1(data).caption).toMatch(
      /gaussian 35\.0 \[[^\]]+\], blur 41\.2 \[[^\]]+\] and pixelate 55\.0 \[[^\]]+\] \(bootstrap over evaluation images, 2 seeds/,
    );
  });

  it('Q2: the declared broken-symmetry δ against δ = 0, on FID-like and diversity', () => {
    const { caption, spec } = buildQ2(data);
    // The kind of start is read from the line's dash: only a plain line layer carries it (a line
    // with `point: true` would draw circles in that legend, all alike).
    const layers = (spec as unknown as { spec: { layer: { mark: unknown; encoding: Record<string, unknown> }[] } }).spec.layer;
    expect(layers.filter((l) => 'strokeDash' in l.encoding).map((l) => l.mark)).toEqual(['line']);
    expect(caption).toContain(
      'Pre-registered (suite comparisons.q2): alg2 at δ = 0.05 (broken symmetry) against δ = 0 (perfect symmetry).',
    );
    expect(caption).toContain('blur δ=0.05 beats δ=0 on FID-like (blur δ=0.05 − δ=0: Δ = -18.8, 95% CI [-18.8, -18.8]');
    expect(caption).toContain('blur δ=0.05 beats δ=0 on Diversity (blur δ=0.05 − δ=0: Δ = 4.00');
    expect(caption).toContain('δ=0 beats pixelate δ=0.05 on FID-like (pixelate δ=0.05 − δ=0: Δ = 5.00');
    // Blur's flat-colour start is the headline; pixelate's random 4×4 grid is shown apart.
    expect(caption.indexOf('Flat-colour starts (the deterministic-prior case): blur δ=0.05 beats')).toBeGreaterThan(0);
    expect(caption.indexOf('Starts that are random images already (shown apart, dashed): δ=0 beats pixelate')).toBeGreaterThan(
      caption.indexOf('Flat-colour'),
    );
  });

  it('Q3: Spearman ρ with its interval, over severities in restoration and over degradations in generation', () => {
    const chart = buildQ3(data);
    // Reference (by hand): 8 severities, A² ranks 1.5,1.5,3.5,3.5,5.5,5.5,7.5,7.5 against FID-like
    // 10,50 | 20,60 | 30,70 | 40,80 (ranks 1,5,2,6,3,7,4,8): ρ = 20/√(40·42) = 0.48795; Bonett–Wright
    // interval tanh(atanh ρ ± 1.96·√((1 + ρ²/2)/5)) = [−0.375, 0.898].
    expect(chart.caption).toContain(
      'Restoration from x_t, one shot (FID-like): Spearman ρ(A², FID-like) = 0.49 (95% CI [-0.37, 0.90]) over 8 severities.',
    );
    // Generation FID-like 35, 55, 41.2 (gaussian, pixelate, blur) against A² 1, 10, 100: ranks 1,3,2 → ρ = 0.5; 3 points, no interval.
    expect(chart.caption).toContain(
      'Generation at the declared arms (FID-like): Spearman ρ(A², FID-like) = 0.50 (no interval below 4 points) over 3 degradations.',
    );
    expect(values(chart.spec)).toHaveLength(8 + 3);
    // Both axes log where every value is positive, ticked at the decades around the data (FID-like
    // 10–80 here); the y title is the metric's own, short enough not to stretch the facet cell.
    const y = (chart.spec as unknown as { spec: { layer: { encoding: { y: { title: string; scale: object; axis: object } } }[] } }).spec
      .layer[0].encoding.y;
    expect(y.scale).toEqual({ type: 'log', padding: 16 });
    expect(y.axis).toEqual({ values: [10, 100], format: '~g' });
    expect(y.title).toBe('FID-like (lower is better)');
  });

  it('Q4: every sampler against the reference, by the interval of the paired difference', () => {
    const { caption } = buildQ4(data);
    expect(caption).toContain('Pre-registered (suite comparisons.q4): every sampler against alg2, generation at δ = 0.05');
    // FID-like alg2 − direct = −10 with replicate std |1 − 2| = 1: [−11.96, −8.04], alg2 better.
    expect(caption).toContain('Restoration FID-like (lower is better): alg2 against direct: better for gaussian (Δ -10.0 [-12.0, -8.04])');
    // SSIM alg2 − direct = −0.1 with std 1: the interval holds 0.
    expect(caption).toContain(
      'Restoration SSIM (higher is better): alg2 against direct: better for none; worse for none; not distinguishable for gaussian',
    );
    expect(caption).toContain('Generation FID-like (lower is better): alg2 against direct: better for gaussian');
  });

  it('Q5: the iterative sampler against one shot, sharpness judged by its distance from the target', () => {
    const chart = buildQ5(data);
    expect(chart.caption).toContain('Pre-registered (suite comparisons.q5): alg2 against direct.');
    expect(chart.caption).toContain('on Sharpness (distance from 1)');
    expect(chart.caption).toContain('Generation (δ = 0.05):');
    expect(chart.caption).toContain(`dashed line: ${METRICS.sharpness.target}`);
    expect(
      values(chart.spec)
        .filter((v) => v.metric === 'sharpness')
        .every((v) => v.target === METRICS.sharpness.target),
    ).toBe(true);
  });
});

/** A row copied to the suite-grid point train.steps = `steps` (its variant and name tagged `@steps`). */
const atSteps = (steps: number) => (r: ReportData['rows'][number]) => ({
  ...r,
  variant: `${r.variant}@${steps}`,
  name: `${r.name}@${steps}`,
  settings: { 'train.steps': steps },
});

describe('Q1 over a suite-level grid', () => {
  it('compares each cold variant with the hot one of its grid point only', () => {
    const at = atSteps;
    const generation = data.rows.filter((r) => r.mode === 'generation' && (r.degradation === 'gaussian' || r.degradation === 'blur'));
    const { caption } = buildQ1({ ...data, rows: [...generation.map(at(1500)), ...generation.map(at(3000))] });
    expect(caption).toContain('gaussian@1500 beats blur@1500');
    expect(caption).toContain('gaussian@3000 beats blur@3000');
    expect(caption).not.toContain('blur@1500 − gaussian@3000');
    expect(caption.match(/ beats /g)).toHaveLength(2);
  });
});

describe('Q5 with L1- and L2-trained runs of one degradation', () => {
  it('compares their one-shot restorations, paired by seed', () => {
    // Two variants that differ only in train.loss, 3 seeds each: direct sharpness 0.5 ± 0.01 (L2)
    // against 0.8 ± 0.01 (L1), i.e. 0.5 and 0.2 from the target 1: L1 is sharper by 0.3.
    const row = (loss: string, seed: number, value: number) => ({
      ...data.rows[0],
      variant: `blur[train.loss=${loss}]`,
      name: `blur[train.loss=${loss}]`,
      key: `blur[seed=${seed},train.loss=${loss}]`,
      settings: { 'train.loss': loss },
      degradation: 'blur',
      family: 'blur' as const,
      seed,
      mode: 'restoration' as const,
      sampler: 'direct',
      delta: null,
      metric: 'sharpness' as const,
      descriptor: PLUGINS.metrics.sharpness,
      value,
      boot: null,
    });
    const rows = [0, 1, 2].flatMap((seed) => [row('l1', seed, 0.8 + 0.01 * (seed - 1)), row('l2', seed, 0.5 + 0.01 * (seed - 1))]);
    const { caption } = buildQ5({ ...data, rows, floors: [] });
    // Distances 0.5 vs 0.2 in every seed: Δ = 0.3 exactly, a zero-width t-interval over 3 seeds.
    expect(caption).toContain(
      'One shot (direct) trained with L2 against L1: L1 beats blur[train.loss=l2] (L2) on Sharpness (distance from 1) (blur[train.loss=l2] (L2) − L1: Δ = 0.300, 95% CI [0.300, 0.300]; t over 3 seeds, df 2).',
    );
  });
});

describe('the restoration table', () => {
  it('gives each mean its interval, marks no best cell, and judges the declared pair', () => {
    const table = buildRestorationTable(data);
    expect(table.samplers).toEqual(['degraded', 'direct', 'alg2']);
    expect(table.rows.map((r) => r.name)).toEqual(['gaussian', 'blur', 'inpaint', 'pixelate']);
    const [fid] = table.rows[0].groups;
    expect(cellText(fid.cells[2])).toBe(`50.0 [${(50 - Z).toFixed(1)}, ${(50 + Z).toFixed(1)}]`);
    expect(table.caption).toContain('alg2 against direct (pre-registered, suite comparisons.q5)');
    expect(table.caption).toContain(
      'FID-like: better for 4, worse for 0, not distinguishable for 0; SSIM: better for 0, worse for 0, not distinguishable for 4',
    );
    expect(tableMarkdown(table)).toContain('| gaussian (noise) | 100 [92.2, 108] | 60.0 [56.1, 63.9] | 50.0 [48.0, 52.0] |');
    expect(tableMarkdown(table)).not.toContain('**');
  });
});

describe('the convergence gate', () => {
  const withReal = (share: number): ReportData => ({
    ...data,
    floors: [
      {
        n: 512,
        fid: { mean: 4, std: 1, draws: 5 },
        kid: { mean: 0.001, std: 0.001, draws: 5 },
        recognisable: { mean: share, std: 0.01, draws: 5 },
      },
    ],
  });

  it('states no ordering while the hot baseline is not recognisable', () => {
    // Fixture: gaussian alg2 δ=0 is recognised at 0.5; real digits at 0.95 need 0.8 × 0.95 = 0.76.
    const q1 = buildQ1(withReal(0.95));
    expect(q1.caption).toContain(
      "No ordering is stated: the hot baseline's samples (alg2, δ = 0) are recognisable digits at a share of 0.500 against 0.950 for real digits (gate: 0.8 × that = 0.760)",
    );
    expect(q1.caption).toContain('blur vs gaussian on FID-like: not judged at this budget: the hot baseline fails the convergence gate');
    expect(buildQ4(withReal(0.95)).caption).toContain(
      'alg2 against direct, not judged at this budget: the hot baseline fails the convergence gate',
    );
    expect(buildRestorationTable(withReal(0.95)).caption).toContain('SSIM: not judged at this budget');
  });

  it('judges each budget of a suite that grids train.steps by its own hot baseline', () => {
    // Fixture: gaussian alg2 δ=0 recognised at 0.5. At 3000 steps it is copied at 0.9 instead;
    // real digits at 0.95 need 0.76, so 1500 fails and 3000 passes.
    const recognisedBetter = (r: ReportData['rows'][number]) => r.metric === 'recognisable' && r.degradation === 'gaussian';
    const at = (steps: number) => (r: ReportData['rows'][number]) =>
      steps === 3000 && recognisedBetter(r) ? { ...atSteps(steps)(r), value: 0.9, boot: null } : atSteps(steps)(r);
    const generation = withReal(0.95).rows.filter((r) => r.mode === 'generation' && ['gaussian', 'blur'].includes(r.degradation));
    const { caption } = buildQ1({ ...withReal(0.95), rows: [...generation.map(at(1500)), ...generation.map(at(3000))] });
    expect(caption).toContain('at a share of 0.500 (train.steps=1500), 0.900 (train.steps=3000, passes) against 0.950');
    expect(caption).toContain('blur@1500 vs gaussian@1500 on FID-like: not judged at this budget');
    expect(caption).toContain('gaussian@3000 beats blur@3000');
  });

  it('lets the comparisons speak once it passes', () => {
    const q1 = buildQ1(withReal(0.6)); // 0.5 ≥ 0.8 × 0.6 = 0.48
    expect(q1.caption).toContain('Convergence gate passed');
    expect(q1.caption).toContain('gaussian beats blur on FID-like');
  });
});

describe('the exploratory panel', () => {
  it('shows every sampler and δ, labelled as not pre-registered', () => {
    const chart = buildQ1Exploratory(data);
    expect(chart.name).toBe('q1-exploratory');
    expect(chart.caption).toContain('Exploratory, not pre-registered');
    expect(values(chart.spec)).toHaveLength(3 * 3 * 2); // gaussian, blur, pixelate × 3 samplers × 2 δ
  });
});

describe('captions say what is missing', () => {
  const without = (keep: (r: ReportData['rows'][number]) => boolean): ReportData => ({
    ...data,
    rows: data.rows.filter(keep),
    notRestoration: [],
    floors: [],
  });

  it('Q1 without the hot baseline, and with no generation at all', () => {
    expect(buildQ1(without((r) => r.family !== 'noise')).caption).toContain(
      "No hot baseline (family 'noise', e.g. gaussian) generated with alg2 at δ = 0",
    );
    expect(buildQ1(without((r) => r.mode === 'restoration')).caption).toContain('No generation results at the pre-registered arms.');
  });

  it('Q1 names what generated but not at its declared arm', () => {
    expect(buildQ1(without((r) => !(r.degradation === 'blur' && r.delta === 0.05))).caption).toContain(
      'Generated, but not at its pre-registered arm: blur.',
    );
  });

  it('Q2 with a single δ', () => {
    expect(buildQ2(without((r) => r.delta !== 0.05)).caption).toContain(
      'The suite generated only at δ = 0; add 0 and 0.05 to sampling.deltas',
    );
  });

  it('Q3 with fewer than 3 degradations', () => {
    const caption = buildQ3(without((r) => r.degradation === 'blur' || r.degradation === 'gaussian')).caption;
    expect(caption).toContain('Generation at the declared arms (FID-like): 2 points with both numbers; ρ needs at least 3.');
  });
});

describe('the generation table', () => {
  it('gives each generating degradation at its pre-registered arm, with intervals', () => {
    // Fixture arms: hot alg2 at δ = 0, cold alg2 at δ = 0.05. FID-like = GEN_FID + 0 (alg2) ± 1 by
    // seed, so the mean over the 2 seeds is GEN_FID itself: gaussian 35 (δ 0), blur 41.2 and pixelate 55 (δ 0.05).
    const table = buildGenerationTable(data);
    expect(table.rows.map((r) => [r.name, r.arm, r.cells[0].mean])).toEqual(
      [
        ['gaussian', 'alg2, δ = 0', 35],
        ['blur', 'alg2, δ = 0.05', 41.2],
        ['pixelate', 'alg2, δ = 0.05', 55],
      ].map(([n, a, v]) => [n, a, expect.closeTo(v as number, 10)]),
    );
    expect(table.metrics.map((m) => m.name)).toEqual(['fid', 'recognisable', 'diversity', 'sharpness']);
    // Recognisable: 0.5 for the hot baseline, 0.3 for the rest (fixture).
    expect(table.rows.map((r) => r.cells[1].mean)).toEqual([0.5, 0.3, 0.3]);
    expect(generationMarkdown(table)).toContain('| gaussian (noise) | alg2, δ = 0 | 35.0');
  });
});
