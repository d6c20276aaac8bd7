/* SPDX-License-Identifier: MIT */
/*
 * Tenant isolation, walked over the whole route table: the real server
 * (insecure HTTP on 127.0.0.1, port 0, a temporary SQLite store, real
 * signing keys) with two signed-up tenants A and B. A creates one object of
 * every kind through the Graph API; then every ATRIUM_AUTH_BEARER row of
 * atrium_routes[] is called with B's admin token and A's ids in its {params}
 * and must answer 400/403/404/405 (collection GETs and an explicit
 * allow-list of tenant-independent rows: no A id in a 2xx body). Then B
 * reaches for A's objects through its own (mixed ids: B's group, A's user)
 * and filters its collections on A's ids. Finally A's own GETs over every
 * route answer 200 (so the ids were real), and A re-reads its objects and
 * finds them unchanged. A failure lists every route that leaked, with its
 * status and body; ATRIUM_TEST_VERBOSE=1 prints every row's status.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/xalloc.h"
#include "crypto/keyring.h"
#include "crypto/mac.h"
#include "crypto/masterkey.h"
#include "crypto/pwhash.h"
#include "crypto/secret.h"
#include "http/routes.h"
#include "http/server.h"
#include "oauth/oauth.h"
#include "store/store.h"

#define PASSWORD "Correct-Horse-Battery-9"
#define URL "https://localhost:8443"
#define GRAPH "https://graph.microsoft.com/v1.0"
#define FIRST_PARTY "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
#define GRAPH_APP_ID "00000003-0000-0000-c000-000000000000"
#define ROLE_USER_ADMIN "fe930be7-5e62-47db-91af-98c3a49a38b1"
#define ROLE_USER_READ_ALL "df021288-bdef-4463-88db-98f22de89214"

struct fixture {
    char db[512];
    struct atrium_store_pool *pool;
    struct atrium_pwhasher *hasher;
    struct atrium_oauth oauth;
    struct atrium_app app;
    struct atrium_http_config cfg;
    struct atrium_http_server *srv;
    uint16_t port;
};

struct resp {
    int status;
    char *raw;
    char *body; /* points into raw */
    size_t body_len;
};

/* The objects of one tenant, and its admin's token. */
struct tenant {
    char id[64], domain[128], admin[64], token[4096];
    char user[64], deleted[64], group[64], app[64], app_id[64], sp[64], graph_sp[64];
    char key_id[64], assignment[64], grant[64], custom_domain[128], role_assignment[64];
    char audit[64];
};

/* ---- a minimal HTTP client: one request per connection ---- */

static struct resp send_request(uint16_t port, const char *method, const char *path,
                                const char *token, const char *ctype, const char *body)
{
    char *req = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&req, &n);
    /* ConsistencyLevel: the advanced queries ($count) answer instead of refusing. */
    fprintf(f,
            "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            "ConsistencyLevel: eventual\r\n",
            method, path);
    if (token)
        fprintf(f, "Authorization: Bearer %s\r\n", token);
    if (body)
        fprintf(f, "Content-Type: %s\r\nContent-Length: %zu\r\n\r\n%s", ctype, strlen(body), body);
    else
        fprintf(f, "\r\n");
    fclose(f);

    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {.tv_sec = 20};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    for (size_t off = 0; off < n;) {
        ssize_t w = send(fd, req + off, n - off, MSG_NOSIGNAL);
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    free(req);
    shutdown(fd, SHUT_WR);
    size_t cap = 8192, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (len + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = recv(fd, buf + len, cap - len - 1, 0);
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    close(fd);
    buf[len] = '\0';
    struct resp r = {.raw = buf, .body = buf + len};
    if (sscanf(buf, "HTTP/1.%*c %d", &r.status) != 1)
        r.status = 0;
    char *end = strstr(buf, "\r\n\r\n");
    if (end) {
        *end = '\0';
        r.body = end + 4;
        r.body_len = len - (size_t)(r.body - buf);
    }
    return r;
}

static struct resp call(uint16_t port, const char *method, const char *path, const char *token,
                        const char *json)
{
    return send_request(port, method, path, token, "application/json", json);
}

static json_t *body_json(const struct resp *r)
{
    json_error_t jerr;
    json_t *doc = json_loadb(r->body, r->body_len, 0, &jerr);
    if (!doc)
        fail_msg("body is not JSON (%d): %s", r->status, r->body);
    return doc;
}

/* Call, expect status want, return the body's JSON (caller owns; NULL when empty). */
static json_t *expect(uint16_t port, int want, const char *method, const char *path,
                      const char *token, const char *json)
{
    struct resp r = call(port, method, path, token, json);
    if (r.status != want)
        fail_msg("%s %s: want %d, got %d: %s", method, path, want, r.status, r.body);
    json_t *doc = r.body_len ? body_json(&r) : NULL;
    free(r.raw);
    return doc;
}

static void copy_str(char *dst, size_t cap, const json_t *obj, const char *key)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v)
        fail_msg("no string %s in %s", key, json_dumps(obj, JSON_COMPACT));
    snprintf(dst, cap, "%s", v);
}

