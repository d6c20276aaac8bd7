// SPDX-License-Identifier: MIT
// @microsoft/microsoft-graph-client 3.x against Atrium, configured as
// entra-compat.md §11 says: baseUrl https://localhost:PORT/ + defaultVersion
// v1.0 (the client joins them; absolute nextLinks are split into host,
// version = first path segment, and path), customHosts = {'localhost'} (the
// host name only: without it the AuthenticationHandler drops the
// Authorization header), and two authentication providers:
//   * app-only: TokenCredentialAuthenticationProvider over @azure/identity's
//     ClientSecretCredential (authorityHost = the server), for an application
//     created and granted User.ReadWrite.All + Group.ReadWrite.All through the API;
//   * delegated: the admin's ROPC token from the first-party client.
// Covers users (create with passwordProfile, get, $filter, $select, update,
// delete, GraphError 404), groups and members $ref, directory roles and
// roleManagement roleAssignments, custom domains with their
// verificationDnsRecords, and PageIterator over 2,500+ users imported with
// the CLI.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
// The documented path is .../authProviders/azureTokenCredentials; the package has
// no "exports" map, so an ES module import must name the CommonJS file.
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { claims, GRAPH_APP_ID, GRAPH_DEFAULT_SCOPE, GUID_RE, randomName, strongPassword } from './lib/atrium.mjs';
import { suite } from './lib/suite.mjs';

const env = suite('graph-client');

const PERM = {
  'User.ReadWrite.All': '741f803b-c850-494e-b5df-cde7c675a1ca',
  'Group.ReadWrite.All': '62a82d76-70ea-41e2-9197-370581804d09',
};
const ROLE_GLOBAL_ADMIN = '62e90394-69f5-4237-9190-012177145e10';
const ROLE_USER_ADMIN = 'fe930be7-5e62-47db-91af-98c3a49a38b1';
const IMPORTED = 2500;

