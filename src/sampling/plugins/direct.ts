import { defineSampler, iterate } from '../define.js';

/** One-shot restoration x̂0 = R(x_T, T), the "Direct" baseline of Bansal et al. 2022's tables. */
export const direct = defineSampler({
  name: 'direct',
  stochastic: false,
  doc: 'One-shot restoration x̂0 = R(x_T, T): the "Direct" column of Bansal et al. 2022.',
  sample: iterate((_xs, x0Hat) => x0Hat, true),
});