/* ---- fixture ---- */

static int setup(void **state)
{
    struct fixture *fx = xcalloc(1, sizeof(*fx));
    const char *tmp = getenv("ATRIUM_TEST_TMP");
    snprintf(fx->db, sizeof(fx->db), "%s/isolation-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(fx->db);
    assert_true(fd >= 0);
    close(fd);
    char uri[600];
    snprintf(uri, sizeof(uri), "sqlite:%s", fx->db);
    struct atrium_errinfo e = {0};
    struct atrium_store *s = NULL;
    assert_int_equal(atrium_store_open(uri, &s, &e), 0);
    int version = 0;
    assert_int_equal(atrium_store_migrate(s, &version), 0);
    struct atrium_pwhash_params pw = {.memory_kib = 1024,
                                      .iterations = 1,
                                      .parallelism = 1,
                                      .max_concurrent = 2,
                                      .max_waiting = 16};
    assert_int_equal(atrium_pwhasher_new(&pw, &fx->hasher), 0);

    /* The token services as serve_oauth.c sets them up, from a fresh master key. */
    struct atrium_masterkey *mk = atrium_masterkey_generate();
    fx->oauth.cfg = (struct atrium_oauth_config)ATRIUM_OAUTH_CONFIG_DEFAULT;
    fx->oauth.cfg.public_url = URL;
    fx->oauth.hasher = fx->hasher;
    assert_int_equal(atrium_oauth_keys_load(s, mk, &fx->oauth.keyring, &e), 0);
    assert_int_equal(atrium_secret_hasher_new(mk, &fx->oauth.secrets), 0);
    assert_int_equal(atrium_mac_key_derive(mk, "atrium graph skiptoken v1", &fx->oauth.paging_key),
                     0);
    fx->oauth.bearer_cache = atrium_bearer_cache_new(256);
    atrium_masterkey_free(mk);
    atrium_store_close(s);

    assert_int_equal(atrium_store_pool_new(uri, &fx->pool, &e), 0);
    fx->app.store_pool = fx->pool;
    fx->app.directory.initial_domain_suffix = "atrium.localhost";
    fx->app.directory.password_policy =
        (struct atrium_password_policy)ATRIUM_PASSWORD_POLICY_DEFAULT;
    fx->app.directory.hasher = fx->hasher;
    fx->app.public_url = URL;
    fx->app.self_signup = true;
    fx->app.oauth = &fx->oauth;
    fx->app.dns_server = "127.0.0.1:9"; /* domain verification must never leave the host */
    fx->cfg.listen_host = "127.0.0.1";
    fx->cfg.insecure_http = true;
    fx->cfg.threads = 2;
    fx->cfg.timeout_seconds = 10;
    if (atrium_http_start(&fx->cfg, &fx->app, &fx->srv, &e) < 0)
        fail_msg("start: %s", e.message);
    fx->port = atrium_http_port(fx->srv);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    atrium_http_stop(fx->srv);
    atrium_store_pool_free(fx->pool);
    atrium_keyring_free(fx->oauth.keyring);
    atrium_secret_hasher_free(fx->oauth.secrets);
    atrium_mac_key_free(fx->oauth.paging_key);
    atrium_bearer_cache_free(fx->oauth.bearer_cache);
    atrium_pwhasher_free(fx->hasher);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[600];
        snprintf(path, sizeof(path), "%s%s", fx->db, suffixes[i]);
        unlink(path);
    }
    free(fx);
    return 0;
}

/* ---- building the two tenants ---- */

