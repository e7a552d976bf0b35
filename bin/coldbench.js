#!/usr/bin/env -S node --single-threaded-gc
// Suite workers are threads of this one process, one per core; V8's background GC threads would
// compete with them for those cores (`coldbench bench scaling`: 2 workers 1.67–1.71× faster than
// 1 without the flag, 1.72–1.84× with it). V8 takes the flag only at start-up, hence the shebang.
// The CLI is compiled to dist/ by `npm ci` (the package's prepare script).
import '../dist/cli/index.js';
