import { defineSampler, iterate } from '../define.js';

/** Algorithm 1 of Bansal et al. 2022 (naive): x̂0 = R(x_s, s); x_{s−1} = D(x̂0, s−1). */
export const alg1 = defineSampler({
  name: 'alg1',
  stochastic: false,
  doc: 'Algorithm 1 of Bansal et al. 2022: x_{s−1} = D(R(x_s, s), s−1).',
  sample: iterate((_xs, x0Hat, s, D) => D(x0Hat, s - 1), false),
});
