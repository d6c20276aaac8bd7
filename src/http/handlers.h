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

/* handlers_graph_groups.c: /v1.0/groups, memberships of groups and users */
int atrium_handle_graph_groups_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_members(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_owners(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_transitive_members(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_member_add(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_owner_add(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_member_remove(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_owner_remove(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_check_member_groups(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_group_get_member_groups(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_check_member_groups(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_get_member_groups(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_roles.c: directoryRoleTemplates, directoryRoles, roleManagement/directory */
int atrium_handle_graph_role_templates_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_template_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_roles_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_role_activate(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_role_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_role_members(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_role_member_add(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_directory_role_member_remove(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_definitions_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_definition_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_assignments_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_assignment_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_assignment_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_role_assignment_delete(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_audit.c: /v1.0/auditLogs */
int atrium_handle_graph_audits_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_audit_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_signins_list(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_users.c: /v1.0/users */
int atrium_handle_graph_users_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_users_count(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_create(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_user_revoke_sessions(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_deleted.c: /v1.0/directory/deletedItems (users) */
int atrium_handle_graph_deleted_users_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_deleted_item_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_deleted_item_delete(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_deleted_item_restore(struct atrium_req *rq, struct atrium_resp *rs);

/* handlers_graph_me.c: /v1.0/me, /v1.0/organization */
int atrium_handle_graph_me_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_me_update(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_me_change_password(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_me_revoke_sessions(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_me_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_me_transitive_member_of(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_org_list(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_org_get(struct atrium_req *rq, struct atrium_resp *rs);
int atrium_handle_graph_org_update(struct atrium_req *rq, struct atrium_resp *rs);
