// SPDX-License-Identifier: MIT
// Talking to a running Atrium with plain fetch, and provisioning what the
// client-library tests need through the real API: a tenant (self-service
// sign-up), the admin's directory token (ROPC with the first-party client),
// applications with secrets, service principals, app-role assignments and
// delegated consent (Graph-shaped /v1.0), and extra users (the CLI).
//
// Every helper that expects success throws an Error naming the request and
// what came back (status and body), so a failing test says precisely which
// server call broke.
import crypto from 'node:crypto';
import { decodeJwt } from 'jose';

export const FIRST_PARTY_CLIENT_ID = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const GRAPH_DEFAULT_SCOPE = 'https://graph.microsoft.com/.default';
/** Microsoft Graph permission ids (the same in every tenant). */
export const GRAPH_PERMS = {
  'User.Read': 'e1fe6dd8-ba31-4d61-89e7-88639da4683d', // delegated (Scope)
  'User.Read.All': 'df021288-bdef-4463-88db-98f22de89214', // application (Role)
};
export const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Lower-case letters that are not hex digits: a prefix made of them can never occur in a hex password. */
const NON_HEX = 'ghijklmnopqrstuvwxyz';

export function randomName(n = 8) {
  const b = crypto.randomBytes(n);
  let s = '';
  for (const x of b) s += NON_HEX[x % NON_HEX.length];
  return s;
}

/** A password every policy accepts: 28 characters, 4 classes, no dictionary word, no name. */
export function strongPassword() {
  return `Vq7#${crypto.randomBytes(10).toString('hex')}!Zx`;
}

export function uuid() {
  return crypto.randomUUID();
}

function truncate(s, n = 800) {
  return s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s;
}

/** A fetch result with the body read: {status, headers, text, json, url, method, path}. */
export class Reply {
  constructor(method, url, res, text) {
    this.method = method;
    this.url = url;
    this.status = res.status;
    this.headers = res.headers;
    this.text = text;
    this.json = undefined;
    try {
      this.json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON */
    }
  }

  header(name) {
    return this.headers.get(name);
  }

  /** "POST /x/y → 400 {body}" for assertion messages. */
  describe() {
    const u = new URL(this.url);
    return `${this.method} ${u.pathname}${u.search ? '?…' : ''} → ${this.status} ${truncate(this.text)}`;
  }

  /** Throw unless the status is one of want. */
  expect(...want) {
    if (!want.includes(this.status)) {
      throw new Error(`expected HTTP ${want.join('/')}: ${this.describe()}`);
    }
    return this;
  }
}

export class Atrium {
  /** server: a Server from server.mjs (or anything with .url). */
  constructor(server) {
    this.server = server;
    this.url = server.url;
  }

  abs(pathOrUrl) {
    return /^https?:/.test(pathOrUrl) ? pathOrUrl : `${this.url}${pathOrUrl}`;
  }

