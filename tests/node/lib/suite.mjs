// SPDX-License-Identifier: MIT
// Per-file set-up shared by the test files: one server with a fresh data dir,
// one tenant (with its admin), optionally a browser; torn down in `after`.
//
//   const env = suite('msal-node', { browser: true });
//   test('...', async () => { env.api.url; env.tenant.id; ... });
//
// The objects are filled in a `before` hook, so read them inside tests only.
// If the set-up fails (server down, sign-up or admin token refused), every
// test of the file fails with that set-up error, which names the request.
import { after, before } from 'node:test';
import { Atrium } from './atrium.mjs';
import { launchBrowser } from './browser.mjs';
import { startServer } from './server.mjs';

export function suite(name, { browser = false, tenant = true, serverArgs = [] } = {}) {
  const env = {
    server: null,
    api: null,
    tenant: null,
    browser: null,
    /** scheme-less host:port of the server, for msal-node knownAuthorities. */
    host: '',
    cleanups: [],
    /** Run fn at teardown (reverse order). */
    defer(fn) {
      env.cleanups.push(fn);
    },
  };
  before(async () => {
    env.server = await startServer({ name, args: serverArgs });
    env.api = new Atrium(env.server);
    env.host = new URL(env.api.url).host;
    if (tenant) env.tenant = await env.api.createTenant();
    if (browser) env.browser = await launchBrowser();
  });
  after(async () => {
    const errors = [];
    for (const fn of env.cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        errors.push(e);
      }
    }
    if (env.browser) await env.browser.close().catch((e) => errors.push(e));
    if (env.server) {
      try {
        await env.server.stop();
      } catch (e) {
        errors.push(e);
      }
    }
    // A client library that keeps polling or a socket open must not hang the
    // file until ctest's timeout: exit once the results are out.
    setTimeout(() => {
      process.stderr.write(`${name}: handles still open 20 s after the tests; exiting\n`);
      process.exit();
    }, 20_000).unref();
    if (errors.length) throw errors[0];
  });
  return env;
}

/** Poll fn until it returns a truthy value or the deadline passes. */
export async function eventually(fn, { timeoutMs = 10_000, intervalMs = 100, what = 'condition' } = {}) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${last.message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
