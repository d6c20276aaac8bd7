// SPDX-License-Identifier: MIT
// @azure/identity 4.x (msal-node 5 inside) against Atrium with
// {authorityHost: 'https://localhost:PORT', disableInstanceDiscovery: true}
// (entra-compat.md §7.2): ClientSecretCredential, a wrong secret, the
// device code flow completed on the hosted user-code page by Chromium, and
// UsernamePasswordCredential.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientSecretCredential, DeviceCodeCredential, UsernamePasswordCredential } from '@azure/identity';
import { claims, FIRST_PARTY_CLIENT_ID, GRAPH_APP_ID, GRAPH_DEFAULT_SCOPE, GRAPH_RESOURCE } from './lib/atrium.mjs';
import { drive } from './lib/browser.mjs';
import { suite } from './lib/suite.mjs';

const env = suite('azure-identity', { browser: true });
const GRAPH_AUDIENCES = [GRAPH_RESOURCE, GRAPH_APP_ID];

function credOptions(extra = {}) {
  return { authorityHost: env.api.url, disableInstanceDiscovery: true, ...extra };
}

test('ClientSecretCredential: app-only token for the directory API', async () => {
  const { api, tenant } = env;
  const app = await api.provisionApp(tenant, { appRole: true });
  const cred = new ClientSecretCredential(tenant.id, app.appId, app.secret, credOptions());
  const t = await cred.getToken(GRAPH_DEFAULT_SCOPE);
  assert.ok(t?.token, 'no token');
  assert.ok(t.expiresOnTimestamp > Date.now() + 5 * 60_000, `expiresOnTimestamp ${t.expiresOnTimestamp}`);
  const c = claims(t.token, 'access token');
  assert.ok(Array.isArray(c.roles) && c.roles.includes('User.Read.All'), `roles: ${JSON.stringify(c.roles)}`);
  assert.equal(c.idtyp, 'app');
  assert.equal(c.tid, tenant.id);
  assert.ok(GRAPH_AUDIENCES.includes(c.aud), `aud ${c.aud}`);
  assert.equal(c.azp ?? c.appid, app.appId);

  // The same credential again: served from MSAL's cache.
  const t2 = await cred.getToken(GRAPH_DEFAULT_SCOPE);
  assert.equal(t2.token, t.token);
});

test('ClientSecretCredential with a wrong secret rejects with AADSTS7000215', async () => {
  const { api, tenant } = env;
  const app = await api.provisionApp(tenant, { appRole: true });
  const cred = new ClientSecretCredential(tenant.id, app.appId, `${app.secret.slice(0, -2)}zz`, credOptions());
  await assert.rejects(cred.getToken(GRAPH_DEFAULT_SCOPE), (e) => {
    assert.match(e.message, /AADSTS7000215/, `message: ${e.message}`);
    return true;
  });
  // An unknown client id: AADSTS700016.
  const ghost = new ClientSecretCredential(tenant.id, crypto.randomUUID(), app.secret, credOptions());
  await assert.rejects(ghost.getToken(GRAPH_DEFAULT_SCOPE), (e) => {
    assert.match(e.message, /AADSTS700016/, `message: ${e.message}`);
    return true;
  });
});

test('DeviceCodeCredential (first-party client) completed on the user-code page', async () => {
  const { api, tenant, browser } = env;
  const ctx = await browser.newContext();
  env.defer(() => ctx.close());
  let info = null;
  let browserSide = null;
  const cred = new DeviceCodeCredential(
    credOptions({
      tenantId: tenant.id,
      clientId: FIRST_PARTY_CLIENT_ID,
      userPromptCallback: (i) => {
        info = i;
        browserSide = (async () => {
          const page = await ctx.newPage();
          try {
            await page.goto(i.verificationUri, { waitUntil: 'load', timeout: 30_000 });
            return await drive(page, {
              userCode: i.userCode,
              username: tenant.admin.upn,
              password: tenant.admin.password,
              stopWhenIdle: true,
            });
          } finally {
            await page.close().catch(() => {});
          }
        })();
        // The credential keeps polling; a browser failure is reported below.
        browserSide.catch(() => {});
      },
    }),
  );
  let settled = false;
  // Abort on failure: otherwise MSAL polls until the code expires (15 min) and the file hangs.
  const abort = new AbortController();
  env.defer(() => abort.abort());
  const tokenP = cred.getToken(GRAPH_DEFAULT_SCOPE, { abortSignal: abort.signal }).finally(() => (settled = true));
  // Fail fast with the browser's error instead of waiting for the code to expire.
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const watchdog = (async () => {
    while (!browserSide && !settled) await sleep(100);
    if (browserSide) {
      const end = await browserSide;
      // The pages are done; the next poll (every `interval` s) must see the approval.
      const deadline = Date.now() + 20_000;
      while (!settled && Date.now() < deadline) await sleep(200);
      if (!settled) {
        throw new Error(
          `no token within 20 s of the browser finishing (steps: ${end.steps.join(', ')}); ` +
            `the browser ended at ${end.url}: ${end.text}`,
        );
      }
    }
    return new Promise(() => {}); // never resolves after success: the token wins the race
  })();
  let t;
  try {
    t = await Promise.race([tokenP, watchdog]);
  } catch (e) {
    abort.abort();
    throw e;
  }
  assert.ok(info, 'userPromptCallback was not called');
  assert.ok(info.userCode && info.userCode.length >= 6, `userCode ${info.userCode}`);
  assert.ok(info.verificationUri.startsWith(`${api.url}/`), `verification_uri ${info.verificationUri} is not on the server`);
  assert.ok(info.message.includes(info.userCode), 'the message names the code');

  const steps = (await browserSide).steps;
  assert.ok(['code', 'password', 'consent'].every((k) => steps.includes(k)), `browser steps: ${steps}`);
  const c = claims(t.token, 'access token');
  assert.equal(c.oid, tenant.admin.id);
  assert.equal(c.tid, tenant.id);
  assert.equal(c.azp ?? c.appid, FIRST_PARTY_CLIENT_ID);
  assert.ok(typeof c.scp === 'string' && c.scp.length > 0, `scp ${c.scp}`);
  assert.equal(c.idtyp ?? 'user', 'user');

  // The token works on the directory API.
  const apps = await api.graph('GET', '/applications', t.token);
  assert.equal(apps.status, 200, apps.describe());

  // Again: silent, no new device code.
  info = null;
  const t2 = await cred.getToken(GRAPH_DEFAULT_SCOPE);
  assert.equal(t2.token, t.token);
  assert.equal(info, null, 'a second device code was requested');
});

test('UsernamePasswordCredential (first-party client)', async () => {
  const { tenant } = env;
  const cred = new UsernamePasswordCredential(
    tenant.id,
    FIRST_PARTY_CLIENT_ID,
    tenant.admin.upn,
    tenant.admin.password,
    credOptions(),
  );
  const t = await cred.getToken(GRAPH_DEFAULT_SCOPE);
  const c = claims(t.token, 'access token');
  assert.equal(c.oid, tenant.admin.id);
  assert.equal(c.tid, tenant.id);

  const bad = new UsernamePasswordCredential(tenant.id, FIRST_PARTY_CLIENT_ID, tenant.admin.upn, 'Wrong-Password-42!', credOptions());
  await assert.rejects(bad.getToken(GRAPH_DEFAULT_SCOPE), (e) => {
    assert.match(e.message, /AADSTS50126/, `message: ${e.message}`);
    return true;
  });
});
