import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadNativeAddon } from '../../../src/engine/native/addon.js';

const run = promisify(execFile);

/** Runs a node script as npm or a user would, with extra environment; never throws. */
async function node(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('node', args, { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const hidden = { COLDBENCH_NATIVE_ADDON: join(tmpdir(), 'coldbench-no-such-addon.node') };
const fix = "install Debian's libdnnl-dev (apt-get install libdnnl-dev), then run npm ci again";

describe('without the native engine', () => {
  it('says why the addon cannot load and which package fixes it', () => {
    expect(loadNativeAddon(hidden.COLDBENCH_NATIVE_ADDON)).toEqual({ reason: `the native engine is not built (${fix})` });
    const broken = join(tmpdir(), 'coldbench-broken-addon.node');
    writeFileSync(broken, 'not a shared object');
    const loaded = loadNativeAddon(broken);
    expect('reason' in loaded && loaded.reason).toMatch(
      new RegExp(`^the native engine does not load \\(.+; ${fix.replace(/[()]/g, '\\$&')}\\)$`),
    );
  });

  it('npm ci still succeeds: the build script names the package and exits 0', async () => {
    const { code, stdout } = await node(['scripts/build-native.mjs'], { COLDBENCH_DNNL_HEADER: '/nonexistent/dnnl.hpp' });
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(
      'coldbench: native engine not built (/nonexistent/dnnl.hpp is missing); install libdnnl-dev (apt-get install libdnnl-dev) and run npm ci again for it. wasm works without it.',
    );
  });

  it('auto falls back to wasm with a one-line notice; asking for native fails with exit code 2', async () => {
    const bench = ['bin/coldbench.js', 'bench', 'train', '--preset', 'small', '--steps', '1', '--warmup', '1', '--json'];
    const auto = await node(bench, hidden);
    expect(auto.code).toBe(0);
    expect(auto.stderr).toContain(`coldbench: the native engine is not built (${fix}); using wasm\n`);
    expect(JSON.parse(auto.stdout)).toMatchObject({ backend: 'wasm', threads: 1 });
    const asked = await node(['bin/coldbench.js', '--backend', 'native', ...bench.slice(1)], hidden);
    expect(asked.code).toBe(2);
    expect(asked.stderr.trim()).toBe(
      `coldbench: Backend 'native' is not available here. The native engine is not built (${fix}), or use --backend wasm.`,
    );
  });
});

const built = 'addon' in loadNativeAddon() ? describe : describe.skip;
built('with the native engine built', () => {
  it('auto picks it, says so, and runs the threads asked for', async () => {
    const { code, stdout, stderr } = await node([
      'bin/coldbench.js',
      '--threads',
      '2',
      'bench',
      'train',
      '--preset',
      'small',
      '--steps',
      '1',
      '--warmup',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stderr).toMatch(
      /coldbench: backend native \(oneDNN \d+\.\d+\.\d+ \(\w+\) \+ @tensorflow\/tfjs-backend-wasm@[\d.]+, 2 threads\)/,
    );
    expect(JSON.parse(stdout)).toMatchObject({ backend: 'native', threads: 2 });
  });
});
