/**
 * Normalised Gaussian taps ∝ exp(−k²/2σ²), k = −radius..radius (torchgeometry's get_gaussian_kernel).
 * Shared by the blur degradations and SSIM's window, so it lives below both.
 */
export function gaussianKernel1d(radius: number, sigma: number): Float64Array {
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += taps[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  return taps.map((v) => v / sum);
}
