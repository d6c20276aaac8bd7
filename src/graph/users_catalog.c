/* SPDX-License-Identifier: MIT */
/*
 * The user resource of the directory API: its OData catalog (what $filter,
 * $orderby, $search and $select may name, and which properties a response
 * carries by default) and its JSON shape. See users_api.h.
 */
#include "graph/users_priv.h"

#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "model/user_attrs.h"

#define T_STR ATRIUM_ODATA_T_STRING
#define T_GUID ATRIUM_ODATA_T_GUID
#define T_BOOL ATRIUM_ODATA_T_BOOL
#define T_TIME ATRIUM_ODATA_T_DATETIME
#define T_LIST ATRIUM_ODATA_T_STRING_LIST

#define OP_EQ ATRIUM_ODATA_OP_EQ
#define OP_NE ATRIUM_ODATA_OP_NE
#define OP_RANGE ATRIUM_ODATA_OP_RANGE
#define OP_SW ATRIUM_ODATA_OP_STARTSWITH
#define OP_EW ATRIUM_ODATA_OP_ENDSWITH
#define OP_IN ATRIUM_ODATA_OP_IN
#define OP_NULL ATRIUM_ODATA_OP_NULL
#define OP_ANY ATRIUM_ODATA_OP_ANY

#define SEL ATRIUM_ODATA_SELECT
#define DEF (ATRIUM_ODATA_SELECT | ATRIUM_ODATA_DEFAULT)
#define ORD ATRIUM_ODATA_ORDERBY
#define ORD_ADV ATRIUM_ODATA_ORDERBY_ADV
#define SRCH ATRIUM_ODATA_SEARCH

/* Strings compared with eq, in and startswith; ne and eq null in advanced queries. */
#define TEXT_OPS (OP_EQ | OP_IN | OP_SW)
#define TEXT_ADV (OP_NE | OP_NULL)
#define ATTR(a) (ATRIUM_UPROP_ATTR0 + (a))

/* In the order of Graph's responses: the default properties first, id last of them. */
static const struct atrium_odata_prop user_props[] = {
    {"businessPhones", ATRIUM_UPROP_BUSINESS_PHONES, T_LIST, OP_ANY, 0, DEF},
    {"displayName", ATRIUM_UPROP_DISPLAY_NAME, T_STR, TEXT_OPS, TEXT_ADV, DEF | ORD | SRCH},
    {"givenName", ATRIUM_UPROP_GIVEN_NAME, T_STR, TEXT_OPS, TEXT_ADV, DEF | SRCH},
    {"jobTitle", ATRIUM_UPROP_JOB_TITLE, T_STR, TEXT_OPS, TEXT_ADV, DEF | SRCH},
    {"mail", ATRIUM_UPROP_MAIL, T_STR, TEXT_OPS, TEXT_ADV | OP_EW, DEF | SRCH},
    {"mobilePhone", ATTR(ATRIUM_USER_ATTR_MOBILE_PHONE), T_STR, TEXT_OPS, TEXT_ADV, DEF},
    {"officeLocation", ATTR(ATRIUM_USER_ATTR_OFFICE_LOCATION), T_STR, TEXT_OPS, TEXT_ADV, DEF},
    {"preferredLanguage", ATTR(ATRIUM_USER_ATTR_PREFERRED_LANGUAGE), T_STR, TEXT_OPS, TEXT_ADV,
     DEF},
    {"surname", ATRIUM_UPROP_SURNAME, T_STR, TEXT_OPS, TEXT_ADV, DEF | SRCH},
    {"userPrincipalName", ATRIUM_UPROP_UPN, T_STR, TEXT_OPS, OP_NE | OP_EW, DEF | ORD | SRCH},
    {"id", ATRIUM_UPROP_ID, T_GUID, OP_EQ | OP_IN, OP_NE, DEF},
    {"accountEnabled", ATRIUM_UPROP_ACCOUNT_ENABLED, T_BOOL, OP_EQ, OP_NE, SEL},
    {"createdDateTime", ATRIUM_UPROP_CREATED, T_TIME, OP_EQ | OP_RANGE, OP_NE, SEL | ORD_ADV},
    {"deletedDateTime", ATRIUM_UPROP_DELETED, T_TIME, 0, 0, SEL},
    {"mailNickname", ATTR(ATRIUM_USER_ATTR_MAIL_NICKNAME), T_STR, TEXT_OPS, OP_NE, SEL | SRCH},
    {"userType", ATTR(ATRIUM_USER_ATTR_USER_TYPE), T_STR, OP_EQ | OP_IN, TEXT_ADV, SEL},
    {"department", ATTR(ATRIUM_USER_ATTR_DEPARTMENT), T_STR, TEXT_OPS, TEXT_ADV, SEL | SRCH},
    {"usageLocation", ATTR(ATRIUM_USER_ATTR_USAGE_LOCATION), T_STR, OP_EQ | OP_IN, TEXT_ADV, SEL},
    {"companyName", ATTR(ATRIUM_USER_ATTR_COMPANY_NAME), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"employeeId", ATTR(ATRIUM_USER_ATTR_EMPLOYEE_ID), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"city", ATTR(ATRIUM_USER_ATTR_CITY), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"country", ATTR(ATRIUM_USER_ATTR_COUNTRY), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"state", ATTR(ATRIUM_USER_ATTR_STATE), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"streetAddress", ATTR(ATRIUM_USER_ATTR_STREET_ADDRESS), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"postalCode", ATTR(ATRIUM_USER_ATTR_POSTAL_CODE), T_STR, TEXT_OPS, TEXT_ADV, SEL},
    {"otherMails", ATRIUM_UPROP_OTHER_MAILS, T_LIST, OP_ANY | OP_SW, 0, SEL},
    {"proxyAddresses", ATRIUM_UPROP_PROXY_ADDRESSES, T_LIST, OP_ANY | OP_SW, 0, SEL},
    {NULL, 0, 0, 0, 0, 0},
};

