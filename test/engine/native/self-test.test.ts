import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadNativeAddon, NATIVE_ADDON_PATH, type NativeAddon } from '../../../src/engine/native/addon.js';
import { nativeSelfTest, selfTestRecordPath, type SelfTestResult } from '../../../src/engine/native/self-test.js';

const loaded = loadNativeAddon();
const built = 'addon' in loaded ? describe : describe.skip;
const addon = () => (loaded as { addon: NativeAddon }).addon;

/** Runs the CLI as a user would, with extra environment; never throws. */
async function coldbench(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', ['bin/coldbench.js', ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    return error as { code: number; stdout: string; stderr: string };
  }
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'coldbench-self-test-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A copy of the addon in its own folder, so its verdict is kept apart from the real one's. */
async function addonCopy(name: string): Promise<string> {
  const path = join(dir, `${name}.node`);
  await copyFile(NATIVE_ADDON_PATH, path);
  return path;
}

built('the native engine self-test', () => {
  it('runs every native kernel on the shapes the presets produce (batches 1–64), in a child process, and passes', async () => {
    // A failure here names the kernel and shape that crashed or disagreed with wasm.
    const verdict = await nativeSelfTest(NATIVE_ADDON_PATH, addon(), { force: true });
    expect({ ok: verdict.ok, failure: verdict.failure }).toEqual({ ok: true, failure: undefined });
    expect(verdict.kernels).toBeGreaterThan(500); // distinct kernel shapes, each checked against wasm
    expect(verdict.workloads).toBeGreaterThan(40);
    const kept = JSON.parse(await readFile(selfTestRecordPath(NATIVE_ADDON_PATH), 'utf8')) as SelfTestResult;
    expect(kept).toEqual(verdict);
    // The kept verdict is honoured: no second probe.
    const started = performance.now();
    expect(await nativeSelfTest(NATIVE_ADDON_PATH, addon())).toEqual(verdict);
    expect(performance.now() - started).toBeLessThan(2000);
  }, 300_000);

  it('a kernel that crashes disables the engine: auto uses wasm with one line naming it, native exits 2', async () => {
    const env = { COLDBENCH_NATIVE_ADDON: await addonCopy('crashing'), COLDBENCH_NATIVE_FAULT: 'Conv2DBackpropFilter' };
    const bench = ['bench', 'train', '--preset', 'small', '--steps', '1', '--warmup', '1', '--json'];
    const line =
      /^coldbench: the native engine failed its self-test on .+: the self-test crashed \(SIGSEGV\) in Conv2DBackpropFilter x\[1,32,32,32\] dy\[1,32,32,1\] .*\(workload: train reference batch 1\); re-run it with `coldbench self-test`; using wasm$/m;
    const auto = await coldbench(bench, env);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toMatch(line);
    expect(JSON.parse(auto.stdout)).toMatchObject({ backend: 'wasm' });
    const asked = await coldbench(['--backend', 'native', ...bench], env);
    expect(asked.code).toBe(2);
    expect(asked.stderr.trim().split('\n')).toHaveLength(1); // the kept verdict: no probe this time
    expect(asked.stderr.trim()).toMatch(
      /^coldbench: Backend 'native' is not available here\. The native engine failed its self-test on .+: the self-test crashed \(SIGSEGV\) in Conv2DBackpropFilter .+, or use --backend wasm\.$/,
    );
    const retest = await coldbench(['self-test', '--json'], env);
    expect(retest.code).toBe(1);
    expect(JSON.parse(retest.stdout)).toMatchObject({ ok: false, workloads: 1 });
  }, 120_000);

  it('a kernel that computes a wrong value disables the engine too', async () => {
    const path = await addonCopy('wrong');
    process.env.COLDBENCH_NATIVE_FAULT = 'ColdbenchReluGrad:wrong';
    try {
      const verdict = await nativeSelfTest(path, addon());
      expect(verdict.ok).toBe(false);
      // The first ReLU gradient of the reference U-Net's backward pass at batch 1 (its last 3×3 conv); one output is off by 1.
      expect(verdict.failure).toMatch(
        /^kernel ColdbenchReluGrad dy\[1,32,32,32\] y\[1,32,32,32\] disagrees with wasm \(relative error \S+\)$/,
      );
    } finally {
      delete process.env.COLDBENCH_NATIVE_FAULT;
    }
  }, 120_000);
});
