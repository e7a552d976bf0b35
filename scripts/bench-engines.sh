#!/usr/bin/env bash
# Training speed of the reference U-Net on every engine, one after another on a quiet machine,
# each followed by the PyTorch reference with the same thread count (the engine table in docs/engine.md).
# Usage: scripts/bench-engines.sh [steps]   (cpu runs 1 timed step: it is thousands of times slower)
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-20}
for threads in 1 2; do
  bin/coldbench.js --backend native --threads "$threads" bench train --preset reference --steps "$steps" --compare-torch --json
done
bin/coldbench.js --backend wasm bench train --preset reference --steps "$steps" --compare-torch --json
bin/coldbench.js --backend cpu bench train --preset reference --steps 1 --warmup 1 --json