static void signup(struct fixture *fx, const char *tag, struct tenant *t)
{
    char hex[9], body[1024];
    atrium_random_hex(hex, 4);
    snprintf(body, sizeof(body),
             "{\"displayName\":\"Iso %s\",\"domainPrefix\":\"iso%s%s\",\"countryLetterCode\":"
             "\"US\",\"contactEmail\":\"it@iso.example\",\"admin\":{\"givenName\":\"Ada\","
             "\"surname\":\"Admin\",\"userName\":\"ada\",\"password\":\"" PASSWORD "\"}}",
             tag, tag, hex);
    json_t *doc = expect(fx->port, 201, "POST", "/api/v1/tenants", NULL, body);
    copy_str(t->id, sizeof(t->id), doc, "id");
    copy_str(t->domain, sizeof(t->domain), doc, "initialDomain");
    copy_str(t->admin, sizeof(t->admin), json_object_get(doc, "admin"), "id");
    json_decref(doc);

    /* The admin's delegated Graph token: password grant through the first-party client. */
    char path[256], form[512];
    snprintf(path, sizeof(path), "/%s/oauth2/v2.0/token", t->id);
    snprintf(form, sizeof(form),
             "grant_type=password&client_id=" FIRST_PARTY "&username=ada%%40%s&password=" PASSWORD
             "&scope=https%%3A%%2F%%2Fgraph.microsoft.com%%2F.default",
             t->domain);
    struct resp r =
        send_request(fx->port, "POST", path, NULL, "application/x-www-form-urlencoded", form);
    if (r.status != 200)
        fail_msg("token for %s: %d %s", tag, r.status, r.body);
    doc = body_json(&r);
    copy_str(t->token, sizeof(t->token), doc, "access_token");
    json_decref(doc);
    free(r.raw);
}

/* The id of the first service principal with appId (A's token). */
static void find_sp(struct fixture *fx, const struct tenant *t, const char *app_id, char *ret,
                    size_t cap)
{
    char path[256];
    snprintf(path, sizeof(path), "/v1.0/servicePrincipals?$filter=appId%%20eq%%20'%s'", app_id);
    json_t *doc = expect(fx->port, 200, "GET", path, t->token, NULL);
    json_t *first = json_array_get(json_object_get(doc, "value"), 0);
    assert_non_null(first);
    copy_str(ret, cap, first, "id");
    json_decref(doc);
}

