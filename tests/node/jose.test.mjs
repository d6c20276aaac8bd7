// SPDX-License-Identifier: MIT
// jose 6 as an independent verifier of Atrium's tokens (every token verifies
// against the published JWKS and the tenant issuer), and the server's own
// bearer check refusing forgeries and misuse (security-checklist §6, §13):
// tampered payload, alg none, HS256 keyed with the public key, a foreign key
// under the server's kid, an embedded jwk header, an expired token, a token
// for another audience, an ID token as a bearer, a token in the query
// string, and tenant A's token on tenant B's objects.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { test } from 'node:test';
import * as jose from 'jose';
import { claims, FIRST_PARTY_CLIENT_ID, GRAPH_APP_ID, GRAPH_RESOURCE, randomName, uuid } from './lib/atrium.mjs';
import { suite } from './lib/suite.mjs';

const env = suite('jose');
const GRAPH_AUDIENCES = [GRAPH_RESOURCE, GRAPH_APP_ID];

let cached = null;
/** Discovery, the remote JWKS, and a few genuine tokens of the tenant (computed once). */
async function material() {
  if (cached) return cached;
  const { api, tenant } = env;
  const disco = await api.discovery(tenant.id);
  const JWKS = jose.createRemoteJWKSet(new URL(disco.jwks_uri));
  const jwksReply = (await api.get(new URL(disco.jwks_uri).pathname)).expect(200);
  const app = await api.provisionApp(tenant, { appRole: true });
  const cc = (await api.clientCredentials(tenant.id, { clientId: app.appId, clientSecret: app.secret })).expect(200).json;
  const ropc = await api.userTokens(tenant, tenant.admin);
  cached = { disco, JWKS, jwks: jwksReply.json, app, cc, ropc };
  return cached;
}

/** GET /v1.0/applications with a bearer token (or raw Authorization header). */
function callApi(token) {
  return env.api.graph('GET', '/applications', token);
}

function expect401(reply, what) {
  assert.equal(reply.status, 401, `${what}: ${reply.describe()}`);
  assert.equal(reply.json?.error?.code, 'InvalidAuthenticationToken', `${what}: Graph error code: ${reply.describe()}`);
}

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');

test('JWKS: RSA signing keys, unique kids, no private parts', async () => {
  const { jwks } = await material();
  assert.ok(Array.isArray(jwks.keys) && jwks.keys.length >= 1, 'keys[]');
  const kids = new Set();
  for (const k of jwks.keys) {
    assert.equal(k.kty, 'RSA');
    assert.ok(!k.use || k.use === 'sig', `use ${k.use}`);
    assert.ok(k.kid, 'kid');
    assert.ok(!kids.has(k.kid), `duplicate kid ${k.kid}`);
    kids.add(k.kid);
    assert.ok(Buffer.from(k.n, 'base64url').length * 8 >= 2048, 'RSA ≥ 2048 bits');
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(k[priv], undefined, `JWKS leaks ${priv}`);
  }
});

test('every token verifies with createRemoteJWKSet against the issuer', async () => {
  const { api, tenant } = env;
  const { disco, JWKS, cc, ropc, app, jwks } = await material();
  const issuer = api.issuer(tenant.id);
  assert.equal(disco.issuer, issuer);
  const kids = jwks.keys.map((k) => k.kid);

  const cases = [
    ['client credentials access token', cc.access_token, GRAPH_AUDIENCES],
    ['ROPC access token', ropc.access_token, GRAPH_AUDIENCES],
    ['ROPC ID token', ropc.id_token, [FIRST_PARTY_CLIENT_ID]],
  ];
  for (const [what, token, audience] of cases) {
    assert.ok(token, `${what} missing`);
    const h = jose.decodeProtectedHeader(token);
    assert.equal(h.alg, 'RS256', `${what} alg`);
    assert.ok(kids.includes(h.kid), `${what}: kid ${h.kid} not in the JWKS`);
    const { payload } = await jose.jwtVerify(token, JWKS, { issuer, audience, algorithms: ['RS256'] }).catch((e) => {
      throw new Error(`${what} does not verify: ${e.code ?? ''} ${e.message}`);
    });
    assert.equal(payload.tid, tenant.id, `${what} tid`);
    assert.ok(payload.exp > payload.iat, `${what} exp/iat`);
  }
  assert.equal(claims(cc.access_token).azp ?? claims(cc.access_token).appid, app.appId);

  // A token of one tenant does not verify against another tenant's issuer.
  await assert.rejects(
    jose.jwtVerify(cc.access_token, JWKS, { issuer: `${api.url}/${uuid()}/v2.0` }),
    (e) => e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED',
  );
});

