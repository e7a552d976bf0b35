import { SuiteProgress } from '../../src/runner/progress.js';

describe('SuiteProgress without a terminal', () => {
  it('prints a run at each tenth of its training and each phase after it, then its end', () => {
    const lines: string[] = [];
    const progress = new SuiteProgress(1, false, (line) => lines.push(line));
    for (let step = 1; step <= 50; step++) progress.step('blur[seed=0]', step, 1 / step, 50);
    progress.phase('blur[seed=0]', 'train');
    progress.phase('blur[seed=0]', 'sample restoration alg2');
    progress.log('completed blur[seed=0]');
    progress.finish('blur[seed=0]', 'completed');
    progress.stop();
    const training = lines.filter((l) => l.startsWith('training'));
    expect(training).toHaveLength(10);
    expect(training[0]).toMatch(/^training {2}blur\[seed=0\] step 5\/50 loss 0\.2000 \(\d+(\.\d+)? steps\/s\)$/);
    expect(training[9]).toContain('step 50/50 loss 0.0200');
    expect(lines.slice(10)).toEqual(['phase     blur[seed=0] sample restoration alg2', 'completed blur[seed=0]']);
  });
});