/* One object of every kind in tenant t, through the Graph API with t's token. */
static void populate(struct fixture *fx, struct tenant *t)
{
    uint16_t p = fx->port;
    char body[2048], path[512];
    snprintf(body, sizeof(body),
             "{\"accountEnabled\":true,\"displayName\":\"Iso User\",\"mailNickname\":\"isouser\","
             "\"userPrincipalName\":\"isouser@%s\",\"passwordProfile\":{\"password\":"
             "\"" PASSWORD "\",\"forceChangePasswordNextSignIn\":false}}",
             t->domain);
    json_t *doc = expect(p, 201, "POST", "/v1.0/users", t->token, body);
    copy_str(t->user, sizeof(t->user), doc, "id");
    json_decref(doc);

    /* A user in the recycle bin, for /directory/deletedItems. */
    snprintf(body, sizeof(body),
             "{\"accountEnabled\":true,\"displayName\":\"Gone\",\"mailNickname\":\"gone\","
             "\"userPrincipalName\":\"gone@%s\",\"passwordProfile\":{\"password\":"
             "\"" PASSWORD "\",\"forceChangePasswordNextSignIn\":false}}",
             t->domain);
    doc = expect(p, 201, "POST", "/v1.0/users", t->token, body);
    copy_str(t->deleted, sizeof(t->deleted), doc, "id");
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1.0/users/%s", t->deleted);
    json_decref(expect(p, 204, "DELETE", path, t->token, NULL));

    snprintf(body, sizeof(body),
             "{\"displayName\":\"Iso Group\",\"mailNickname\":\"isogroup\",\"mailEnabled\":false,"
             "\"securityEnabled\":true,\"members@odata.bind\":[\"" GRAPH "/users/%s\"],"
             "\"owners@odata.bind\":[\"" GRAPH "/users/%s\"]}",
             t->user, t->admin);
    doc = expect(p, 201, "POST", "/v1.0/groups", t->token, body);
    copy_str(t->group, sizeof(t->group), doc, "id");
    json_decref(doc);

    doc = expect(p, 201, "POST", "/v1.0/applications", t->token,
                 "{\"displayName\":\"Iso App\",\"web\":{\"redirectUris\":"
                 "[\"https://iso.example.com/cb\"]}}");
    copy_str(t->app, sizeof(t->app), doc, "id");
    copy_str(t->app_id, sizeof(t->app_id), doc, "appId");
    json_decref(doc);
    snprintf(path, sizeof(path), "/v1.0/applications/%s/addPassword", t->app);
    doc =
        expect(p, 200, "POST", path, t->token, "{\"passwordCredential\":{\"displayName\":\"k\"}}");
    copy_str(t->key_id, sizeof(t->key_id), doc, "keyId");
    json_decref(doc);
    find_sp(fx, t, t->app_id, t->sp, sizeof(t->sp));
    find_sp(fx, t, GRAPH_APP_ID, t->graph_sp, sizeof(t->graph_sp));

    snprintf(path, sizeof(path), "/v1.0/servicePrincipals/%s/appRoleAssignedTo", t->graph_sp);
    snprintf(body, sizeof(body),
             "{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":\"" ROLE_USER_READ_ALL
             "\"}",
             t->sp, t->graph_sp);
    doc = expect(p, 201, "POST", path, t->token, body);
    copy_str(t->assignment, sizeof(t->assignment), doc, "id");
    json_decref(doc);

    snprintf(body, sizeof(body),
             "{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"%s\","
             "\"scope\":\"User.Read\"}",
             t->sp, t->graph_sp);
    doc = expect(p, 201, "POST", "/v1.0/oauth2PermissionGrants", t->token, body);
    copy_str(t->grant, sizeof(t->grant), doc, "id");
    json_decref(doc);

    snprintf(t->custom_domain, sizeof(t->custom_domain), "iso-%.8s.example.com", t->id);
    snprintf(body, sizeof(body), "{\"id\":\"%s\"}", t->custom_domain);
    json_decref(expect(p, 201, "POST", "/v1.0/domains", t->token, body));

    json_decref(expect(p, 201, "POST", "/v1.0/directoryRoles", t->token,
                       "{\"roleTemplateId\":\"" ROLE_USER_ADMIN "\"}"));
    snprintf(body, sizeof(body),
             "{\"principalId\":\"%s\",\"roleDefinitionId\":\"" ROLE_USER_ADMIN
             "\",\"directoryScopeId\":\"/\"}",
             t->user);
    doc = expect(p, 201, "POST", "/v1.0/roleManagement/directory/roleAssignments", t->token, body);
    copy_str(t->role_assignment, sizeof(t->role_assignment), doc, "id");
    json_decref(doc);

    doc = expect(p, 200, "GET", "/v1.0/auditLogs/directoryAudits", t->token, NULL);
    json_t *first = json_array_get(json_object_get(doc, "value"), 0);
    assert_non_null(first);
    copy_str(t->audit, sizeof(t->audit), first, "id");
    json_decref(doc);
}

/* Every id (and name) of A's objects: none may show in B's answers. */
static size_t a_ids(const struct tenant *a, const char *ret[20])
{
    const char *ids[] = {a->id,
                         a->admin,
                         a->user,
                         a->deleted,
                         a->group,
                         a->app,
                         a->app_id,
                         a->sp,
                         a->graph_sp,
                         a->key_id,
                         a->assignment,
                         a->grant,
                         a->custom_domain,
                         a->role_assignment,
                         a->audit,
                         a->domain};
    size_t n = sizeof(ids) / sizeof(ids[0]);
    memcpy(ret, ids, sizeof(ids));
    return n;
}

static const char *leaked_id(const struct tenant *a, const char *body)
{
    const char *ids[20];
    size_t n = a_ids(a, ids);
    for (size_t i = 0; i < n; i++)
        if (ids[i][0] && strstr(body, ids[i]))
            return ids[i];
    return NULL;
}

/* ---- the walk ---- */