test('the directory API accepts a genuine token (baseline for the refusals below)', async () => {
  const { ropc } = await material();
  const r = await callApi(ropc.access_token);
  assert.equal(r.status, 200, r.describe());
  assert.ok(Array.isArray(r.json?.value), r.describe());
});

test('the bearer check refuses tampered, unsigned and re-signed tokens', async () => {
  const { api } = env;
  const { ropc, jwks } = await material();
  const token = ropc.access_token;
  const [h, p, s] = token.split('.');
  const header = JSON.parse(Buffer.from(h, 'base64url'));
  const payload = JSON.parse(Buffer.from(p, 'base64url'));
  const now = Math.floor(Date.now() / 1000);

  // 1. Tampered payload, original signature.
  expect401(await callApi(`${h}.${b64({ ...payload, name: 'Mallory', wids: ['62e90394-69f5-4237-9190-012177145e10'] })}.${s}`), 'tampered payload');
  // 1b. Signature of another token.
  const other = (await api.userTokens(env.tenant, env.tenant.admin)).access_token.split('.')[2];
  if (other !== s) expect401(await callApi(`${h}.${p}.${other}`), 'foreign signature');
  // 1c. Truncated signature.
  expect401(await callApi(`${h}.${p}.${s.slice(0, -4)}`), 'truncated signature');

  // 2. alg none (with and without the trailing dot's signature).
  const none = b64({ alg: 'none', typ: 'JWT' });
  expect401(await callApi(`${none}.${p}.`), 'alg none');
  expect401(await callApi(`${none}.${p}`), 'alg none without signature part');
  expect401(await callApi(`${b64({ ...header, alg: 'None' })}.${p}.`), 'alg None');

  // 3. HS256 keyed with the server's public key (PEM and DER forms), the classic confusion.
  const serverKey = jwks.keys.find((k) => k.kid === header.kid);
  const pub = crypto.createPublicKey({ key: serverKey, format: 'jwk' });
  for (const [form, secret] of [
    ['PEM', Buffer.from(pub.export({ type: 'spki', format: 'pem' }))],
    ['PKCS1 PEM', Buffer.from(pub.export({ type: 'pkcs1', format: 'pem' }))],
    ['DER', pub.export({ type: 'spki', format: 'der' })],
  ]) {
    const hs = await new jose.SignJWT(payload).setProtectedHeader({ ...header, alg: 'HS256' }).sign(new Uint8Array(secret));
    expect401(await callApi(hs), `HS256 keyed with the public key (${form})`);
  }

  // 4. Our own RSA key: under the server's kid, under an unknown kid, and embedded as jwk.
  const { privateKey, publicKey } = await jose.generateKeyPair('RS256', { modulusLength: 2048 });
  const forged = (hdr, pl = payload) => new jose.SignJWT(pl).setProtectedHeader(hdr).sign(privateKey);
  expect401(await callApi(await forged({ alg: 'RS256', typ: 'JWT', kid: header.kid })), "foreign key under the server's kid");
  expect401(await callApi(await forged({ alg: 'RS256', typ: 'JWT', kid: 'attacker-kid' })), 'unknown kid');
  const jwk = await jose.exportJWK(publicKey);
  expect401(await callApi(await forged({ alg: 'RS256', typ: 'JWT', jwk })), 'embedded jwk header');
  expect401(await callApi(await forged({ alg: 'RS256', typ: 'JWT', kid: header.kid, jku: `${api.url}/evil/keys` })), 'jku header');

  // 5. Expired (self-signed: a genuine token cannot be waited out here).
  expect401(
    await callApi(await forged({ alg: 'RS256', typ: 'JWT', kid: header.kid }, { ...payload, iat: now - 7200, nbf: now - 7200, exp: now - 3600 })),
    'expired token',
  );

  // 6. Garbage and empty.
  expect401(await api.request('GET', '/v1.0/applications', { headers: { authorization: 'Bearer ' } }), 'empty bearer');
  expect401(await api.request('GET', '/v1.0/applications', { headers: { authorization: 'Bearer a.b.c' } }), 'garbage bearer');
  expect401(await api.request('GET', '/v1.0/applications'), 'no Authorization header');

  // The same refusals on UserInfo.
  for (const [what, t] of [
    ['alg none', `${none}.${p}.`],
    ['tampered', `${h}.${b64({ ...payload, sub: 'x' })}.${s}`],
  ]) {
    const r = await api.request('GET', '/oidc/userinfo', { token: t });
    assert.equal(r.status, 401, `userinfo with ${what}: ${r.describe()}`);
  }
});