function graphClient(authProvider) {
  return Client.initWithMiddleware({
    authProvider,
    baseUrl: `${env.api.url}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(env.api.url).hostname]),
  });
}

/** Assert that promise rejects with a GraphError of statusCode (and code). */
async function rejectsGraph(promise, statusCode, code) {
  await assert.rejects(promise, (e) => {
    assert.ok(e instanceof GraphError, `expected a GraphError, got ${e?.constructor?.name}: ${e?.message}`);
    assert.equal(e.statusCode, statusCode, `statusCode (${e.code}: ${e.message})`);
    if (code) assert.equal(e.code, code, `code (${e.message})`);
    return true;
  });
}

let clientsPromise = null;
/** The app-only client (and its app) and the admin's delegated client, made once. */
function clients() {
  clientsPromise ??= (async () => {
    const { api, tenant } = env;
    const token = await api.adminToken(tenant);
    const app = await api.createApplication(token, {
      displayName: `graph-client-${randomName(6)}`,
      requiredResourceAccess: [
        {
          resourceAppId: GRAPH_APP_ID,
          resourceAccess: Object.values(PERM).map((id) => ({ id, type: 'Role' })),
        },
      ],
    });
    const secret = (await api.addPassword(token, app.id)).secretText;
    const sp = await api.servicePrincipal(token, app.appId);
    const graphSp = await api.graphServicePrincipal(tenant);
    for (const [name, id] of Object.entries(PERM)) {
      const role = (graphSp.appRoles ?? []).find((r) => r.id === id);
      assert.equal(role?.value, name, `the Graph service principal lists appRole ${name} (${id})`);
      await api.grantAppRole(token, { clientSpId: sp.id, resourceSpId: graphSp.id, appRoleId: id });
    }
    const credential = new ClientSecretCredential(tenant.id, app.appId, secret, {
      authorityHost: api.url,
      disableInstanceDiscovery: true,
    });
    const appClient = graphClient(
      new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_DEFAULT_SCOPE] }),
    );
    const adminClient = graphClient({ getAccessToken: () => api.adminToken(tenant) });
    return { app, sp, credential, appClient, adminClient };
  })();
  return clientsPromise;
}

test('app-only token through ClientSecretCredential carries the granted roles', async () => {
  const { app, sp, credential, appClient } = await clients();
  const t = await credential.getToken(GRAPH_DEFAULT_SCOPE);
  const c = claims(t.token, 'access token');
  for (const name of Object.keys(PERM)) {
    assert.ok(c.roles?.includes(name), `roles ${JSON.stringify(c.roles)} lack ${name}`);
  }
  assert.equal(c.idtyp, 'app');
  assert.equal(c.tid, env.tenant.id);
  assert.equal(c.azp ?? c.appid, app.appId);
  assert.equal(c.oid, sp.id);
  // The client sends the token to localhost (customHosts): a read works.
  const admin = await appClient.api(`/users/${env.tenant.admin.id}`).get();
  assert.equal(admin.userPrincipalName, env.tenant.admin.upn);
  // ... and /organization needs Organization.Read.All or Directory.Read.All, which it lacks.
  await rejectsGraph(appClient.api('/organization').get(), 403, 'Authorization_RequestDenied');
});

test('users: create with passwordProfile, get, $filter, $select, update, delete, 404', async () => {
  const { api, tenant } = env;
  const { appClient } = await clients();
  const prefix = `Gc${randomName(8)}`;
  const made = [];
  for (const who of ['Alice', 'Bob']) {
    const nick = `${prefix}${who}`.toLowerCase();
    const password = strongPassword();
    const u = await appClient.api('/users').post({
      accountEnabled: true,
      displayName: `${prefix} ${who}`,
      mailNickname: nick,
      userPrincipalName: `${nick}@${tenant.domain}`,
      passwordProfile: { forceChangePasswordNextSignIn: false, password },
    });
    assert.ok(GUID_RE.test(u?.id ?? ''), `create answered ${JSON.stringify(u)}`);
    assert.equal(u.userPrincipalName, `${nick}@${tenant.domain}`);
    assert.equal(u.displayName, `${prefix} ${who}`);
    assert.equal(u.passwordProfile, undefined, 'the password is never echoed');
    made.push({ ...u, password });
  }
  const [alice, bob] = made;

  // The password set through passwordProfile signs in.
  const ropc = await api.ropc(tenant.id, { username: alice.userPrincipalName, password: alice.password });
  assert.equal(ropc.status, 200, ropc.describe());

  const got = await appClient.api(`/users/${alice.id}`).get();
  assert.equal(got.id, alice.id);
  assert.equal(got.displayName, alice.displayName);
  const byUpn = await appClient.api(`/users/${alice.userPrincipalName}`).get();
  assert.equal(byUpn.id, alice.id, 'a user is addressable by its UPN');

  const filtered = await appClient.api('/users').filter(`startswith(displayName,'${prefix}')`).get();
  assert.deepEqual(
    filtered.value.map((u) => u.id).sort(),
    [alice.id, bob.id].sort(),
    `$filter startswith: ${JSON.stringify(filtered.value.map((u) => u.displayName))}`,
  );
  assert.equal(filtered['@odata.nextLink'], undefined);

  const selected = await appClient.api(`/users/${bob.id}`).select(['id', 'displayName']).get();
  const keys = Object.keys(selected).filter((k) => !k.startsWith('@odata.'));
  assert.deepEqual(keys.sort(), ['displayName', 'id'], `$select returned ${JSON.stringify(selected)}`);
  const selectedList = await appClient
    .api('/users')
    .filter(`startswith(displayName,'${prefix}')`)
    .select('id,userPrincipalName')
    .get();
  assert.equal(selectedList.value.length, 2);
  for (const u of selectedList.value) {
    assert.deepEqual(Object.keys(u).sort(), ['id', 'userPrincipalName'], JSON.stringify(u));
  }

  const patched = await appClient
    .api(`/users/${alice.id}`)
    .patch({ jobTitle: 'Graph client tester', displayName: `${prefix} Alice Updated` });
  assert.equal(patched, undefined, 'PATCH answers 204 (the client returns undefined)');
  const after = await appClient.api(`/users/${alice.id}`).select('displayName,jobTitle').get();
  assert.equal(after.jobTitle, 'Graph client tester');
  assert.equal(after.displayName, `${prefix} Alice Updated`);

  for (const u of made) {
    assert.equal(await appClient.api(`/users/${u.id}`).delete(), undefined, 'DELETE answers 204');
    await rejectsGraph(appClient.api(`/users/${u.id}`).get(), 404, 'Request_ResourceNotFound');
  }
  await rejectsGraph(appClient.api(`/users/${crypto.randomUUID()}`).get(), 404, 'Request_ResourceNotFound');
  const gone = await appClient.api('/users').filter(`startswith(displayName,'${prefix}')`).get();
  assert.deepEqual(gone.value, []);
});

test('groups: create, add a member by $ref, list members, remove, delete', async () => {
  const { tenant } = env;
  const { appClient } = await clients();
  const nick = `gc${randomName(8)}`;
  const user = await appClient.api('/users').post({
    accountEnabled: true,
    displayName: `Member ${nick}`,
    mailNickname: nick,
    userPrincipalName: `${nick}@${tenant.domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: strongPassword() },
  });
  const group = await appClient.api('/groups').post({
    displayName: `Group ${nick}`,
    mailEnabled: false,
    mailNickname: `grp${nick}`,
    securityEnabled: true,
  });
  assert.ok(GUID_RE.test(group?.id ?? ''), `group create answered ${JSON.stringify(group)}`);
  assert.equal(group.securityEnabled, true);

  const added = await appClient
    .api(`/groups/${group.id}/members/$ref`)
    .post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` });
  assert.equal(added, undefined, 'members/$ref POST answers 204');
  // Adding the same member again is a 400 in Graph.
  await rejectsGraph(
    appClient
      .api(`/groups/${group.id}/members/$ref`)
      .post({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${user.id}` }),
    400,
  );

  const members = await appClient.api(`/groups/${group.id}/members`).get();
  assert.equal(members.value.length, 1, JSON.stringify(members));
  assert.equal(members.value[0].id, user.id);
  assert.equal(members.value[0]['@odata.type'], '#microsoft.graph.user');
  const memberOf = await appClient.api(`/users/${user.id}/memberOf`).get();
  assert.ok(memberOf.value.some((g) => g.id === group.id), JSON.stringify(memberOf));

  assert.equal(await appClient.api(`/groups/${group.id}/members/${user.id}/$ref`).delete(), undefined);
  const none = await appClient.api(`/groups/${group.id}/members`).get();
  assert.deepEqual(none.value, []);

  await appClient.api(`/groups/${group.id}`).delete();
  await rejectsGraph(appClient.api(`/groups/${group.id}`).get(), 404);
  await appClient.api(`/users/${user.id}`).delete();
});

