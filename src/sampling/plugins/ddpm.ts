import { defineSampler } from '../define.js';
import { ddimWith } from './ddim.js';

/** DDIM with η = 1, ancestral sampling with fresh noise each step (DDPM's sampler). */
export const ddpm = defineSampler({
  name: 'ddpm',
  requires: 'mix',
  stochastic: true,
  doc: "DDIM with η = 1: ancestral sampling with fresh noise at every step (DDPM's sampler).",
  sample: ddimWith(1, 'ddpm'),
});