const struct atrium_odata_resource atrium_graph_user_resource = {
    .type_name = "microsoft.graph.user",
    .entity = "User",
    .props = user_props,
};

static json_t *opt_string(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *iso_time(int64_t t)
{
    char buf[ATRIUM_ISO8601_LEN + 1];
    if (t <= 0)
        return json_null();
    atrium_iso8601(t, buf);
    return json_string(buf);
}

static json_t *string_array(const struct atrium_strv *v)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < v->count; i++)
        json_array_append_new(arr, json_string(v->items[i]));
    return arr;
}

/* mailNickname defaults to the UPN's local part, userType to Member (users made before 0004). */
static json_t *attr_value(const struct atrium_user *u, enum atrium_user_attr a)
{
    if (u->attrs[a] || (a != ATRIUM_USER_ATTR_MAIL_NICKNAME && a != ATRIUM_USER_ATTR_USER_TYPE))
        return opt_string(u->attrs[a]);
    if (a == ATRIUM_USER_ATTR_USER_TYPE)
        return json_string(ATRIUM_USER_TYPE_MEMBER);
    AUTO_FREE char *local = xstrndup(u->upn, strcspn(u->upn, "@"));
    return json_string(local);
}

static json_t *proxy_addresses(const struct atrium_user *u)
{
    json_t *arr = json_array();
    if (u->mail) {
        AUTO_FREE char *smtp = xasprintf("SMTP:%s", u->mail);
        json_array_append_new(arr, json_string(smtp));
    }
    return arr;
}

static json_t *prop_value(const struct atrium_user *u, int id)
{
    switch (id) {
    case ATRIUM_UPROP_ID:
        return json_string(u->id);
    case ATRIUM_UPROP_UPN:
        return json_string(u->upn);
    case ATRIUM_UPROP_DISPLAY_NAME:
        return opt_string(u->display_name);
    case ATRIUM_UPROP_GIVEN_NAME:
        return opt_string(u->given_name);
    case ATRIUM_UPROP_SURNAME:
        return opt_string(u->surname);
    case ATRIUM_UPROP_MAIL:
        return opt_string(u->mail);
    case ATRIUM_UPROP_JOB_TITLE:
        return opt_string(u->job_title);
    case ATRIUM_UPROP_ACCOUNT_ENABLED:
        return json_boolean(u->account_enabled);
    case ATRIUM_UPROP_CREATED:
        return iso_time(u->created);
    case ATRIUM_UPROP_DELETED:
        return iso_time(u->deleted);
    case ATRIUM_UPROP_BUSINESS_PHONES:
        return string_array(&u->business_phones);
    case ATRIUM_UPROP_OTHER_MAILS:
        return string_array(&u->other_mails);
    case ATRIUM_UPROP_PROXY_ADDRESSES:
        return proxy_addresses(u);
    default:
        break;
    }
    if (id >= ATRIUM_UPROP_ATTR0 && id < ATRIUM_UPROP__MAX)
        return attr_value(u, (enum atrium_user_attr)(id - ATRIUM_UPROP_ATTR0));
    return json_null();
}

json_t *atrium_graph_user_to_json(const struct atrium_user *u, const struct atrium_odata_request *q,
                                  bool with_type)
{
    json_t *obj = json_object();
    if (with_type)
        json_object_set_new(obj, "@odata.type", json_string("#microsoft.graph.user"));
    for (const struct atrium_odata_prop *p = user_props; p->name; p++)
        if (atrium_odata_request_selects(q, p))
            json_object_set_new(obj, p->name, prop_value(u, p->id));
    /* A deleted item tells when it was deleted, selected or not. */
    if (u->deleted && !json_object_get(obj, "deletedDateTime") && (!q || q->select_count == 0))
        json_object_set_new(obj, "deletedDateTime", iso_time(u->deleted));
    return obj;
}
