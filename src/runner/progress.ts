import cliProgress from 'cli-progress';

/** One line per active run (step, loss, ETA) under an overall bar (cli-progress). */
export class SuiteProgress {
  private readonly bars = new cliProgress.MultiBar(
    {
      format: '{label} |{bar}| {value}/{total} {detail} ETA {eta_formatted}',
      hideCursor: true, clearOnComplete: false, stopOnComplete: false,
      noTTYOutput: true, notTTYSchedule: 30_000, etaBuffer: 50, fps: 5,
    },
    cliProgress.Presets.shades_grey,
  );
  private readonly overall: cliProgress.SingleBar;
  private readonly active = new Map<string, cliProgress.SingleBar>();

  constructor(total: number, private readonly enabled: boolean, private readonly plain: (line: string) => void = (line) => console.error(line)) {
    this.overall = this.enabled ? this.bars.create(total, 0, { label: 'suite'.padEnd(36), detail: 'runs' }) : (undefined as never);
  }

  /** Training progress of a run; its bar appears with its first step. */
  step(key: string, step: number, loss: number, steps: number): void {
    if (!this.enabled) return;
    if (!this.active.has(key)) this.active.set(key, this.bars.create(steps, 0, { label: key.slice(0, 36).padEnd(36), detail: '' }));
    this.active.get(key)!.update(step, { detail: `loss ${loss.toFixed(4)}` });
  }

  /** A run ended in `state`. */
  finish(key: string, state: string): void {
    const bar = this.active.get(key);
    if (bar) {
      bar.update({ detail: state });
      this.bars.remove(bar);
      this.active.delete(key);
    }
    if (this.enabled) this.overall.increment();
  }

  /** Prints a line above the bars. */
  log(line: string): void {
    if (this.enabled) this.bars.log(`${line}\n`);
    else this.plain(line);
  }

  stop(): void {
    if (this.enabled) this.bars.stop();
  }
}
