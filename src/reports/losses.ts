/** Loss curves as the report keeps them (window means of each run's loss.csv). */

/** Points drawn per run: loss.csv is averaged over windows of steps down to about this many. */
export const LOSS_POINTS = 200;

/** A run's loss curve as drawn: window means of its per-step training loss. */
export interface LossPoint {
  readonly variant: string;
  readonly name: string;
  readonly seed: number;
  /** Last step of the window. */
  readonly step: number;
  /** Mean loss over the window. */
  readonly loss: number;
}

/** Window means of a per-step loss series, at most about LOSS_POINTS of them (one per step for short runs). */
export function lossWindows(losses: readonly number[]): { step: number; loss: number }[] {
  const width = Math.max(1, Math.ceil(losses.length / LOSS_POINTS));
  const out: { step: number; loss: number }[] = [];
  for (let start = 0; start < losses.length; start += width) {
    const window = losses.slice(start, start + width).filter(Number.isFinite);
    if (window.length) out.push({ step: Math.min(losses.length, start + width), loss: window.reduce((a, b) => a + b, 0) / window.length });
  }
  return out;
}
