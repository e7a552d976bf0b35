import * as tf from '@tensorflow/tfjs-core';
import sharp from 'sharp';

export interface GridOptions {
  /** Integer upscale of every cell (nearest neighbour). Default 1. */
  readonly scale?: number;
  /** Pixels between cells, after scaling. Default 2. */
  readonly gap?: number;
  /** Grey level of the gaps, 0..255. Default 255 (white). */
  readonly background?: number;
}

/**
 * A PNG of an image grid in [−1, 1] (clipped): rows given as [cols, H, W, C] tensors or one
 * [rows, cols, H, W, C] tensor; 1 or 3 channels. Cells are separated by a small gap.
 */
export async function gridToPng(grid: readonly tf.Tensor4D[] | tf.Tensor5D, options: GridOptions = {}): Promise<Buffer> {
  const { scale = 1, gap = 2, background = 255 } = options;
  const rows = Array.isArray(grid) ? (grid as readonly tf.Tensor4D[]) : (tf.unstack(grid as tf.Tensor5D) as tf.Tensor4D[]);
  try {
    const [, h, w, c] = rows[0].shape;
    if (c !== 1 && c !== 3) throw new RangeError(`gridToPng: ${c} channels; expected 1 or 3`);
    const cols = Math.max(...rows.map((r) => r.shape[0]));
    const [cellH, cellW] = [h * scale, w * scale];
    const width = cols * cellW + (cols - 1) * gap;
    const height = rows.length * cellH + (rows.length - 1) * gap;
    const out = Buffer.alloc(width * height * c, background);
    rows.forEach((row, r) => {
      const pixels = row.dataSync();
      for (let k = 0; k < row.shape[0]; k++) {
        for (let y = 0; y < cellH; y++) {
          const src = (k * h + Math.floor(y / scale)) * w * c;
          const dst = ((r * (cellH + gap) + y) * width + k * (cellW + gap)) * c;
          for (let x = 0; x < cellW; x++) {
            for (let ch = 0; ch < c; ch++) {
              const v = pixels[src + Math.floor(x / scale) * c + ch];
              out[dst + x * c + ch] = Math.round(Math.min(Math.max((v + 1) / 2, 0), 1) * 255);
            }
          }
        }
      }
    });
    const image = sharp(out, { raw: { width, height, channels: c } });
    return await (c === 1 ? image.toColourspace('b-w') : image).png().toBuffer();
  } finally {
    if (!Array.isArray(grid)) tf.dispose(rows as tf.Tensor4D[]);
  }
}
