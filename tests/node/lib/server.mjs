// SPDX-License-Identifier: MIT
// Server lifecycle for the real-client tests: start `atrium serve` on a free
// loopback port with a fresh temporary data dir and dev TLS, wait for its
// "listening" log line, run the CLI on the same data dir, stop it with SIGTERM
// (requiring a clean exit), and kill whatever is left when the process exits.
//
// TLS trust: Node reads NODE_EXTRA_CA_CERTS once, at start-up, so the CA must
// exist before the test process starts. The ctest fixture `node.tls` (or
// `node run.mjs`) creates a dev CA once with the server itself (lib/tls.mjs);
// the tests get NODE_EXTRA_CA_CERTS=<dir>/ca.pem and ATRIUM_TLS_TEMPLATE=<dir>,
// and every server's fresh data dir is seeded with a copy of <dir> as its
// DIR/tls (the server reuses existing dev TLS files; it never regenerates them).
//
// Environment: ATRIUM_BIN (required), ATRIUM_TLS_TEMPLATE, NODE_EXTRA_CA_CERTS,
// ATRIUM_KEEP_TMP=1 keeps the data dirs, ATRIUM_SERVER_LOG=1 echoes server logs.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const TLS_FILES = ['ca.pem', 'ca.key', 'server.pem', 'server.key'];
const live = new Set();
const tmpDirs = new Set(); // temp dirs of servers not stopped yet

function killAllSync() {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
  live.clear();
  if (process.env.ATRIUM_KEEP_TMP !== '1') {
    for (const dir of tmpDirs) fs.rmSync(dir, { recursive: true, force: true });
  }
  tmpDirs.clear();
}
process.on('exit', killAllSync);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    killAllSync();
    process.exit(128 + (os.constants.signals[sig] ?? 1));
  });
}

export function atriumBin() {
  const bin = process.env.ATRIUM_BIN;
  if (!bin) throw new Error('ATRIUM_BIN must point to the atrium binary (e.g. build/atrium)');
  try {
    fs.accessSync(bin, fs.constants.X_OK);
  } catch {
    throw new Error(`ATRIUM_BIN=${bin} is not an executable file`);
  }
  return bin;
}

/** Copy the shared dev TLS files into dataDir/tls (0700 dir, 0600 keys). */
function seedTls(dataDir, template) {
  const dst = path.join(dataDir, 'tls');
  fs.mkdirSync(dst, { recursive: true, mode: 0o700 });
  for (const f of TLS_FILES) {
    const src = path.join(template, f);
    if (!fs.existsSync(src)) throw new Error(`ATRIUM_TLS_TEMPLATE=${template} has no ${f}`);
    fs.copyFileSync(src, path.join(dst, f));
    fs.chmodSync(path.join(dst, f), f.endsWith('.key') ? 0o600 : 0o644);
  }
}

function checkTrust(template) {
  const extra = process.env.NODE_EXTRA_CA_CERTS;
  if (!template || !extra) {
    throw new Error(
      'TLS trust is not set up: run the node tests through ctest (fixture node.tls) or ' +
        '`node tests/node/run.mjs FILE...`, which set NODE_EXTRA_CA_CERTS and ATRIUM_TLS_TEMPLATE ' +
        'before node starts (Node reads NODE_EXTRA_CA_CERTS only at start-up).',
    );
  }
  const a = fs.readFileSync(extra, 'utf8').trim();
  const b = fs.readFileSync(path.join(template, 'ca.pem'), 'utf8').trim();
  if (a !== b) {
    throw new Error(`NODE_EXTRA_CA_CERTS=${extra} is not the CA of ATRIUM_TLS_TEMPLATE=${template}`);
  }
}

/**
 * Start a server. Options: args (extra serve args), tls (default true: seed and
 * use dev TLS; false only for the TLS fixture itself), env (extra env),
 * name (for the temp dir), dataDir (reuse one).
 * Returns a Server.
 */
export async function startServer(opts = {}) {
  const bin = atriumBin();
  const template = process.env.ATRIUM_TLS_TEMPLATE;
  const seed = opts.seedTls ?? true;
  if (seed) checkTrust(template);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `atrium-node-${opts.name ?? 'test'}-`));
  tmpDirs.add(tmp);
  const dataDir = opts.dataDir ?? path.join(tmp, 'data');
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (seed) seedTls(dataDir, template);

  const args = [
    'serve',
    '--data',
    dataDir,
    '--listen',
    '127.0.0.1:0',
    '--dev-tls',
    '--signup-rate',
    '0',
    ...(opts.args ?? []),
  ];
  const server = new Server({ bin, args, tmp, dataDir, env: opts.env });
  await server.start();
  return server;
}

