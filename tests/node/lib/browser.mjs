// SPDX-License-Identifier: MIT
// Browser side of the interactive flows: Debian's Chromium driven by
// playwright-core, a loopback HTTP server that plays the app's redirect URI,
// and `drive`, which walks the hosted pages (sign-in, forced password change,
// device user code, approval) like a person would until the flow is done.
//
// The hosted pages are looked at, not assumed: the sign-in form is found by
// its fields `login` / `passwd` (Entra's names), the user-code field by
// `otc` / `user_code` / `code` (or the only visible text field), the password
// change form by having two or more password fields, the approval page by
// having buttons and no fields. When no step applies, `drive` throws with the
// page's URL and visible text, which is what a failing test needs to show.
import fs from 'node:fs';
import http from 'node:http';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.ATRIUM_CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Launch Chromium. playwright's launch() starts it with a fresh, empty
 * --user-data-dir of its own (removed on close) plus the flags above.
 * Returns {browser, newContext, close}; each flow should use its own context
 * (cookie jar) unless it tests single sign-on. The server's dev certificate
 * is accepted (ignoreHTTPSErrors): Chromium does not read NODE_EXTRA_CA_CERTS
 * and the browser's trust store is not under test.
 */
export async function launchBrowser() {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: run tests/node/setup.sh (installs Debian's chromium)`);
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 60_000,
  });
  return {
    browser,
    newContext() {
      return browser.newContext({ ignoreHTTPSErrors: true });
    },
    close() {
      return browser.close();
    },
  };
}

/**
 * A loopback HTTP server standing in for the app's redirect URI. It records
 * every request to `path` (GET query, or POST form for response_mode=form_post)
 * and answers a small page. Returns {redirectUri, port, next(timeoutMs), received, close}.
 */
