/* SPDX-License-Identifier: MIT */
/*
 * SQLite backend: the organization profile of a tenant (its display name
 * and technicalNotificationMails). Until set, the notification mails are
 * the sign-up contact e-mail.
 */
#include "store/store_sqlite.h"

#include "core/err.h"
#include "core/xalloc.h"
#include "store/store_sqlite_user.h"

int atrium_sqlite_tenant_notification_mails(struct atrium_store *base, const char *tenant_id,
                                            struct atrium_strv *ret)
{
    static const char sql[] = "SELECT technical_notification_mails, contact_email FROM tenants"
                              " WHERE id = ?1";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_TENANT_MAILS, sql, &st);
    if (r < 0)
        return r;
    atrium_sqlite_bind_text(st, 1, tenant_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        atrium_sqlite_strv_decode((const char *)sqlite3_column_text(st, 0), ret);
    else if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL)
        atrium_strv_push(ret, (const char *)sqlite3_column_text(st, 1));
    atrium_sqlite_reset(st);
    if (rc == SQLITE_DONE)
        return ATRIUM_ENOTFOUND;
    return rc == SQLITE_ROW ? 0 : atrium_sqlite_error(rc);
}

int atrium_sqlite_tenant_update_profile(struct atrium_store *base, const char *tenant_id,
                                        const char *display_name, const struct atrium_strv *mails)
{
    static const char sql[] =
        "UPDATE tenants SET display_name = COALESCE(?2, display_name),"
        " technical_notification_mails = CASE WHEN ?3 THEN ?4 ELSE technical_notification_mails"
        " END WHERE id = ?1";
    struct atrium_store_sqlite *s = atrium_sqlite_of(base);
    sqlite3_stmt *st;

    if (atrium_sqlite_check_id(tenant_id) < 0)
        return ATRIUM_EINVAL;
    int r = atrium_sqlite_stmt(s, ATRIUM_SQ_TENANT_UPDATE_PROFILE, sql, &st);
    if (r < 0)
        return r;
    AUTO_FREE char *json = NULL;
    if (mails)
        json = mails->count ? atrium_sqlite_strv_encode(mails) : xstrdup("[]");
    int b = atrium_sqlite_bind_text(st, 1, tenant_id);
    b |= atrium_sqlite_bind_text(st, 2, display_name);
    b |= sqlite3_bind_int(st, 3, mails != NULL);
    b |= atrium_sqlite_bind_text(st, 4, json);
    if (atrium_sqlite_bind_failed(st, b))
        return ATRIUM_ESTORE;
    return atrium_sqlite_step_changed(s, st);
}