static bool starts(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* A's object for {name} in pattern. Unknown names: A's user. */
static const char *param_value(const struct tenant *a, const char *pattern, const char *name)
{
    if (strcmp(name, "objectId") == 0 || strcmp(name, "memberId") == 0)
        return a->user;
    if (strcmp(name, "assignmentId") == 0)
        return a->assignment;
    if (strcmp(name, "id") != 0)
        return a->user;
    if (starts(pattern, "/v1.0/applications/"))
        return a->app;
    if (strstr(pattern, "/appRoleAssignedTo"))
        return a->graph_sp; /* the resource the assignment hangs on */
    if (starts(pattern, "/v1.0/servicePrincipals/"))
        return a->sp;
    if (starts(pattern, "/v1.0/oauth2PermissionGrants/"))
        return a->grant;
    if (starts(pattern, "/v1.0/domains/"))
        return a->custom_domain;
    if (starts(pattern, "/v1.0/directory/deletedItems/"))
        return a->deleted;
    if (starts(pattern, "/v1.0/organization/"))
        return a->id;
    if (starts(pattern, "/v1.0/auditLogs/"))
        return a->audit;
    if (starts(pattern, "/v1.0/groups/"))
        return a->group;
    if (starts(pattern, "/v1.0/directoryRole") ||
        starts(pattern, "/v1.0/roleManagement/directory/roleDefinitions/"))
        return ROLE_USER_ADMIN; /* activated in A (and in B: see allow_listed) */
    if (starts(pattern, "/v1.0/roleManagement/directory/roleAssignments/"))
        return a->role_assignment;
    return a->user;
}

/* The pattern with every {param} replaced by A's matching id. */
static void expand(const struct tenant *a, const char *pattern, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *p = pattern; *p && n + 1 < cap;) {
        if (*p == '{') {
            const char *end = strchr(p, '}');
            assert_non_null(end);
            char name[64];
            snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
            n += (size_t)snprintf(out + n, cap - n, "%s", param_value(a, pattern, name));
            p = end + 1;
        } else {
            out[n++] = *p++;
        }
    }
    out[n < cap ? n : cap - 1] = '\0';
}

/* A plausible attack body for B's unsafe request on pattern, aimed at A's objects. */
static void attack_body(const struct tenant *a, const char *method, const char *pattern, char *out,
                        size_t cap)
{
    if (strcmp(method, "PATCH") == 0) {
        if (strstr(pattern, "/domains/"))
            snprintf(out, cap, "{\"isDefault\":true}");
        else if (strstr(pattern, "/oauth2PermissionGrants/"))
            snprintf(out, cap, "{\"scope\":\"Directory.ReadWrite.All\"}");
        else
            snprintf(out, cap, "{\"displayName\":\"pwned\"}");
    } else if (strstr(pattern, "/$ref")) {
        snprintf(out, cap, "{\"@odata.id\":\"" GRAPH "/directoryObjects/%s\"}", a->user);
    } else if (strstr(pattern, "addPassword")) {
        snprintf(out, cap, "{\"passwordCredential\":{\"displayName\":\"pwned\"}}");
    } else if (strstr(pattern, "removePassword")) {
        snprintf(out, cap, "{\"keyId\":\"%s\"}", a->key_id);
    } else if (strstr(pattern, "appRoleAssignedTo")) {
        snprintf(out, cap,
                 "{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":"
                 "\"" ROLE_USER_READ_ALL "\"}",
                 a->sp, a->graph_sp);
    } else if (strstr(pattern, "checkMemberGroups")) {
        snprintf(out, cap, "{\"groupIds\":[\"%s\"]}", a->group);
    } else if (strstr(pattern, "getMemberGroups")) {
        snprintf(out, cap, "{\"securityEnabledOnly\":false}");
    } else if (strcmp(pattern, "/v1.0/users") == 0) {
        snprintf(out, cap,
                 "{\"accountEnabled\":true,\"displayName\":\"x\",\"mailNickname\":\"intruder\","
                 "\"userPrincipalName\":\"intruder@%s\",\"passwordProfile\":{\"password\":"
                 "\"" PASSWORD "\"}}",
                 a->domain);
    } else if (strcmp(pattern, "/v1.0/groups") == 0) {
        snprintf(out, cap,
                 "{\"displayName\":\"x\",\"mailNickname\":\"x\",\"mailEnabled\":false,"
                 "\"securityEnabled\":true,\"members@odata.bind\":[\"" GRAPH "/users/%s\"]}",
                 a->user);
    } else if (strcmp(pattern, "/v1.0/servicePrincipals") == 0) {
        snprintf(out, cap, "{\"appId\":\"%s\"}", a->app_id); /* a single-tenant app of A */
    } else if (strcmp(pattern, "/v1.0/oauth2PermissionGrants") == 0) {
        snprintf(out, cap,
                 "{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"%s\","
                 "\"scope\":\"Directory.ReadWrite.All\"}",
                 a->sp, a->graph_sp);
    } else if (strcmp(pattern, "/v1.0/roleManagement/directory/roleAssignments") == 0) {
        snprintf(out, cap,
                 "{\"principalId\":\"%s\",\"roleDefinitionId\":\"" ROLE_USER_ADMIN
                 "\",\"directoryScopeId\":\"/\"}",
                 a->user);
    } else {
        snprintf(out, cap, "{}"); /* e.g. POST /v1.0/applications, /domains: missing fields */
    }
}