export async function loopback({ path: cbPath = '/cb', host = 'localhost' } = {}) {
  const received = [];
  const waiters = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, `http://${host}`);
    let body = '';
    req.on('data', (d) => {
      body += d;
      if (body.length > 1 << 20) req.destroy();
    });
    req.on('end', () => {
      if (url.pathname !== cbPath) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not the callback');
        return;
      }
      const params = new URLSearchParams(url.search);
      if (req.method === 'POST') {
        for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
      }
      const entry = { method: req.method, url: `http://${host}:${port}${req.url}`, params, body };
      received.push(entry);
      const w = waiters.shift();
      if (w) w.resolve(entry);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>callback</title><p id="done">Signed in. You can close this window.</p>');
    });
  });
  // Listen on ::1 and 127.0.0.1 (dual stack when available) so "localhost" works either way.
  await new Promise((resolve, reject) => {
    server.once('error', () => {
      server.listen(0, '127.0.0.1', resolve);
    });
    server.listen({ port: 0, host: '::', ipv6Only: false }, resolve);
    void reject;
  });
  const port = server.address().port;
  let consumed = 0;
  return {
    port,
    redirectUri: `http://${host}:${port}${cbPath}`,
    received,
    /** Has a callback arrived that next() has not returned yet? */
    pending() {
      return received.length > consumed;
    },
    /** The next callback (in arrival order). */
    next(timeoutMs = 30_000) {
      if (received.length > consumed) return Promise.resolve(received[consumed++]);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no request to the redirect URI within ${timeoutMs} ms`)), timeoutMs);
        waiters.push({
          resolve: (e) => {
            clearTimeout(t);
            consumed++;
            resolve(e);
          },
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}

/** Visible text of the page, shortened, for error messages. */
export async function pageText(page, n = 1500) {
  try {
    const t = await page.evaluate(() => document.body?.innerText ?? '');
    return t.replace(/\s+/g, ' ').trim().slice(0, n);
  } catch (e) {
    return `(could not read the page: ${e.message})`;
  }
}

async function describeForms(page) {
  return page.evaluate(() => {
    const visible = (el) => {
      if (el.type === 'hidden') return false;
      const s = getComputedStyle(el);
      const r = el.getBoundingClientRect();
      return s.display !== 'none' && s.visibility !== 'hidden' && r.width > 0 && r.height > 0;
    };
    return [...document.forms].map((f, index) => ({
      index,
      action: f.getAttribute('action') ?? '',
      method: (f.getAttribute('method') ?? 'get').toLowerCase(),
      inputs: [...f.querySelectorAll('input, textarea, select')].map((e) => ({
        name: e.name ?? '',
        type: (e.type ?? 'text').toLowerCase(),
        id: e.id ?? '',
        visible: visible(e),
      })),
      buttons: [...f.querySelectorAll('button, input[type=submit]')].map((b, j) => ({
        j,
        text: (b.innerText || b.value || '').trim(),
        name: b.name ?? '',
        value: b.value ?? '',
        type: (b.getAttribute('type') ?? 'submit').toLowerCase(),
        visible: visible(b),
      })),
    }));
  });
}

// The user name: `login` on the sign-in form, `login_hint` on the account form of /organizations.
const isLogin = (x) => x.name === 'login' || x.name === 'login_hint';
const TEXT_TYPES = new Set(['text', 'email', 'tel', 'search', 'url', '']);
const NEGATIVE = /cancel|deny|decline|refuse|reject|^no$|back|not you|use another/i;
const POSITIVE = /continue|approve|accept|allow|yes|confirm|sign in|next|submit|verify|change|update|save|sign out|log out/i;

// Atrium's pages name their buttons atrium_action (src/http/pages.h).
const POSITIVE_ACTIONS = new Set(['signin', 'change_password', 'continue', 'consent_accept', 'code', 'approve']);
const NEGATIVE_ACTIONS = new Set(['other', 'consent_cancel', 'deny']);

function isNegative(b) {
  return NEGATIVE_ACTIONS.has(b.value) || NEGATIVE.test(b.text);
}

function pickButton(form) {
  const buttons = form.buttons.filter((b) => b.visible && b.type !== 'button' && b.type !== 'reset');
  return (
    buttons.find((b) => b.name === 'atrium_action' && POSITIVE_ACTIONS.has(b.value)) ??
    buttons.find((b) => POSITIVE.test(b.text) && !isNegative(b)) ??
    buttons.find((b) => !isNegative(b)) ??
    null
  );
}

async function submit(page, form, button) {
  const formLoc = page.locator('form').nth(form.index);
  const nav = page.waitForNavigation({ timeout: 30_000, waitUntil: 'load' }).catch((e) => e);
  if (button) await formLoc.locator('button, input[type=submit]').nth(button.j).click();
  else await formLoc.evaluate((f) => f.requestSubmit());
  const r = await nav;
  if (r instanceof Error && !/net::ERR_ABORTED/.test(r.message)) {
    throw new Error(`submitting the form on ${page.url()} did not navigate: ${r.message}`);
  }
}

async function fill(page, form, input, value) {
  const sel = input.name ? `[name="${input.name}"]` : `#${input.id}`;
  await page.locator('form').nth(form.index).locator(sel).first().fill(value);
}

/**
 * Walk the hosted pages from the current page until done() is true.
 * opts: username, password (sign-in); newPassword (forced change); userCode
 * (device flow); approve (default true: click the approval button; false:
 * click the refusal); done: async () => bool; stopWhenIdle: return (instead of
 * throwing) when no form is left after at least one step; maxSteps (12).
 * Returns {steps: [...kinds acted on], url, text}.
 */
export async function drive(page, opts) {
  const { username, password, newPassword, userCode, approve = true, done = async () => false } = opts;
  const maxSteps = opts.maxSteps ?? 12;
  const steps = [];
  let idle = 0;
  const count = (k) => steps.filter((s) => s === k).length;
  for (let i = 0; i < maxSteps * 3; i++) {
    if (await done()) return { steps, url: page.url(), text: await pageText(page) };
    if (steps.length >= maxSteps) break;
    let forms = [];
    try {
      forms = await describeForms(page);
    } catch {
      // page navigating; try again
      await page.waitForLoadState('load').catch(() => {});
      continue;
    }
    const vis = (f, pred) => f.inputs.filter((x) => x.visible && pred(x));
    const pwFields = (f) => vis(f, (x) => x.type === 'password');
    const textFields = (f) => vis(f, (x) => TEXT_TYPES.has(x.type));

    // 1. forced password change: 2+ password fields
    const change = forms.find((f) => pwFields(f).length >= 2);
    // 2. sign-in: login and/or passwd
    const login = forms.find((f) => vis(f, (x) => isLogin(x) || x.name === 'passwd').length > 0);
    // 3. user code
    const code = forms.find(
      (f) =>
        pwFields(f).length === 0 &&
        (vis(f, (x) => /^(otc|user_?code|code|usercode)$/i.test(x.name)).length > 0 ||
          (textFields(f).length === 1 && !vis(f, isLogin).length)),
    );
    // 4. approval: buttons, no visible fields
    const consent = forms.find(
      (f) => f.inputs.filter((x) => x.visible && x.type !== 'submit' && x.type !== 'checkbox').length === 0 && pickButton(f),
    );

    if (change) {
      if (!newPassword) throw new Error(`password change page at ${page.url()} but no newPassword given: ${await pageText(page)}`);
      if (count('change') >= 2) throw new Error(`password change refused twice at ${page.url()}: ${await pageText(page)}`);
      for (const x of pwFields(change)) {
        // Atrium: passwd (current), new_passwd, confirm_passwd; elsewhere old*/current*.
        const current = x.name === 'passwd' || /old|current/i.test(`${x.name} ${x.id}`);
        await fill(page, change, x, current ? password : newPassword);
      }
      steps.push('change');
      await submit(page, change, pickButton(change));
    } else if (login) {
      const fields = vis(login, (x) => isLogin(x) || x.name === 'passwd');
      const hasLogin = fields.some(isLogin);
      const hasPw = fields.some((x) => x.name === 'passwd');
      const kind = hasPw ? 'password' : 'username';
      if (count(kind) >= 2) {
        throw new Error(`sign-in (${kind}) refused twice at ${page.url()}: ${await pageText(page)}`);
      }
      if (hasLogin) await fill(page, login, fields.find(isLogin), username);
      if (hasPw) await fill(page, login, fields.find((x) => x.name === 'passwd'), password);
      steps.push(kind);
      await submit(page, login, pickButton(login));
    } else if (code && userCode && count('code') === 0) {
      const field =
        vis(code, (x) => /^(otc|user_?code|code|usercode)$/i.test(x.name))[0] ?? textFields(code)[0];
      await fill(page, code, field, userCode);
      steps.push('code');
      await submit(page, code, pickButton(code));
    } else if (consent && count('consent') < 2) {
      const buttons = consent.buttons.filter((b) => b.visible);
      const button = approve ? pickButton(consent) : buttons.find((b) => isNegative(b));
      if (!button) throw new Error(`no ${approve ? 'approval' : 'refusal'} button at ${page.url()}: ${await pageText(page)}`);
      steps.push(approve ? 'consent' : 'deny');
      await submit(page, consent, button);
    } else {
      if (opts.stopWhenIdle && steps.length > 0) return { steps, url: page.url(), text: await pageText(page) };
      if (++idle > 10) break;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  if (await done()) return { steps, url: page.url(), text: await pageText(page) };
  throw new Error(
    `the hosted pages did not complete the flow (steps: ${steps.join(', ') || 'none'}); ` +
      `stuck at ${page.url()}: ${await pageText(page)}`,
  );
}

/**
 * The whole browser half of an authorization-code flow: open authorizeUrl in
 * a fresh page of context, sign in (and whatever else is asked), and return
 * the callback that reached the loopback ({method, url, params}).
 * If the authorize request redirects straight back (error or SSO), no page
 * step is needed (opts.noInteraction: require that). Other opts go to drive.
 * The result also has `steps`: what drive did (empty without interaction).
 */
export async function authorizeInBrowser(context, authorizeUrl, cb, opts = {}) {
  const page = await context.newPage();
  try {
    const resp = await page.goto(authorizeUrl, { waitUntil: 'load', timeout: 30_000 }).catch((e) => e);
    if (resp instanceof Error && !/net::ERR_ABORTED/.test(resp.message)) throw resp;
    let steps = [];
    // A form_post page submits itself by script after load: give it a moment.
    for (let i = 0; i < 10 && !cb.pending() && opts.noInteraction; i++) await new Promise((r) => setTimeout(r, 200));
    if (!cb.pending()) {
      if (opts.noInteraction) {
        throw new Error(`expected a redirect without interaction; the browser is at ${page.url()}: ${await pageText(page)}`);
      }
      steps = (await drive(page, { ...opts, done: async () => cb.pending() })).steps;
    }
    const entry = await cb.next(10_000);
    return { ...entry, steps };
  } finally {
    await page.close().catch(() => {});
  }
}
