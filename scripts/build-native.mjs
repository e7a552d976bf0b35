#!/usr/bin/env node
// Builds the optional native engine (native/, a Node-API addon linking Debian's libdnnl) on
// `npm ci`. Without libdnnl-dev, or when the build fails, it says so in one line and exits 0:
// coldbench then runs on wasm, and `--backend auto` names the package to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const header = process.env.COLDBENCH_DNNL_HEADER ?? '/usr/include/dnnl.hpp';
const notice = (why) =>
  console.log(
    `coldbench: native engine not built (${why}); install libdnnl-dev (apt-get install libdnnl-dev) and run npm ci again for it. wasm works without it.`,
  );

if (process.env.COLDBENCH_SKIP_NATIVE) {
  notice('COLDBENCH_SKIP_NATIVE is set');
} else if (!existsSync(header)) {
  notice(`${header} is missing`);
} else {
  // npm hands its bundled node-gyp to lifecycle scripts; Node's own headers avoid any download.
  const gyp = process.env.npm_config_node_gyp;
  const nodedir = dirname(dirname(process.execPath));
  const args = ['rebuild', ...(existsSync(join(nodedir, 'include', 'node', 'node_api.h')) ? [`--nodedir=${nodedir}`] : [])];
  const built = gyp
    ? spawnSync(process.execPath, [gyp, ...args], { cwd: join(root, 'native'), stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' })
    : undefined;
  if (!built) notice('node-gyp not found: run this through npm (npm ci or npm rebuild)');
  else if (built.status !== 0) {
    process.stderr.write(
      built.stderr
        .split('\n')
        .filter((l) => /error/i.test(l))
        .slice(0, 10)
        .join('\n') + '\n',
    );
    notice(`node-gyp failed with exit code ${built.status}`);
  } else console.log('coldbench: native engine built (native/build/Release/coldbench_native.node)');
}
