/* SPDX-License-Identifier: MIT */
/*
 * Writing the directory audit log: an entry from an explicit initiator, or
 * from the Graph caller resolved to its user or service principal; see
 * audit.h.
 */
#include "graph/audit.h"

#include <string.h>

#include "core/clock.h"
#include "core/err.h"
#include "model/principal.h"

const struct atrium_audit_actor atrium_audit_actor_cli = {
    .kind = ATRIUM_AUDIT_BY_CLI,
    .display_name = ATRIUM_AUDIT_CLI_NAME,
};

int atrium_audit_record(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_audit_actor *actor, const struct atrium_audit_event *ev)
{
    struct atrium_directory_audit a = {0};
    int r = atrium_directory_audit_build(tenant_id, actor, ev, atrium_now(), &a);
    if (r == 0)
        r = s->ops->audit_insert(s, &a);
    atrium_directory_audit_release(&a);
    return r;
}

int atrium_audit_record_by(struct atrium_store *s, const char *tenant_id,
                           const struct atrium_principal *who, const struct atrium_audit_event *ev)
{
    if (!who)
        return ATRIUM_EINVAL;
    struct atrium_audit_actor actor = {
        .correlation_id = who->correlation_id[0] ? who->correlation_id : NULL,
        .ip_address = who->ip_address[0] ? who->ip_address : NULL,
    };
    struct atrium_user u = {0};
    struct atrium_service_principal sp = {0};
    struct atrium_audit_detail client = {"ClientAppId", who->client_app_id};
    struct atrium_audit_event with_client = *ev;
    if (!who->app_only) {
        actor.kind = ATRIUM_AUDIT_BY_USER;
        actor.id = who->user_id;
        /* A user deleted meanwhile is still named by id. */
        if (s->ops->user_get(s, tenant_id, who->user_id, &u) == 0) {
            actor.user_principal_name = u.upn;
            actor.display_name = u.display_name;
        }
        if (who->client_app_id[0] && ev->detail_count == 0) {
            with_client.details = &client;
            with_client.detail_count = 1;
        }
    } else {
        actor.kind = ATRIUM_AUDIT_BY_APP;
        actor.app_id = who->client_app_id;
        if (s->oauth->sp_get_by_app_id(s, tenant_id, who->client_app_id, &sp) == 0) {
            actor.id = sp.id;
            actor.display_name = sp.display_name;
        }
    }
    int r = atrium_audit_record(s, tenant_id, &actor, &with_client);
    atrium_user_release(&u);
    atrium_service_principal_release(&sp);
    return r;
}

int atrium_audit_one_by(struct atrium_store *s, const char *tenant_id,
                        const struct atrium_principal *who, const char *category,
                        const char *activity, const char *operation_type,
                        const struct atrium_audit_target *target, struct atrium_errinfo *e)
{
    const struct atrium_audit_event ev = {.category = category,
                                          .activity = activity,
                                          .operation_type = operation_type,
                                          .targets = target,
                                          .target_count = 1};
    int r = atrium_audit_record_by(s, tenant_id, who, &ev);
    if (r < 0)
        return atrium_err(e, r, "", "The audit log could not be written; nothing was changed.");
    return 0;
}
