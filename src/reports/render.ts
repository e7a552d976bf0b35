import sharp from 'sharp';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** Pixels per CSS pixel of the PNGs (librsvg renders SVG at 72 dpi by default). */
const PNG_SCALE = 2;

/**
 * Advance widths of DejaVu Sans (the font librsvg finds here), in em, by character class. vega in
 * Node has no canvas to measure text and guesses 0.8 em per character, which leaves labels and
 * titles far from their axes; this estimate stays close to, and slightly above, the real widths.
 */
function textWidth(text: string, size: number): number {
  let em = 0;
  for (const ch of text) {
    if (/[ilj.,:;'|!()[\]{} ]/.test(ch)) em += 0.33;
    else if (/[fIrt\-−/]/.test(ch)) em += 0.45;
    else if (/[mwMW%@]/.test(ch)) em += 0.95;
    else if (/[A-Z]/.test(ch)) em += 0.75;
    else em += 0.64;
  }
  return em * size;
}

type TextItem = { fontSize?: number; fontWeight?: string | number };
const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text: string) => number } }).textMetrics;

/**
 * vega-lite warns whenever a faceted chart with independent scales has several layers, because it
 * cannot prove the layers' data are forks of one source; in our specs they always are.
 */
const HARMLESS = /faceted independent scales that union domain/;

/** Compiles a Vega-Lite spec to Vega, returning vega-lite's warnings (the known harmless one left out). */
export function compileSpec(spec: TopLevelSpec): { vega: vega.Spec; warnings: string[] } {
  const warnings: string[] = [];
  const base = vega.logger(vega.Warn);
  const logger: vega.LoggerInterface = Object.assign(Object.create(base) as vega.LoggerInterface, {
    warn(...args: readonly unknown[]) {
      const text = args.map(String).join(' ');
      if (!HARMLESS.test(text)) warnings.push(text);
      return logger;
    },
  });
  return { vega: compile(spec, { logger }).spec, warnings };
}

/** Vega-Lite spec → SVG text: compile, run a headless vega View (`renderer: 'none'`), `toSVG()`. Warnings go to stderr. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  metrics.width = (item, text) => {
    const bold = item.fontWeight === 'bold' || Number(item.fontWeight) >= 600;
    return textWidth(String(text ?? ''), item.fontSize ?? 11) * (bold ? 1.1 : 1);
  };
  const { vega: compiled, warnings } = compileSpec(spec);
  for (const w of warnings) console.warn(`vega-lite: ${w}`);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** SVG text → PNG bytes, rasterised by sharp (librsvg) at `PNG_SCALE`× on white. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * PNG_SCALE })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}