/*
 * Rows that legitimately answer 2xx to B's token even with A's ids in hand:
 * tenant-independent catalogues (role templates and definitions share their
 * ids across tenants) and B's own /me. Their bodies must still carry no A id.
 */
static bool allow_listed(const char *method, const char *pattern)
{
    static const char *const rows[][2] = {
        {"GET", "/v1.0/directoryRoleTemplates/{id}"},                   /* global catalogue */
        {"GET", "/v1.0/roleManagement/directory/roleDefinitions/{id}"}, /* built-in roles */
        /* Directory role ids are the template ids, the same in every tenant: B reads its
         * own activated User Administrator role (and its members). */
        {"GET", "/v1.0/directoryRoles/{id}"},
        {"GET", "/v1.0/directoryRoles/{id}/members"},
        {"GET", "/v1.0/directoryRoles(roleTemplateId='{id}')"},
        {"GET", "/v1.0/directoryRoles(roleTemplateId='{id}')/members"},
        {"PATCH", "/v1.0/me"},                     /* B's own profile (a displayName change) */
        {"POST", "/v1.0/me/changePassword"},       /* B's own password (refused: no fields) */
        {"POST", "/v1.0/me/revokeSignInSessions"}, /* B's own sign-ins (B's token stays valid) */
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        if (strcmp(rows[i][0], method) == 0 && strcmp(rows[i][1], pattern) == 0)
            return true;
    return false;
}

static bool refused(int status)
{
    return status == 400 || status == 403 || status == 404 || status == 405;
}

/* GETs of A's objects with A's token, by path: the "before" and "after" snapshots. */
static json_t *snapshot(struct fixture *fx, const struct tenant *a)
{
    char paths[16][256];
    size_t n = 0;
    snprintf(paths[n++], 256, "/v1.0/users/%s", a->user);
    snprintf(paths[n++], 256, "/v1.0/users/%s", a->admin);
    snprintf(paths[n++], 256, "/v1.0/users/%s/memberOf", a->user);
    snprintf(paths[n++], 256, "/v1.0/directory/deletedItems/%s", a->deleted);
    snprintf(paths[n++], 256, "/v1.0/groups/%s", a->group);
    snprintf(paths[n++], 256, "/v1.0/groups/%s/members", a->group);
    snprintf(paths[n++], 256, "/v1.0/groups/%s/owners", a->group);
    snprintf(paths[n++], 256, "/v1.0/applications/%s", a->app);
    snprintf(paths[n++], 256, "/v1.0/servicePrincipals/%s", a->sp);
    snprintf(paths[n++], 256, "/v1.0/servicePrincipals/%s/appRoleAssignedTo", a->graph_sp);
    snprintf(paths[n++], 256, "/v1.0/oauth2PermissionGrants/%s", a->grant);
    snprintf(paths[n++], 256, "/v1.0/domains/%s", a->custom_domain);
    snprintf(paths[n++], 256, "/v1.0/organization/%s", a->id);
    snprintf(paths[n++], 256, "/v1.0/directoryRoles/" ROLE_USER_ADMIN "/members");
    snprintf(paths[n++], 256, "/v1.0/roleManagement/directory/roleAssignments/%s",
             a->role_assignment);
    json_t *all = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(all, paths[i], expect(fx->port, 200, "GET", paths[i], a->token, NULL));
    return all;
}

static void test_isolation_walk(void **state)
{
    struct fixture *fx = *state;
    struct tenant *a = xcalloc(1, sizeof(*a)), *b = xcalloc(1, sizeof(*b));
    signup(fx, "a", a);
    signup(fx, "b", b);
    populate(fx, a);
    populate(fx, b); /* B's own objects, as parents for the mixed-id attacks below */
    json_t *before = snapshot(fx, a);

    bool verbose = getenv("ATRIUM_TEST_VERBOSE") != NULL; /* print every row's status */
    char failures[16384] = "";
    size_t flen = 0, walked = 0;
    for (size_t i = 0; i < atrium_routes_count; i++) {
        const struct atrium_route *rt = &atrium_routes[i];
        if (rt->auth != ATRIUM_AUTH_BEARER)
            continue;
        /* Every bearer row carries a permission rule (else the dispatcher answers 500). */
        if (!rt->perm)
            flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                     "%s %s: no permission rule\n", rt->method, rt->pattern);
        walked++;
        char path[512], body[1024];
        expand(a, rt->pattern, path, sizeof(path));
        bool get = strcmp(rt->method, "GET") == 0;
        bool has_param = strchr(rt->pattern, '{') != NULL;
        if (!get && strcmp(rt->method, "DELETE") != 0)
            attack_body(a, rt->method, rt->pattern, body, sizeof(body));
        bool with_body = !get && strcmp(rt->method, "DELETE") != 0;
        struct resp r = call(fx->port, rt->method, path, b->token, with_body ? body : NULL);
        const char *leak = r.status >= 200 && r.status < 300 ? leaked_id(a, r.body) : NULL;
        bool ok;
        if (allow_listed(rt->method, rt->pattern) || (get && !has_param))
            ok = r.status > 0 && r.status < 500 && r.status != 401 && !leak;
        else
            ok = refused(r.status);
        if (verbose)
            printf("B %-6s %-62s -> %d\n", rt->method, rt->pattern, r.status);
        if (!ok && flen < sizeof(failures) - 1)
            flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                     "LEAK? B %s %s (%s) -> %d%s%s: %.300s\n", rt->method,
                                     rt->pattern, path, r.status, leak ? " shows A's " : "",
                                     leak ? leak : "", r.body);
        free(r.raw);
    }
    assert_true(walked > 50);
    /* The detector itself: A's own user list does show A's ids. */
    struct resp own = call(fx->port, "GET", "/v1.0/users", a->token, NULL);
    assert_int_equal(own.status, 200);
    assert_non_null(leaked_id(a, own.body));
    free(own.raw);

    /*
     * Mixed ids: a parent B owns, a child or reference of A's. The walk above
     * only puts A's ids in the path; these reach A's objects through B's own.
     */
    char mixed[12][3][512] = {{{0}}};
    size_t nm = 0;
