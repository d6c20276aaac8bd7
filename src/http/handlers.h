/* SPDX-License-Identifier: MIT */
/* The handlers named in the route table (routes.c), one file per area. */
#pragma once

struct atrium_req;
struct atrium_resp;

/* handlers_health.c */
int atrium_handle_healthz(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_readyz(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_signup.c */
int atrium_handle_signup(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_tenants.c */
int atrium_handle_tenant_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_domain_available(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_realm.c: realm discovery (userrealm, getuserrealm.srf, the /discover page) */
int atrium_handle_userrealm(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_getuserrealm(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_discover(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_oauth.c */
int atrium_handle_discovery(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_jwks(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_token(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_token_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_devicecode(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_userinfo(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_authorize.c, handlers_deviceauth.c, handlers_logout.c: the hosted pages */
int atrium_handle_authorize(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_deviceauth(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_logout(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_static.c */
int atrium_handle_static_css(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_static_form_post_js(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_apps.c: /v1.0/applications */
int atrium_handle_graph_apps_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_add_password(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_app_remove_password(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_sps.c: /v1.0/servicePrincipals and their app role assignments */
int atrium_handle_graph_sps_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_sp_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_sp_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_sp_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_assigned_to_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_assigned_to_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_assigned_to_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_assignments_list(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_grants.c: /v1.0/oauth2PermissionGrants */
int atrium_handle_graph_grants_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_grant_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_grant_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_grant_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_grant_delete(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_domains.c: /v1.0/domains */
int atrium_handle_graph_domains_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_dns_records(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_domain_verify(struct atrium_req *rq, struct atrium_resp *rs);
