/* SPDX-License-Identifier: MIT */
/*
 * What the handlers of /users, /me, /directory/deletedItems and
 * /organization share: the services' environment for a request, the OData
 * request (graph/odata_request.h) from the query string, the
 * ConsistencyLevel header, Graph's error code for refused queries
 * (Request_UnsupportedQuery), and the response shapes (@odata.context with
 * the $select list, @odata.count, an absolute @odata.nextLink repeating the
 * query options, absent on the last page).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "graph/users_api.h"

struct atrium_req;
struct atrium_resp;

/* The store, directory settings, paging key and caller's tenant of rq. */
int atrium_users_http_begin(struct atrium_req *rq, struct atrium_users_env *ret_env,
                            const char **ret_tenant_id);

/* Parse the query options of rq into q (initialised here; release it). */
int atrium_users_http_query(struct atrium_req *rq, struct atrium_odata_request *q);

/* Does rq carry "ConsistencyLevel: eventual"? */
bool atrium_users_http_eventual(const struct atrium_req *rq);

/*
 * A handler's failure r: a query refusal Graph reports as
 * Request_UnsupportedQuery is rendered here (returns 0); anything else is
 * returned for the dispatcher to render.
 */
int atrium_users_http_fail(struct atrium_resp *rs, struct atrium_req *rq,
                           const struct atrium_odata_request *q, int r);

/*
 * 200 {"@odata.context": ".../$metadata#<context>[(select)]", "@odata.count"?,
 * "value": items, "@odata.nextLink"?}. items consumed; next_token NULL: last page.
 */
int atrium_users_http_collection(struct atrium_resp *rs, const struct atrium_req *rq,
                                 const char *context, const struct atrium_odata_request *q,
                                 json_t *items, int64_t total, const char *next_token);

/* status + obj with "@odata.context": ".../$metadata#<context>[(select)]<suffix>". Consumes obj. */
int atrium_users_http_entity(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                             const char *context, const char *suffix,
                             const struct atrium_odata_request *q, json_t *obj);
