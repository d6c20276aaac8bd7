// SPDX-License-Identifier: MIT
// Run node test files by hand, the way ctest does:
//   ATRIUM_BIN=build/atrium node tests/node/run.mjs [FILE...]
// Creates (once) the shared dev TLS material in $ATRIUM_NODE_TLS_DIR (default
// <tmp>/atrium-node-tls-<uid>), then runs `node --test --test-reporter=spec`
// on the files (default: every *.test.mjs here, one at a time) with
// NODE_EXTRA_CA_CERTS and ATRIUM_TLS_TEMPLATE set. Exits with node's status.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureTls } from './lib/tls.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir =
  process.env.ATRIUM_NODE_TLS_DIR ?? path.join(os.tmpdir(), `atrium-node-tls-${process.getuid?.() ?? 'u'}`);
const ca = await ensureTls(dir);
let files = process.argv.slice(2);
if (files.length === 0) {
  files = fs
    .readdirSync(here)
    .filter((f) => f.endsWith('.test.mjs'))
    .sort()
    .map((f) => path.join(here, f));
}
const child = spawn(
  process.execPath,
  ['--test', '--test-reporter=spec', '--test-concurrency=1', ...files],
  { stdio: 'inherit', env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, ATRIUM_TLS_TEMPLATE: dir } },
);
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
