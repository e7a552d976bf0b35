// The layering of src/ (docs/architecture.md): the arrows that must never exist. Checked in CI by
// `npm run lint`. .dependency-cruiser-known-violations.json lists violations accepted for now (none
// today); `--ignore-known` fails on any new one. Reports and the runner may import types from
// below (no code runs); results/ may not even do that, since it owns the run record's types.
/** Modules that train, sample or run kernels: what validation and reporting must not pull in. */
const COMPUTE = '^src/(worker|train|model|sampling|engine|data|degradations|analysis)/';
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', comment: 'A cycle makes the layers meaningless.', from: {}, to: { circular: true } },
    { name: 'results-owns-record', severity: 'error', comment: 'results/ owns the run record and its vocabulary: it imports nothing of coldbench but util/ and errors, not even types, so every layer may read it.', from: { path: '^src/results/' }, to: { path: '^src/(?!results/|util/|errors[.]ts)' } },
    { name: 'reports-not-compute', severity: 'error', comment: 'Reports are built from saved results only, without the engine or any model.', from: { path: '^src/reports/' }, to: { path: `${COMPUTE}|^src/metrics/(?!define)`, dependencyTypesNot: ['type-only'] } },
    { name: 'runner-not-compute', severity: 'error', comment: 'Validating and expanding a suite imports no compute module; the worker does the work.', from: { path: '^src/runner/' }, to: { path: COMPUTE, dependencyTypesNot: ['type-only'] } },
    { name: 'validation-loads-no-engine', severity: 'error', comment: 'Validating and expanding a suite reaches no tfjs, sharp or model code, not even through a helper.', from: { path: '^src/runner/(validate|expand|suite-schema|source|catalogue)[.]ts$' }, to: { path: `${COMPUTE}|node_modules/(@tensorflow|sharp)/`, reachable: true } },
    { name: 'metrics-not-degradations', severity: 'error', comment: 'Metrics measure images; they do not know how they were degraded.', from: { path: '^src/metrics/' }, to: { path: '^src/degradations/' } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