  /**
   * request(method, path, {json, form, body, token, headers, redirect})
   * form: object or URLSearchParams (x-www-form-urlencoded); json: object.
   * redirect defaults to 'manual' (3xx are returned, not followed).
   */
  async request(method, pathOrUrl, opts = {}) {
    const url = this.abs(pathOrUrl);
    const headers = { ...(opts.headers ?? {}) };
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    } else if (opts.form !== undefined) {
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
      body = (opts.form instanceof URLSearchParams ? opts.form : new URLSearchParams(opts.form)).toString();
    }
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(url, {
      method,
      headers,
      body,
      redirect: opts.redirect ?? 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 60_000),
    });
    const text = await res.text();
    return new Reply(method, url, res, text);
  }

  get(p, o) {
    return this.request('GET', p, o);
  }

  post(p, o) {
    return this.request('POST', p, o);
  }

  // --- OAuth endpoints --------------------------------------------------------

  tokenUrl(tenant) {
    return `/${tenant}/oauth2/v2.0/token`;
  }

  issuer(tid) {
    return `${this.url}/${tid}/v2.0`;
  }

  /** POST the token endpoint of tenant with form fields; returns the Reply. */
  token(tenant, form, opts = {}) {
    return this.post(this.tokenUrl(tenant), { form, ...opts });
  }

  /** ROPC; returns the Reply (use .expect(200) when success is required). */
  ropc(tenant, { clientId = FIRST_PARTY_CLIENT_ID, clientSecret, username, password, scope }) {
    const form = {
      grant_type: 'password',
      client_id: clientId,
      username,
      password,
      scope: scope ?? `${GRAPH_DEFAULT_SCOPE} offline_access openid profile`,
    };
    if (clientSecret) form.client_secret = clientSecret;
    return this.token(tenant, form);
  }

  /** Client credentials; returns the Reply. */
  clientCredentials(tenant, { clientId, clientSecret, scope = GRAPH_DEFAULT_SCOPE }) {
    return this.token(tenant, {
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope,
    });
  }

  async discovery(tenant) {
    const r = await this.get(`/${tenant}/v2.0/.well-known/openid-configuration`);
    r.expect(200);
    return r.json;
  }

  // --- Provisioning -------------------------------------------------------------

  /**
   * Self-service sign-up of a new tenant with a Global Administrator.
   * Returns {id, domain, displayName, admin: {id, upn, password, givenName, surname}}.
   */
  async createTenant({ prefix = `nt${randomName(10)}`, displayName } = {}) {
    const password = strongPassword();
    const body = {
      displayName: displayName ?? `Node Test ${prefix}`,
      domainPrefix: prefix,
      countryLetterCode: 'US',
      contactEmail: `it@${prefix}.example.com`,
      admin: { givenName: 'Quinn', surname: 'Admin', userName: 'quinn', password },
    };
    const r = await this.post('/api/v1/tenants', { json: body });
    r.expect(201);
    const j = r.json;
    if (!j || !GUID_RE.test(j.id ?? '') || !j.admin?.userPrincipalName) {
      throw new Error(`sign-up answered 201 without id/admin: ${r.describe()}`);
    }
    return {
      id: j.id,
      domain: j.initialDomain,
      displayName: body.displayName,
      admin: {
        id: j.admin.id,
        upn: j.admin.userPrincipalName,
        password,
        givenName: 'Quinn',
        surname: 'Admin',
      },
    };
  }

  /** The admin's (or any user's) ROPC token response with the first-party client. */
  async userTokens(tenant, user, scope) {
    const r = await this.ropc(tenant.id, { username: user.upn, password: user.password, scope });
    if (r.status !== 200 || !r.json?.access_token) {
      throw new Error(`ROPC for ${user.upn} with the first-party client failed: ${r.describe()}`);
    }
    return r.json;
  }

  /** The admin's directory API access token (cached on the tenant object). */
  async adminToken(tenant) {
    if (!tenant.adminAccessToken) {
      tenant.adminTokens = await this.userTokens(tenant, tenant.admin);
      tenant.adminAccessToken = tenant.adminTokens.access_token;
    }
    return tenant.adminAccessToken;
  }

  /** Graph call; returns the Reply. */
  graph(method, path, token, json) {
    return this.request(method, `/v1.0${path}`, { token, json });
  }

  /** POST /v1.0/applications with body; returns the created application. */
  async createApplication(token, body) {
    const r = await this.graph('POST', '/applications', token, {
      signInAudience: 'AzureADMyOrg',
      ...body,
    });
    r.expect(201);
    if (!GUID_RE.test(r.json?.id ?? '') || !GUID_RE.test(r.json?.appId ?? '')) {
      throw new Error(`application without id/appId: ${r.describe()}`);
    }
    return r.json;
  }

  /** POST /v1.0/applications/{id}/addPassword → {keyId, secretText, ...}. */
  async addPassword(token, appObjectId, displayName = 'node-test') {
    const r = await this.graph('POST', `/applications/${appObjectId}/addPassword`, token, {
      passwordCredential: { displayName },
    });
    r.expect(200, 201);
    if (typeof r.json?.secretText !== 'string' || r.json.secretText.length < 16) {
      throw new Error(`addPassword returned no secretText: ${r.describe()}`);
    }
    return r.json;
  }

  /** The service principal of appId in the caller's tenant. */
  async servicePrincipal(token, appId) {
    const filter = encodeURIComponent(`appId eq '${appId}'`);
    const r = await this.graph('GET', `/servicePrincipals?$filter=${filter}`, token);
    r.expect(200);
    const sp = r.json?.value?.[0];
    if (!sp || !GUID_RE.test(sp.id ?? '') || sp.appId?.toLowerCase() !== appId.toLowerCase()) {
      throw new Error(`no service principal for appId ${appId}: ${r.describe()}`);
    }
    return sp;
  }

  /** Assign app role appRoleId of resource SP to client SP (application permission). */
  async grantAppRole(token, { clientSpId, resourceSpId, appRoleId }) {
    const r = await this.graph('POST', `/servicePrincipals/${resourceSpId}/appRoleAssignedTo`, token, {
      principalId: clientSpId,
      resourceId: resourceSpId,
      appRoleId,
    });
    r.expect(201);
    return r.json;
  }

  /** Tenant-wide delegated consent of scope (space-separated) for client SP on resource SP. */
  async grantDelegated(token, { clientSpId, resourceSpId, scope }) {
    const r = await this.graph('POST', '/oauth2PermissionGrants', token, {
      clientId: clientSpId,
      consentType: 'AllPrincipals',
      resourceId: resourceSpId,
      scope,
    });
    r.expect(201);
    return r.json;
  }

  /**
   * A confidential web app in tenant with a secret, its service principal,
   * optionally the User.Read.All application permission (appRole) and delegated
   * consent (delegated: scope string). Options: displayName, web/spa/publicClient
   * redirect URIs, isFallbackPublicClient, appRole (bool), delegated (string),
   * secret (bool, default true), extra (merged into the application body).
   * Returns {app, appId, objectId, spId, secret, graphSpId}.
   */
  async provisionApp(tenant, opts = {}) {
    const token = await this.adminToken(tenant);
    const body = {
      displayName: opts.displayName ?? `node-app-${randomName(6)}`,
      requiredResourceAccess: [
        {
          resourceAppId: GRAPH_APP_ID,
          resourceAccess: [
            { id: GRAPH_PERMS['User.Read'], type: 'Scope' },
            { id: GRAPH_PERMS['User.Read.All'], type: 'Role' },
          ],
        },
      ],
      ...(opts.extra ?? {}),
    };
    if (opts.web) body.web = { redirectUris: opts.web };
    if (opts.spa) body.spa = { redirectUris: opts.spa };
    if (opts.publicClient) body.publicClient = { redirectUris: opts.publicClient };
    if (opts.isFallbackPublicClient !== undefined) body.isFallbackPublicClient = opts.isFallbackPublicClient;
    const app = await this.createApplication(token, body);
    let secret = null;
    if (opts.secret ?? true) secret = (await this.addPassword(token, app.id)).secretText;
    const sp = await this.servicePrincipal(token, app.appId);
    const graphSp = await this.graphServicePrincipal(tenant);
    if (opts.appRole) {
      await this.grantAppRole(token, {
        clientSpId: sp.id,
        resourceSpId: graphSp.id,
        appRoleId: GRAPH_PERMS['User.Read.All'],
      });
    }
    if (opts.delegated) {
      await this.grantDelegated(token, { clientSpId: sp.id, resourceSpId: graphSp.id, scope: opts.delegated });
    }
    return { app, appId: app.appId, objectId: app.id, spId: sp.id, secret, graphSpId: graphSp.id };
  }

  /** The directory API's own service principal in tenant; checks its appRoles list User.Read.All. */
  async graphServicePrincipal(tenant) {
    if (!tenant.graphSp) {
      const sp = await this.servicePrincipal(await this.adminToken(tenant), GRAPH_APP_ID);
      const role = (sp.appRoles ?? []).find((r) => r.id === GRAPH_PERMS['User.Read.All']);
      if (!role || role.value !== 'User.Read.All') {
        throw new Error(
          `the Graph service principal does not list appRole User.Read.All (${GRAPH_PERMS['User.Read.All']}): ` +
            truncate(JSON.stringify(sp.appRoles ?? null)),
        );
      }
      tenant.graphSp = sp;
    }
    return tenant.graphSp;
  }

  /**
   * Create a user with the CLI on the server's data dir (while it runs).
   * Options: name (local part), password, forceChange, disabled.
   * Returns {id, upn, password, displayName}.
   */
  async createUser(tenant, { name = `u${randomName(8)}`, password = strongPassword(), forceChange, disabled } = {}) {
    const upn = `${name}@${tenant.domain}`;
    const displayName = `User ${name}`;
    const args = [
      'user',
      'create',
      '--data',
      this.server.dataDir,
      '--tenant',
      tenant.id,
      '--upn',
      upn,
      '--display-name',
      displayName,
      '--password-stdin',
      '--json',
    ];
    if (forceChange) args.push('--force-change');
    if (disabled) args.push('--disabled');
    const r = await this.server.cli(args, { stdin: `${password}\n` });
    if (r.code !== 0) {
      throw new Error(`atrium ${args.join(' ')} exited ${r.code}: ${truncate(r.stderr || r.stdout)}`);
    }
    let id = null;
    try {
      const j = JSON.parse(r.stdout);
      id = j.id ?? j.user?.id ?? null;
    } catch {
      /* not JSON */
    }
    return { id, upn, password, displayName };
  }
}

