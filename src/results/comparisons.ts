import { z } from 'zod';

/** One arm of a comparison: the sampler and start noise δ it is judged at. */
const arm = z.object({ sampler: z.string().min(1), delta: z.number().nonnegative() }).strict();

/**
 * The pre-registered comparisons of a suite (`comparisons` in its file): per question, the sampler
 * and δ each arm is judged at, fixed before any run, so that no chart or caption picks a setting
 * on the evaluation data. The defaults are the paper's: hot Gaussian sampled with DDIM from pure
 * noise (δ = 0; Song et al. 2021), cold degradations with Algorithm 2 at the broken symmetry
 * δ = 0.002 (Bansal et al. 2022, §5.2).
 */
export const comparisonsSchema = z
  .object({
    /** Q1, hot vs cold generation: FID-like of each cold degradation against the hot baseline. */
    q1: z
      .object({ hot: arm.prefault({ sampler: 'ddim', delta: 0 }), cold: arm.prefault({ sampler: 'alg2', delta: 0.002 }) })
      .strict()
      .prefault({}),
    /** Q2, randomness: the cold sampler at δ = `cold` (perfect symmetry) against δ = `broken`. */
    q2: z
      .object({
        sampler: z.string().min(1).default('alg2'),
        cold: z.number().nonnegative().default(0),
        broken: z.number().nonnegative().default(0.002),
      })
      .strict()
      .prefault({}),
    /** Q4, samplers: every sampler against `reference`, generation at δ = `delta`. */
    q4: z
      .object({ reference: z.string().min(1).default('alg2'), delta: z.number().nonnegative().default(0.002) })
      .strict()
      .prefault({}),
    /** Q5, iteration against one shot: `iterative` vs `oneShot` in restoration and at Q4's δ in generation. */
    q5: z
      .object({ iterative: z.string().min(1).default('alg2'), oneShot: z.string().min(1).default('direct') })
      .strict()
      .prefault({}),
    /**
     * The convergence gate (reports/gate.ts): the share of the hot baseline's samples the label
     * classifier recognises must reach this fraction of real digits' share, or no ordering is stated.
     */
    gate: z
      .object({ recognisable: z.number().min(0).max(1).default(0.8) })
      .strict()
      .prefault({}),
  })
  .strict();

export type Comparisons = z.output<typeof comparisonsSchema>;

/** The comparisons of a saved suite definition, defaults filled in (results from before the field get the paper's). */
export function comparisonsOf(definition: unknown): Comparisons {
  const declared = (definition as { comparisons?: unknown } | null)?.comparisons;
  return comparisonsSchema.parse(declared ?? {});
}
