// SPDX-License-Identifier: MIT
// openid-client 6 (oauth4webapi inside) against Atrium: tenant-specific
// discovery (entra-compat.md §7.4), the authorization code flow with PKCE,
// state and nonce driven through the hosted pages, ID token validation,
// UserInfo, refresh token rotation with reuse detection, a public client,
// single sign-on and RP-initiated logout.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as oidc from 'openid-client';
import { GUID_RE } from './lib/atrium.mjs';
import { authorizeInBrowser, loopback } from './lib/browser.mjs';
import { suite } from './lib/suite.mjs';

const env = suite('openid-client', { browser: true });
const SCOPE = 'openid profile email offline_access https://graph.microsoft.com/User.Read';

async function webApp() {
  const cb = await loopback();
  env.defer(() => cb.close());
  const app = await env.api.provisionApp(env.tenant, {
    web: [cb.redirectUri],
    delegated: 'User.Read openid profile email offline_access',
  });
  const config = await oidc.discovery(new URL(env.api.issuer(env.tenant.id)), app.appId, app.secret);
  return { cb, app, config };
}

/** Run the browser half and the code grant; returns {tokens, claims, callback}. */
async function codeFlow({ cb, config }, ctx, extra = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: cb.redirectUri,
    scope: SCOPE,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
    nonce,
    ...(extra.params ?? {}),
  });
  const got = await authorizeInBrowser(ctx, url.href, cb, {
    username: env.tenant.admin.upn,
    password: env.tenant.admin.password,
    noInteraction: extra.noInteraction,
  });
  assert.equal(got.params.get('error'), null, `authorization error: ${got.params.get('error_description')}`);
  assert.equal(got.params.get('iss'), env.api.issuer(env.tenant.id), 'iss in the authorization response (RFC 9207)');
  const tokens = await oidc.authorizationCodeGrant(config, new URL(got.url), {
    pkceCodeVerifier: verifier,
    expectedState: state,
    expectedNonce: nonce,
    idTokenExpected: true,
  });
  return { tokens, claims: tokens.claims(), callback: got, nonce };
}

function isInvalidGrant(e) {
  return e instanceof oidc.ResponseBodyError && e.error === 'invalid_grant' && e.status === 400;
}

test('discovery: issuer, endpoints on the server, Entra fields', async () => {
  const { api, tenant } = env;
  const app = await api.provisionApp(tenant, {});
  const config = await oidc.discovery(new URL(api.issuer(tenant.id)), app.appId, app.secret);
  const m = config.serverMetadata();
  const base = `${api.url}/${tenant.id}`;
  assert.equal(m.issuer, `${base}/v2.0`);
  assert.equal(m.authorization_endpoint, `${base}/oauth2/v2.0/authorize`);
  assert.equal(m.token_endpoint, `${base}/oauth2/v2.0/token`);
  assert.equal(m.jwks_uri, `${base}/discovery/v2.0/keys`);
  assert.equal(m.device_authorization_endpoint, `${base}/oauth2/v2.0/devicecode`);
  assert.equal(m.end_session_endpoint, `${base}/oauth2/v2.0/logout`);
  assert.equal(new URL(m.userinfo_endpoint).origin, api.url, `userinfo_endpoint ${m.userinfo_endpoint} must be on the server`);
  assert.ok(m.id_token_signing_alg_values_supported.includes('RS256'));
  assert.deepEqual(m.code_challenge_methods_supported, ['S256'], 'PKCE: S256 only (checklist 2.6, 2.10)');
  assert.equal(m.authorization_response_iss_parameter_supported, true, 'RFC 9207 advertised');
  for (const mode of ['query', 'form_post']) assert.ok(m.response_modes_supported.includes(mode), mode);
  for (const a of ['client_secret_post', 'client_secret_basic']) {
    assert.ok(m.token_endpoint_auth_methods_supported.includes(a), a);
  }
  assert.ok(m.scopes_supported.includes('openid'));

  // By domain (case-insensitive): the same directory, GUID-based endpoints.
  const byDomain = await api.discovery(tenant.domain.toUpperCase());
  assert.equal(byDomain.issuer, m.issuer);
  assert.equal(byDomain.token_endpoint, m.token_endpoint);
  // The organizations document keeps the alias and has the {tenantid} template.
  const orgs = await api.discovery('organizations');
  assert.equal(orgs.issuer, `${api.url}/{tenantid}/v2.0`);
  assert.equal(orgs.token_endpoint, `${api.url}/organizations/oauth2/v2.0/token`);
});