test('a token in the query string, or an ID token as a bearer, is refused', async () => {
  const { api } = env;
  const { ropc } = await material();
  const q = await api.request('GET', `/v1.0/applications?access_token=${encodeURIComponent(ropc.access_token)}`);
  expect401(q, 'access_token in the query');
  expect401(await callApi(ropc.id_token), 'ID token as bearer');
});

test('a token for a custom API (wrong audience) is refused by the directory API', async () => {
  const { api, tenant } = env;
  const { JWKS, app } = await material();
  const admin = await api.adminToken(tenant);
  const roleId = uuid();
  const apiApp = await api.createApplication(admin, {
    displayName: `node-api-${randomName(6)}`,
    appRoles: [
      {
        allowedMemberTypes: ['Application'],
        id: roleId,
        value: 'Data.Read',
        displayName: 'Read data',
        description: 'Read data',
        isEnabled: true,
      },
    ],
  });
  const apiSp = await api.servicePrincipal(admin, apiApp.appId);
  await api.grantAppRole(admin, { clientSpId: app.spId, resourceSpId: apiSp.id, appRoleId: roleId });

  const r = await api.clientCredentials(tenant.id, {
    clientId: app.appId,
    clientSecret: app.secret,
    scope: `${apiApp.appId}/.default`,
  });
  assert.equal(r.status, 200, r.describe());
  const token = r.json.access_token;
  const { payload } = await jose.jwtVerify(token, JWKS, {
    issuer: api.issuer(tenant.id),
    audience: [apiApp.appId, `api://${apiApp.appId}`],
  });
  assert.deepEqual(payload.roles, ['Data.Read']);
  assert.equal(payload.idtyp, 'app');
  expect401(await callApi(token), 'token for a custom API on the directory API');
});

test("tenant A's token on tenant B's objects: not found, nothing changed", async () => {
  const { api, tenant: a } = env;
  const b = await api.createTenant();
  const bApp = await api.provisionApp(b, {});
  const bToken = await api.adminToken(b);
  const aToken = await api.adminToken(a);
  const bGraphSp = await api.graphServicePrincipal(b);

  // B sees its own app; A does not.
  const own = await api.graph('GET', `/applications/${bApp.objectId}`, bToken);
  assert.equal(own.status, 200, own.describe());
  const cross = await api.graph('GET', `/applications/${bApp.objectId}`, aToken);
  assert.equal(cross.status, 404, `A reading B's application: ${cross.describe()}`);
  assert.equal(cross.json?.error?.code, 'Request_ResourceNotFound', cross.describe());
  const list = await api.graph('GET', '/applications', aToken);
  assert.equal(list.status, 200, list.describe());
  assert.ok(!list.json.value.some((x) => x.id === bApp.objectId || x.appId === bApp.appId), "B's app listed in A");

  // A cannot add a secret to B's app, nor grant B's Graph permissions to B's app.
  const pw = await api.graph('POST', `/applications/${bApp.objectId}/addPassword`, aToken, { passwordCredential: { displayName: 'x' } });
  assert.equal(pw.status, 404, `A adding a password to B's app: ${pw.describe()}`);
  const grant = await api.graph('POST', `/servicePrincipals/${bGraphSp.id}/appRoleAssignedTo`, aToken, {
    principalId: bApp.spId,
    resourceId: bGraphSp.id,
    appRoleId: 'df021288-bdef-4463-88db-98f22de89214',
  });
  assert.equal(grant.status, 404, `A granting in B: ${grant.describe()}`);
  const after = await api.graph('GET', `/applications/${bApp.objectId}`, bToken);
  assert.equal(after.status, 200);
  assert.equal((after.json.passwordCredentials ?? []).length, 1, "B's app gained no password");

  // A's user cannot get tokens from B's token endpoint.
  const r = await api.ropc(b.id, { username: a.admin.upn, password: a.admin.password });
  assert.equal(r.status, 400, r.describe());
  assert.equal(r.json?.error, 'invalid_grant', r.describe());
});