#define MIXED(m, ...)                                                                              \
    do {                                                                                           \
        snprintf(mixed[nm][0], 512, "%s", m);                                                      \
        snprintf(mixed[nm][1], 512, __VA_ARGS__);                                                  \
        nm++;                                                                                      \
    } while (0)
#define MIXED_BODY(...) snprintf(mixed[nm - 1][2], 512, __VA_ARGS__)
    MIXED("POST", "/v1.0/groups/%s/members/$ref", b->group);
    MIXED_BODY("{\"@odata.id\":\"" GRAPH "/directoryObjects/%s\"}", a->user);
    MIXED("POST", "/v1.0/groups/%s/owners/$ref", b->group);
    MIXED_BODY("{\"@odata.id\":\"" GRAPH "/users/%s\"}", a->user);
    MIXED("POST", "/v1.0/groups/%s/members/$ref", b->group);
    MIXED_BODY("{\"@odata.id\":\"" GRAPH "/groups/%s\"}", a->group);
    MIXED("DELETE", "/v1.0/groups/%s/members/%s/$ref", b->group, a->user);
    MIXED("POST", "/v1.0/directoryRoles/%s/members/$ref", ROLE_USER_ADMIN);
    MIXED_BODY("{\"@odata.id\":\"" GRAPH "/directoryObjects/%s\"}", a->user);
    MIXED("DELETE", "/v1.0/directoryRoles/%s/members/%s/$ref", ROLE_USER_ADMIN, a->user);
    MIXED("DELETE", "/v1.0/servicePrincipals/%s/appRoleAssignedTo/%s", b->graph_sp, a->assignment);
    MIXED("POST", "/v1.0/servicePrincipals/%s/appRoleAssignedTo", b->graph_sp);
    MIXED_BODY("{\"principalId\":\"%s\",\"resourceId\":\"%s\",\"appRoleId\":"
               "\"" ROLE_USER_READ_ALL "\"}",
               a->sp, b->graph_sp);
    MIXED("POST", "/v1.0/oauth2PermissionGrants%s", "");
    MIXED_BODY("{\"clientId\":\"%s\",\"consentType\":\"AllPrincipals\",\"resourceId\":\"%s\","
               "\"scope\":\"User.Read\"}",
               a->sp, b->graph_sp);
    MIXED("POST", "/v1.0/applications/%s/removePassword", b->app);
    MIXED_BODY("{\"keyId\":\"%s\"}", a->key_id);