export class Server {
  constructor({ bin, args, tmp, dataDir, env }) {
    this.bin = bin;
    this.args = args;
    this.tmp = tmp;
    this.dataDir = dataDir;
    this.env = { ...process.env, ...(env ?? {}) };
    this.logLines = [];
    this.port = 0;
    this.url = '';
    this.child = null;
    this.exitCode = null;
    this.exitSignal = null;
  }

  get caPath() {
    return path.join(this.dataDir, 'tls', 'ca.pem');
  }

  /** The last n lines of the server's stderr, for failure messages. */
  logTail(n = 40) {
    return this.logLines.slice(-n).join('\n');
  }

  /** Parsed JSON log lines matching pred. */
  logs(pred = () => true) {
    const out = [];
    for (const l of this.logLines) {
      try {
        const o = JSON.parse(l);
        if (pred(o)) out.push(o);
      } catch {
        /* not JSON */
      }
    }
    return out;
  }

  async start() {
    const child = spawn(this.bin, this.args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: this.env,
    });
    this.child = child;
    live.add(child);
    const exited = once(child, 'exit').then(([code, signal]) => {
      this.exitCode = code;
      this.exitSignal = signal;
      live.delete(child);
    });
    this.exited = exited;
    child.stdout.resume();
    const echo = process.env.ATRIUM_SERVER_LOG === '1';
    const listening = new Promise((resolve) => {
      const rl = readline.createInterface({ input: child.stderr });
      rl.on('line', (line) => {
        this.logLines.push(line);
        if (this.logLines.length > 5000) this.logLines.splice(0, 1000);
        if (echo) process.stderr.write(`[atrium] ${line}\n`);
        if (this.port) return;
        try {
          const o = JSON.parse(line);
          if (o && o.msg === 'listening' && Number.isInteger(o.port) && o.port > 0) {
            resolve(o);
          }
        } catch {
          /* not JSON */
        }
      });
    });
    let timer;
    const timeout = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), 60_000);
    });
    try {
      const line = await Promise.race([
        listening,
        exited.then(() => {
          throw new Error('exited');
        }),
        timeout,
      ]);
      this.port = line.port;
      // Clients must use the host the server publishes (issuer, endpoints).
      this.url = typeof line.url === 'string' && line.url ? line.url.replace(/\/$/, '') : `https://localhost:${line.port}`;
    } catch (err) {
      child.kill('SIGKILL');
      await exited;
      tmpDirs.delete(this.tmp);
      if (process.env.ATRIUM_KEEP_TMP !== '1') fs.rmSync(this.tmp, { recursive: true, force: true });
      const why =
        err.message === 'exited'
          ? `exited (code ${this.exitCode}, signal ${this.exitSignal}) before logging "listening"`
          : 'did not log "listening" within 60 s';
      throw new Error(`atrium serve ${why}; args: ${this.args.join(' ')}\n--- server log ---\n${this.logTail()}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * SIGTERM and wait (30 s, then SIGKILL). Throws when the exit was not clean
   * (status 0), after removing the temp dir unless ATRIUM_KEEP_TMP=1.
   */
  async stop({ requireClean = true } = {}) {
    if (!this.child) return;
    const child = this.child;
    this.child = null;
    let problem = null;
    if (this.exitCode === null && this.exitSignal === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await this.exited;
      clearTimeout(t);
      if (this.exitSignal === 'SIGKILL') problem = 'did not exit within 30 s of SIGTERM';
      else if (this.exitCode !== 0) problem = `exited with status ${this.exitCode} (signal ${this.exitSignal}) after SIGTERM`;
    } else {
      problem = `had already exited (code ${this.exitCode}, signal ${this.exitSignal}) before stop`;
    }
    tmpDirs.delete(this.tmp);
    if (process.env.ATRIUM_KEEP_TMP === '1') {
      process.stderr.write(`atrium test data kept in ${this.tmp}\n`);
    } else {
      fs.rmSync(this.tmp, { recursive: true, force: true });
    }
    if (problem && requireClean) {
      throw new Error(`server ${problem}\n--- server log ---\n${this.logTail()}`);
    }
  }

  /** Is the process still running? */
  get alive() {
    return this.child !== null && this.exitCode === null && this.exitSignal === null;
  }

  /**
   * Run `atrium ARGS...` (the CLI) with a timeout; stdin text optional.
   * Resolves {code, stdout, stderr}; never rejects on a non-zero exit.
   */
  cli(args, { stdin = '', timeoutMs = 120_000 } = {}) {
    return runCli(this.bin, args, { stdin, timeoutMs, env: this.env });
  }
}

export function runCli(bin, args, { stdin = '', timeoutMs = 120_000, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(t);
      live.delete(child);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(t);
      live.delete(child);
      resolve({ code: code ?? 128, signal, stdout, stderr });
    });
    child.stdin.end(stdin);
  });
}
