#!/usr/bin/env node
// The CLI is compiled to dist/ by `npm ci` (the package's prepare script).
import '../dist/cli/index.js';
