// SPDX-License-Identifier: MIT
// @azure/msal-node against Atrium, configured as entra-compat.md §7.1.5 says
// (authority https://localhost:PORT/{tid}, knownAuthorities, AAD protocol
// mode, TLS trust through NODE_EXTRA_CA_CERTS): client credentials, ROPC,
// and the authorization code flow driven through the hosted sign-in page,
// then silent renewal with the refresh token.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import { ConfidentialClientApplication, CryptoProvider, PublicClientApplication } from '@azure/msal-node';
import { claims, FIRST_PARTY_CLIENT_ID, GRAPH_APP_ID, GRAPH_DEFAULT_SCOPE, GRAPH_RESOURCE } from './lib/atrium.mjs';
import { authorizeInBrowser, loopback } from './lib/browser.mjs';
import { suite } from './lib/suite.mjs';

const env = suite('msal-node', { browser: true });
const GRAPH_AUDIENCES = [GRAPH_RESOURCE, GRAPH_APP_ID];

function msalConfig(clientId, clientSecret) {
  const auth = {
    clientId,
    authority: `${env.api.url}/${env.tenant.id}`,
    knownAuthorities: [env.host],
  };
  if (clientSecret) auth.clientSecret = clientSecret;
  return { auth, system: { protocolMode: 'AAD' } };
}

/** The refresh tokens in an msal-node token cache. */
function cachedRefreshTokens(app) {
  const cache = JSON.parse(app.getTokenCache().serialize());
  return Object.values(cache.RefreshToken ?? {}).map((e) => e.secret);
}

test('client credentials: an app-only token with the granted application permission', async () => {
  const { api, tenant } = env;
  const app = await api.provisionApp(tenant, { appRole: true });
  const cca = new ConfidentialClientApplication(msalConfig(app.appId, app.secret));

  const r = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE] });
  assert.ok(r?.accessToken, 'no access token');
  assert.equal(r.tokenType, 'Bearer');
  assert.equal(r.fromCache, false);
  assert.ok(r.expiresOn instanceof Date && r.expiresOn.getTime() > Date.now() + 5 * 60_000, 'expiresOn too early');
  assert.equal(r.idToken, '', 'client credentials must not return an ID token');

  const c = claims(r.accessToken, 'access token');
  assert.ok(Array.isArray(c.roles) && c.roles.includes('User.Read.All'), `roles: ${JSON.stringify(c.roles)}`);
  assert.equal(c.idtyp, 'app');
  assert.equal(c.tid, tenant.id);
  assert.ok(GRAPH_AUDIENCES.includes(c.aud), `aud ${c.aud}`);
  assert.equal(c.azp ?? c.appid, app.appId, 'azp/appid is the client');
  assert.equal(c.oid, app.spId, 'oid of an app-only token is the service principal id');
  assert.equal(c.scp, undefined, 'an app-only token has no scp');
  assert.equal(c.iss, api.issuer(tenant.id));

  const again = await cca.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT_SCOPE] });
  assert.equal(again.fromCache, true, 'the second call is served from the cache');
  assert.equal(again.accessToken, r.accessToken);
});

test('ROPC (PublicClientApplication, first-party client): ID token and account', async () => {
  const { api, tenant } = env;
  const pca = new PublicClientApplication(msalConfig(FIRST_PARTY_CLIENT_ID));
  const r = await pca.acquireTokenByUsernamePassword({
    scopes: ['https://graph.microsoft.com/User.Read'],
    username: tenant.admin.upn,
    password: tenant.admin.password,
  });
  assert.ok(r.accessToken && r.idToken, 'access and ID token expected');
  const idc = r.idTokenClaims;
  assert.equal(idc.tid, tenant.id);
  assert.equal(idc.oid, tenant.admin.id);
  assert.equal(String(idc.preferred_username).toLowerCase(), tenant.admin.upn.toLowerCase());
  assert.equal(idc.aud, FIRST_PARTY_CLIENT_ID);
  assert.equal(idc.iss, api.issuer(tenant.id));
  assert.equal(idc.ver, '2.0');
  assert.ok(idc.sub, 'sub');
  // client_info gives homeAccountId = oid.tid (entra-compat §3.7)
  assert.equal(r.account.homeAccountId, `${tenant.admin.id}.${tenant.id}`);
  assert.equal(r.account.tenantId, tenant.id);
  assert.equal(r.account.username.toLowerCase(), tenant.admin.upn.toLowerCase());

  const at = claims(r.accessToken, 'access token');
  assert.ok(String(at.scp ?? '').split(' ').includes('User.Read'), `scp: ${at.scp}`);
  assert.equal(at.oid, tenant.admin.id);
  assert.ok(GRAPH_AUDIENCES.includes(at.aud), `aud ${at.aud}`);

  // A wrong password surfaces as an MSAL error carrying the AADSTS code.
  await assert.rejects(
    pca.acquireTokenByUsernamePassword({
      scopes: ['https://graph.microsoft.com/User.Read'],
      username: tenant.admin.upn,
      password: `${tenant.admin.password}x`,
    }),
    (e) => e.errorCode === 'invalid_grant' && /AADSTS50126/.test(e.errorMessage ?? e.message),
  );
});

