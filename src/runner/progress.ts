import cliProgress from 'cli-progress';

/** Plain progress lines per run without a terminal: one at each tenth of its training steps. */
const PLAIN_LINES_PER_RUN = 10;

/**
 * Suite progress. On a terminal: one bar per active run (step, loss, then the phase it is in once
 * training is over) under an overall bar (cli-progress). Without one (`--no-progress`, a log file,
 * a Slurm job): plain lines, a run's step, loss and rate at each tenth of its training, and each
 * phase after training as it starts, so a log shows where every run is.
 */
export class SuiteProgress {
  private readonly bars = new cliProgress.MultiBar(
    {
      format: '{label} |{bar}| {value}/{total} {detail} ETA {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      noTTYOutput: true,
      notTTYSchedule: 30_000,
      etaBuffer: 50,
      fps: 5,
    },
    cliProgress.Presets.shades_grey,
  );
  private readonly overall: cliProgress.SingleBar;
  private readonly active = new Map<string, cliProgress.SingleBar>();
  /** When each run's first step of this invocation arrived, and at which step (its rate's origin). */
  private readonly started = new Map<string, { at: number; step: number }>();
  /** Bar labels: as wide as the longest key (up to 60 columns), so keys are not cut. */
  private readonly width: number;

  /** When the suite started, and the wall seconds measured runs said it would take (null: no estimate). */
  private readonly start = performance.now();

  constructor(
    total: number,
    private readonly enabled: boolean,
    private readonly plain: (line: string) => void = (line) => console.error(line),
    keys: readonly string[] = [],
    private readonly estimate: number | null = null,
  ) {
    this.width = Math.min(60, Math.max(5, ...keys.map((k) => k.length)));
    // The suite bar's time left comes from measured runs (runner/survey.ts), not from cli-progress's
    // rate of finished runs, which swings from 0 s to hours while the first runs train.
    this.overall = this.enabled
      ? this.bars.create(
          total,
          0,
          { label: 'suite'.padEnd(this.width), detail: this.left() },
          { format: '{label} |{bar}| {value}/{total} runs {detail}' },
        )
      : (undefined as never);
  }

  /** `about 12 min left (from measured runs)`, counted down from the estimate; '' without one. */
  private left(): string {
    if (this.estimate === null) return '';
    const seconds = Math.max(0, this.estimate - (performance.now() - this.start) / 1000);
    return `about ${seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`} left (from measured runs)`;
  }

  private label(key: string): string {
    return (key.length > this.width ? `${key.slice(0, this.width - 1)}…` : key).padEnd(this.width);
  }

  /** Training progress of a run; its bar appears with its first step. */
  step(key: string, step: number, loss: number, steps: number): void {
    if (!this.started.has(key)) this.started.set(key, { at: performance.now(), step: step - 1 });
    if (!this.enabled) {
      const every = Math.max(1, Math.ceil(steps / PLAIN_LINES_PER_RUN));
      if (step % every !== 0 && step !== steps) return;
      const from = this.started.get(key)!;
      const rate = (step - from.step) / Math.max(1e-3, (performance.now() - from.at) / 1000);
      this.plain(`${'training'.padEnd(9)} ${key} step ${step}/${steps} loss ${loss.toFixed(4)} (${rate.toFixed(2)} steps/s)`);
      return;
    }
    if (!this.active.has(key)) this.active.set(key, this.bars.create(steps, 0, { label: this.label(key), detail: '' }));
    this.active.get(key)!.update(step, { detail: `loss ${loss.toFixed(4)}` });
  }

  /** A run entered a phase after training (`sample generation alg2 δ=0`, `metrics …`). */
  phase(key: string, phase: string): void {
    if (phase === 'train') return;
    if (!this.enabled) {
      this.plain(`${'phase'.padEnd(9)} ${key} ${phase}`);
      return;
    }
    this.active.get(key)?.update({ detail: phase });
  }

  /** A run ended in `state`. */
  finish(key: string, state: string): void {
    const bar = this.active.get(key);
    if (bar) {
      bar.update({ detail: state });
      this.bars.remove(bar);
      this.active.delete(key);
    }
    this.started.delete(key);
    if (this.enabled) this.overall.increment({ detail: this.left() });
  }

  /** Prints a line above the bars. */
  log(line: string): void {
    if (this.enabled) this.bars.log(`${line}\n`);
    else this.plain(line);
  }

  stop(): void {
    if (!this.enabled) return;
    // MultiBar.stop() renders the bars but not lines still waiting in its log buffer (the last
    // run's `completed` line was lost that way): one more redraw writes them first.
    this.bars.update();
    this.bars.stop();
  }
}