test('authorization code + PKCE + nonce, ID token, UserInfo', async () => {
  const { api, tenant, browser } = env;
  const w = await webApp();
  const ctx = await browser.newContext();
  env.defer(() => ctx.close());
  const { tokens, claims, nonce } = await codeFlow(w, ctx);
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.expires_in > 300, `expires_in ${tokens.expires_in}`);
  assert.ok(tokens.refresh_token, 'refresh token (offline_access)');
  assert.equal(claims.iss, api.issuer(tenant.id));
  assert.equal(claims.aud, w.app.appId);
  assert.equal(claims.nonce, nonce);
  assert.equal(claims.tid, tenant.id);
  assert.equal(claims.oid, tenant.admin.id);
  assert.equal(claims.ver, '2.0');
  assert.equal(String(claims.preferred_username).toLowerCase(), tenant.admin.upn.toLowerCase());
  assert.ok(claims.name, 'name (profile scope)');
  assert.ok(claims.iat <= Date.now() / 1000 + 5 && claims.iat > Date.now() / 1000 - 300, `iat ${claims.iat}`);
  assert.ok(claims.exp > claims.iat && claims.exp < claims.iat + 86400 * 2, `exp ${claims.exp} is in seconds`);

  const info = await oidc.fetchUserInfo(w.config, tokens.access_token, claims.sub);
  assert.equal(info.sub, claims.sub);
  assert.ok(info.name, 'userinfo name');
  // A different expected subject must be refused by the client (and so the check above means something).
  await assert.rejects(oidc.fetchUserInfo(w.config, tokens.access_token, `${claims.sub}x`));
});

test('refresh: rotation, and reuse of a rotated token revokes the family', async () => {
  const { tenant, browser } = env;
  const w = await webApp();
  const ctx = await browser.newContext();
  env.defer(() => ctx.close());
  const { tokens, claims } = await codeFlow(w, ctx);
  const rt0 = tokens.refresh_token;
  assert.ok(rt0);

  const t1 = await oidc.refreshTokenGrant(w.config, rt0);
  assert.ok(t1.access_token && t1.refresh_token);
  assert.notEqual(t1.refresh_token, rt0, 'a new refresh token');
  assert.notEqual(t1.access_token, tokens.access_token);
  if (t1.id_token) {
    const c1 = t1.claims();
    assert.equal(c1.sub, claims.sub);
    assert.equal(c1.iss, claims.iss);
    assert.equal(c1.aud, claims.aud);
    assert.equal(c1.oid, tenant.admin.id);
  }

  // The old one is spent ...
  await assert.rejects(oidc.refreshTokenGrant(w.config, rt0), isInvalidGrant, 'reusing the rotated refresh token');
  // ... and its reuse revoked the newer one too (RFC 9700 §4.14.2).
  await assert.rejects(oidc.refreshTokenGrant(w.config, t1.refresh_token), isInvalidGrant, 'the family is revoked');
});

test('public client (publicClient redirect URI, no secret) with PKCE', async () => {
  const { api, tenant, browser } = env;
  const cb = await loopback();
  env.defer(() => cb.close());
  const app = await api.provisionApp(tenant, {
    publicClient: [cb.redirectUri],
    isFallbackPublicClient: true,
    delegated: 'User.Read openid profile email offline_access',
    secret: false,
  });
  const config = await oidc.discovery(new URL(api.issuer(tenant.id)), app.appId, undefined, oidc.None());
  const ctx = await browser.newContext();
  env.defer(() => ctx.close());
  const { tokens, claims } = await codeFlow({ cb, config }, ctx);
  assert.equal(claims.aud, app.appId);
  assert.equal(claims.oid, tenant.admin.id);
  const t1 = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(t1.access_token);
});

test('single sign-on in the same browser, then RP-initiated logout ends it', async () => {
  const { api, tenant, browser } = env;
  const w = await webApp();
  const ctx = await browser.newContext();
  env.defer(() => ctx.close());

  const first = await codeFlow(w, ctx);
  assert.ok(first.callback.steps.includes('password'), `first sign-in steps: ${first.callback.steps}`);
  assert.ok(GUID_RE.test(first.claims.oid));

  // Same browser: the session cookie signs in without a page (prompt=none must work too).
  const second = await codeFlow(w, ctx, { noInteraction: true, params: { prompt: 'none' } });
  assert.equal(second.claims.sub, first.claims.sub);

  // Logout with id_token_hint and a registered post_logout_redirect_uri.
  const state = oidc.randomState();
  const logoutUrl = oidc.buildEndSessionUrl(w.config, {
    id_token_hint: first.tokens.id_token,
    post_logout_redirect_uri: w.cb.redirectUri,
    state,
  });
  const out = await authorizeInBrowser(ctx, logoutUrl.href, w.cb, { stopWhenIdle: false });
  assert.equal(out.params.get('code'), null);
  assert.equal(out.params.get('state'), state, 'logout echoes state to the post-logout URI');

  // prompt=none now fails with login_required, redirected to the app with iss.
  const url = oidc.buildAuthorizationUrl(w.config, {
    redirect_uri: w.cb.redirectUri,
    scope: SCOPE,
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    state,
    prompt: 'none',
  });
  const none = await authorizeInBrowser(ctx, url.href, w.cb, { noInteraction: true });
  assert.ok(['login_required', 'interaction_required'].includes(none.params.get('error')), `error ${none.params.get('error')}`);
  assert.equal(none.params.get('state'), state);
  assert.equal(none.params.get('iss'), api.issuer(tenant.id));
  assert.equal(none.params.get('code'), null);

  // And a normal request asks for the password again.
  const third = await codeFlow(w, ctx);
  assert.ok(third.callback.steps.includes('password'), `after logout: steps ${third.callback.steps}`);
});