#undef MIXED
#undef MIXED_BODY
    for (size_t i = 0; i < nm; i++) {
        const char *m = mixed[i][0];
        bool with_body = strcmp(m, "DELETE") != 0;
        struct resp r = call(fx->port, m, mixed[i][1], b->token, with_body ? mixed[i][2] : NULL);
        if (verbose)
            printf("B %-6s %-62s -> %d (mixed)\n", m, mixed[i][1], r.status);
        if (!refused(r.status) && flen < sizeof(failures) - 1)
            flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                     "LEAK? B %s %s %s -> %d: %.300s\n", m, mixed[i][1],
                                     with_body ? mixed[i][2] : "", r.status, r.body);
        free(r.raw);
    }

    /* B's collections filtered on A's ids: empty. */
    const char *filters[][2] = {
        {"/v1.0/users?$filter=id%20eq%20'", a->user},
        {"/v1.0/servicePrincipals?$filter=appId%20eq%20'", a->app_id},
        {"/v1.0/applications?$filter=appId%20eq%20'", a->app_id},
        {"/v1.0/oauth2PermissionGrants?$filter=clientId%20eq%20'", a->sp},
        {"/v1.0/roleManagement/directory/roleAssignments?$filter=principalId%20eq%20'", a->user},
        {"/v1.0/groups?$filter=id%20eq%20'", a->group},
    };
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        char path[512];
        snprintf(path, sizeof(path), "%s%s'", filters[i][0], filters[i][1]);
        struct resp r = call(fx->port, "GET", path, b->token, NULL);
        json_t *doc = r.status == 200 ? json_loadb(r.body, r.body_len, 0, NULL) : NULL;
        size_t n = json_array_size(json_object_get(doc, "value"));
        if (verbose)
            printf("B GET    %-62s -> %d, %zu rows\n", path, r.status, n);
        if ((r.status >= 500 || r.status == 0 || n > 0) && flen < sizeof(failures) - 1)
            flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                     "LEAK? B GET %s -> %d, %zu rows: %.300s\n", path, r.status, n,
                                     r.body);
        json_decref(doc);
        free(r.raw);
    }

    /* A's own token on A's ids: reads never fail with a server error. */
    for (size_t i = 0; i < atrium_routes_count; i++) {
        const struct atrium_route *rt = &atrium_routes[i];
        if (rt->auth != ATRIUM_AUTH_BEARER || strcmp(rt->method, "GET") != 0)
            continue;
        char path[512];
        expand(a, rt->pattern, path, sizeof(path));
        struct resp r = call(fx->port, "GET", path, a->token, NULL);
        if (verbose)
            printf("A GET    %-62s -> %d\n", rt->pattern, r.status);
        /* With params, 200 also proves the walk used real ids: B's 404s mean isolation. */
        bool bad =
            r.status == 0 || r.status >= 500 || (strchr(rt->pattern, '{') && r.status != 200);
        if (bad && flen < sizeof(failures) - 1)
            flen += (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                     "A GET %s (%s) -> %d (map its {param} in param_value): "
                                     "%.300s\n",
                                     rt->pattern, path, r.status, r.body);
        free(r.raw);
    }

    /* A's objects are exactly as they were. */
    json_t *after = snapshot(fx, a);
    const char *key;
    json_t *value;
    json_object_foreach(before, key, value)
    {
        json_t *now = json_object_get(after, key);
        if (!json_equal(value, now) && flen < sizeof(failures) - 1) {
            char *x = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS);
            char *y = json_dumps(now, JSON_COMPACT | JSON_SORT_KEYS);
            flen +=
                (size_t)snprintf(failures + flen, sizeof(failures) - flen,
                                 "A's %s changed:\n  before %.400s\n  after  %.400s\n", key, x, y);
            free(x);
            free(y);
        }
    }
    json_decref(before);
    json_decref(after);
    free(a);
    free(b);
    if (flen)
        fail_msg("tenant isolation walk over %zu bearer routes:\n%s", walked, failures);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_isolation_walk, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