/** Decode a JWT payload (no verification) with a clear error for non-JWTs. */
export function claims(jwt, what = 'token') {
  if (typeof jwt !== 'string' || jwt.split('.').length !== 3) {
    throw new Error(`${what} is not a compact JWT: ${truncate(String(jwt), 120)}`);
  }
  return decodeJwt(jwt);
}

/** Assert an Entra-shaped OAuth error body (entra-compat §5.1); returns the body. */
export function expectOAuthError(reply, { status, error, code }) {
  const j = reply.json;
  const fail = (why) => {
    throw new Error(`${why}: ${reply.describe()}`);
  };
  if (status !== undefined && (Array.isArray(status) ? !status.includes(reply.status) : reply.status !== status)) {
    fail(`expected HTTP ${status}`);
  }
  if (!j || typeof j !== 'object') fail('the error body is not a JSON object');
  if (!/^application\/json/i.test(reply.header('content-type') ?? '')) fail('the error is not application/json');
  if (error !== undefined && j.error !== error) fail(`expected error "${error}"`);
  if (typeof j.error_description !== 'string') fail('error_description missing');
  if (code !== undefined) {
    if (!Array.isArray(j.error_codes) || !j.error_codes.includes(code)) fail(`expected error_codes to contain ${code}`);
    if (!j.error_codes.every((c) => typeof c === 'number')) fail('error_codes must be numbers');
    if (!j.error_description.startsWith(`AADSTS${code}:`)) fail(`error_description must start with "AADSTS${code}:"`);
  }
  return j;
}
