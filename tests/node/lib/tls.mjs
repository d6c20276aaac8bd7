// SPDX-License-Identifier: MIT
// The shared dev TLS material of a node test run: `node lib/tls.mjs DIR`
// makes DIR hold ca.pem, ca.key, server.pem and server.key, created once by
// the server itself (`atrium serve --dev-tls` on a throwaway data dir), and
// prints DIR/ca.pem. Idempotent: an existing complete DIR is kept. The tests
// then run with NODE_EXTRA_CA_CERTS=DIR/ca.pem and ATRIUM_TLS_TEMPLATE=DIR
// (see server.mjs). Used by the ctest fixture node.tls and by run.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './server.mjs';

const FILES = ['ca.pem', 'ca.key', 'server.pem', 'server.key'];

export function tlsComplete(dir) {
  return FILES.every((f) => fs.existsSync(path.join(dir, f)));
}

export async function ensureTls(dir) {
  dir = path.resolve(dir);
  if (tlsComplete(dir)) return path.join(dir, 'ca.pem');
  const server = await startServer({ name: 'tls', seedTls: false });
  const src = path.join(server.dataDir, 'tls');
  const staging = `${dir}.tmp-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o700 });
  for (const f of FILES) {
    if (!fs.existsSync(path.join(src, f))) {
      await server.stop({ requireClean: false });
      throw new Error(`atrium serve --dev-tls did not create ${path.join(src, f)}`);
    }
    fs.copyFileSync(path.join(src, f), path.join(staging, f));
  }
  await server.stop();
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return path.join(dir, 'ca.pem');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node lib/tls.mjs DIR');
    process.exit(2);
  }
  ensureTls(dir).then(
    (ca) => console.log(ca),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