async function authCodeFlow({ responseMode }) {
  const { api, tenant, browser } = env;
  const cb = await loopback();
  env.defer(() => cb.close());
  const app = await api.provisionApp(tenant, {
    web: [cb.redirectUri],
    delegated: 'User.Read openid profile offline_access',
  });
  const cca = new ConfidentialClientApplication(msalConfig(app.appId, app.secret));
  const { verifier, challenge } = await new CryptoProvider().generatePkceCodes();
  const state = crypto.randomBytes(16).toString('base64url');
  const nonce = crypto.randomBytes(16).toString('base64url');
  const scopes = ['User.Read'];
  const url = await cca.getAuthCodeUrl({
    scopes,
    redirectUri: cb.redirectUri,
    codeChallenge: challenge,
    codeChallengeMethod: 'S256',
    state,
    nonce,
    responseMode,
  });
  assert.ok(url.startsWith(`${api.url}/${tenant.id}/oauth2/v2.0/authorize?`), url);

  const ctx = await browser.newContext();
  env.defer(() => ctx.close());
  const got = await authorizeInBrowser(ctx, url, cb, {
    username: tenant.admin.upn,
    password: tenant.admin.password,
  });
  assert.equal(got.method, responseMode === 'form_post' ? 'POST' : 'GET', 'response mode');
  const p = got.params;
  assert.equal(p.get('error'), null, `authorization error: ${p.get('error')} ${p.get('error_description')}`);
  assert.ok(p.get('code'), 'no code in the redirect');
  assert.equal(p.get('state'), state);
  assert.equal(p.get('iss'), api.issuer(tenant.id), 'iss in the authorization response (RFC 9207)');

  const r = await cca.acquireTokenByCode(
    { code: p.get('code'), scopes, redirectUri: cb.redirectUri, codeVerifier: verifier, state },
    { code: p.get('code'), state: p.get('state'), nonce, client_info: p.get('client_info') ?? undefined },
  );
  return { app, cca, r, nonce, scopes };
}

test('authorization code + PKCE through the sign-in page, then silent renewal', async () => {
  const { api, tenant } = env;
  const { app, cca, r, nonce, scopes } = await authCodeFlow({ responseMode: 'query' });
  const idc = r.idTokenClaims;
  assert.equal(idc.nonce, nonce);
  assert.equal(idc.oid, tenant.admin.id);
  assert.equal(idc.tid, tenant.id);
  assert.equal(idc.aud, app.appId);
  assert.equal(idc.iss, api.issuer(tenant.id));
  assert.equal(String(idc.preferred_username).toLowerCase(), tenant.admin.upn.toLowerCase());
  assert.equal(r.account.homeAccountId, `${tenant.admin.id}.${tenant.id}`);
  const at = claims(r.accessToken, 'access token');
  assert.ok(String(at.scp ?? '').split(' ').includes('User.Read'), `scp: ${at.scp}`);
  assert.equal(at.azp ?? at.appid, app.appId);
  assert.ok(GRAPH_AUDIENCES.includes(at.aud), `aud ${at.aud}`);
  const rt0 = cachedRefreshTokens(cca);
  assert.equal(rt0.length, 1, 'one refresh token cached (offline_access)');

  // Silent: from the cache.
  const s1 = await cca.acquireTokenSilent({ account: r.account, scopes });
  assert.equal(s1.fromCache, true);
  assert.equal(s1.accessToken, r.accessToken);

  // Forced refresh: a refresh_token grant, new tokens, same user.
  const s2 = await cca.acquireTokenSilent({ account: r.account, scopes, forceRefresh: true });
  assert.equal(s2.fromCache, false);
  assert.notEqual(s2.accessToken, r.accessToken);
  assert.equal(s2.idTokenClaims.oid, tenant.admin.id);
  assert.equal(s2.idTokenClaims.sub, idc.sub, 'the refreshed ID token keeps sub');
  const rt1 = cachedRefreshTokens(cca);
  assert.equal(rt1.length, 1);
  assert.notEqual(rt1[0], rt0[0], 'the refresh token rotated');

  // acquireTokenByRefreshToken with the current refresh token.
  const s3 = await cca.acquireTokenByRefreshToken({ refreshToken: rt1[0], scopes });
  assert.ok(s3?.accessToken, 'acquireTokenByRefreshToken returned no token');
  assert.equal(claims(s3.accessToken).oid, tenant.admin.id);
});

test('authorization code with response_mode=form_post', async () => {
  const { tenant } = env;
  const { r } = await authCodeFlow({ responseMode: 'form_post' });
  assert.equal(r.idTokenClaims.oid, tenant.admin.id);
  assert.ok(r.accessToken);
});