test('directory roles: list, assign User Administrator with roleManagement, members', async () => {
  const { tenant } = env;
  const { appClient, adminClient } = await clients();
  const roles = await adminClient.api('/directoryRoles').get();
  const ga = roles.value.find((r) => r.roleTemplateId === ROLE_GLOBAL_ADMIN);
  assert.ok(ga, `Global Administrator is active: ${JSON.stringify(roles.value.map((r) => r.displayName))}`);
  const gaMembers = await adminClient.api(`/directoryRoles/${ga.id}/members`).get();
  assert.ok(gaMembers.value.some((m) => m.id === tenant.admin.id), 'the admin is a Global Administrator');

  const nick = `gc${randomName(8)}`;
  const user = await appClient.api('/users').post({
    accountEnabled: true,
    displayName: `Helpdesk ${nick}`,
    mailNickname: nick,
    userPrincipalName: `${nick}@${tenant.domain}`,
    passwordProfile: { forceChangePasswordNextSignIn: true, password: strongPassword() },
  });

  // The application has no RoleManagement permission.
  await rejectsGraph(
    appClient.api('/roleManagement/directory/roleAssignments').post({
      principalId: user.id,
      roleDefinitionId: ROLE_USER_ADMIN,
      directoryScopeId: '/',
    }),
    403,
  );

  const ra = await adminClient.api('/roleManagement/directory/roleAssignments').post({
    '@odata.type': '#microsoft.graph.unifiedRoleAssignment',
    principalId: user.id,
    roleDefinitionId: ROLE_USER_ADMIN,
    directoryScopeId: '/',
  });
  assert.ok(ra?.id, `roleAssignment create answered ${JSON.stringify(ra)}`);
  assert.equal(ra.principalId, user.id);
  assert.equal(ra.roleDefinitionId, ROLE_USER_ADMIN);
  assert.equal(ra.directoryScopeId, '/');

  const listed = await adminClient
    .api('/roleManagement/directory/roleAssignments')
    .filter(`principalId eq '${user.id}'`)
    .get();
  assert.deepEqual(listed.value.map((a) => a.id), [ra.id]);

  const after = await adminClient.api('/directoryRoles').get();
  const ua = after.value.find((r) => r.roleTemplateId === ROLE_USER_ADMIN);
  assert.ok(ua, `User Administrator is active after the assignment: ${JSON.stringify(after.value)}`);
  const uaMembers = await adminClient.api(`/directoryRoles(roleTemplateId='${ROLE_USER_ADMIN}')/members`).get();
  assert.deepEqual(uaMembers.value.map((m) => m.id), [user.id]);

  assert.equal(await adminClient.api(`/roleManagement/directory/roleAssignments/${ra.id}`).delete(), undefined);
  await rejectsGraph(adminClient.api(`/roleManagement/directory/roleAssignments/${ra.id}`).get(), 404);
  const emptied = await adminClient
    .api('/roleManagement/directory/roleAssignments')
    .filter(`principalId eq '${user.id}'`)
    .get();
  assert.deepEqual(emptied.value, []);
  // An activated role stays activated once empty, as in Entra.
  const stillActive = await adminClient.api(`/directoryRoles(roleTemplateId='${ROLE_USER_ADMIN}')/members`).get();
  assert.deepEqual(stillActive.value, []);
  await appClient.api(`/users/${user.id}`).delete();
});

