import type { ReportData } from './rows.js';
import { fmt } from './stats.js';

/** Below this sample size FID-like values spread too much between draws to rank configurations (docs/reference.md §5). */
export const MIN_COMPARABLE_N = 512;

/** The mean real-vs-real FID-like floor over the runs that recorded one, with its sample size; undefined when none did. */
export function fidFloor(data: ReportData): { n: number; mean: number; std: number } | undefined {
  const floors = data.floors.filter((f) => f.fid !== undefined);
  if (!floors.length) return undefined;
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  return { n: Math.min(...floors.map((f) => f.n)), mean: mean(floors.map((f) => f.fid!.mean)), std: mean(floors.map((f) => f.fid!.std)) };
}

/**
 * The sentence every FID-like caption carries: the real-vs-real floor at the sample size used
 * (real images that are not the reference, scored as a sample set is), and, below N = 512, that
 * the numbers check the plumbing only.
 */
export function floorNote(data: ReportData): string {
  const floor = fidFloor(data);
  if (!floor) return '';
  const small =
    floor.n < MIN_COMPARABLE_N
      ? ` N = ${floor.n} < ${MIN_COMPARABLE_N}: these FID-like values check the plumbing only and cannot rank configurations.`
      : '';
  return ` Real-vs-real floor at N = ${floor.n} (other real images against the same reference): FID-like ${fmt(floor.mean)} ± ${fmt(floor.std)}; differences below it are noise.${small}`;
}