test('domains: add a custom domain, its verificationDnsRecords, remove it', async () => {
  const { adminClient } = await clients();
  const name = `${randomName(10)}.example.com`;
  const d = await adminClient.api('/domains').post({ id: name });
  assert.equal(d?.id, name, JSON.stringify(d));
  assert.equal(d.isVerified, false);
  assert.equal(d.isDefault, false);

  const recs = await adminClient.api(`/domains/${name}/verificationDnsRecords`).get();
  const txt = recs.value.find((r) => r.recordType === 'Txt');
  assert.ok(txt, `a TXT record: ${JSON.stringify(recs)}`);
  assert.equal(txt['@odata.type'], '#microsoft.graph.domainDnsTxtRecord');
  assert.equal(txt.label, name);
  assert.match(txt.text, /^MS=ms\d+$/);
  const mx = recs.value.find((r) => r.recordType === 'Mx');
  assert.ok(mx?.mailExchange, `an MX record: ${JSON.stringify(recs)}`);

  const all = await adminClient.api('/domains').get();
  assert.ok(all.value.some((x) => x.id === name));
  assert.equal(await adminClient.api(`/domains/${name}`).delete(), undefined);
  await rejectsGraph(adminClient.api(`/domains/${name}`).get(), 404);
});

test(`PageIterator over ${IMPORTED}+ users imported with the CLI`, async () => {
  const { api, tenant, server } = env;
  const { appClient } = await clients();
  const tag = randomName(6);
  const password = strongPassword();
  const upns = [];
  const lines = ['userPrincipalName,displayName,password'];
  for (let i = 0; i < IMPORTED; i++) {
    const upn = `imp${tag}${String(i).padStart(5, '0')}@${tenant.domain}`;
    upns.push(upn);
    lines.push(`${upn},Imported ${tag} ${i},${password}`);
  }
  const csv = path.join(server.tmp, 'users.csv');
  fs.writeFileSync(csv, `${lines.join('\n')}\n`, { mode: 0o600 });
  const args = ['user', 'import', '--data', server.dataDir, '--tenant', tenant.id, '--csv', csv,
    '--argon2-memory', '1024', '--argon2-iterations', '1', '--json'];
  const r = await server.cli(args, { timeoutMs: 60_000 });
  assert.equal(r.code, 0, `atrium ${args.join(' ')} exited ${r.code}: ${(r.stderr || r.stdout).slice(0, 800)}`);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.created, IMPORTED, r.stdout.slice(0, 400));
  assert.equal(summary.rejected, 0);

  const first = await appClient.api('/users').top(999).get();
  assert.equal(first.value.length, 999, 'a full first page');
  assert.ok(first['@odata.nextLink'], 'a nextLink after the first page');
  assert.ok(first['@odata.nextLink'].startsWith(`${api.url}/v1.0/users?`), first['@odata.nextLink']);

  const seen = new Map();
  const dupes = [];
  let pages = 1;
  const it = new PageIterator(appClient, first, (u) => {
    if (seen.has(u.id)) dupes.push(u.id);
    seen.set(u.id, u.userPrincipalName);
    return true;
  });
  // Count the page fetches: PageIterator calls client.api(nextLink).get().
  const api0 = appClient.api.bind(appClient);
  appClient.api = (p) => {
    if (/^https:/.test(p)) pages++;
    return api0(p);
  };
  try {
    await it.iterate();
  } finally {
    delete appClient.api;
  }
  assert.ok(it.isComplete(), 'the iterator reached the last page');
  assert.deepEqual(dupes, [], 'no user appears twice');
  const got = new Set([...seen.values()].map((u) => u.toLowerCase()));
  const missing = upns.filter((u) => !got.has(u.toLowerCase()));
  assert.deepEqual(missing.slice(0, 5), [], `${missing.length} imported users not listed`);
  assert.ok(seen.size >= IMPORTED + 1, `at least the imported users and the admin: ${seen.size}`);
  assert.ok(pages >= Math.ceil(seen.size / 999), `pages ${pages} for ${seen.size} users`);
  // Advanced query: $filter + $count=true with ConsistencyLevel, which PageIterator
  // re-sends on every nextLink through requestOptions.headers.
  const eventual = { ConsistencyLevel: 'eventual' };
  const firstFiltered = await appClient
    .api('/users')
    .header('ConsistencyLevel', 'eventual')
    .filter(`startswith(displayName,'Imported ${tag}')`)
    .count(true)
    .top(999)
    .get();
  assert.equal(firstFiltered['@odata.count'], IMPORTED, '@odata.count of the filtered set');
  const filteredIds = new Set();
  const it2 = new PageIterator(appClient, firstFiltered, (u) => {
    assert.ok(u.displayName.startsWith(`Imported ${tag} `), u.displayName);
    filteredIds.add(u.id);
    return true;
  }, { headers: eventual });
  await it2.iterate();
  assert.equal(filteredIds.size, IMPORTED, 'every filtered user once');

  // $count is text/plain, which the client returns as a string.
  const count = await appClient.api('/users/$count').header('ConsistencyLevel', 'eventual').get();
  assert.equal(String(count).trim(), String(seen.size), '/users/$count');
});
