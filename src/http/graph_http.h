/* SPDX-License-Identifier: MIT */
/*
 * What every directory API handler shares: the caller and its tenant (set
 * by the dispatcher for ATRIUM_AUTH_BEARER routes), the strict JSON body,
 * the OData query options, and the response envelope (@odata.context,
 * @odata.nextLink as an absolute URL on the public URL, Location, 204).
 */
#pragma once

#include <stddef.h>

#include <jansson.h>

#include "graph/odata.h"

struct atrium_buf;
struct atrium_req;
struct atrium_resp;
struct atrium_store;

/* The store handle and the caller's tenant id; ATRIUM_EAUTH without a principal (never expected).
 */
int atrium_graph_req_begin(struct atrium_req *rq, struct atrium_store **ret_store,
                           const char **ret_tenant_id);

/* atrium_graph_req_begin, then atrium_graph_req_body. */
int atrium_graph_req_begin_body(struct atrium_req *rq, struct atrium_store **ret_store,
                                const char **ret_tenant_id, json_t **ret_body);

/*
 * The JSON object body: ATRIUM_EUNSUPPORTED (415) unless application/json,
 * ATRIUM_EINVAL for malformed JSON, duplicate keys or a non-object. Borrowed:
 * released when the request completes.
 */
int atrium_graph_req_body(struct atrium_req *rq, json_t **ret);

/* The query options parsed into q (initialised here; release with atrium_odata_query_release). */
int atrium_graph_req_query(struct atrium_req *rq, const struct atrium_odata_spec *spec,
                           struct atrium_odata_query *q);

/* atrium_graph_req_begin, then atrium_graph_req_query; q is always initialised (release it). */
int atrium_graph_req_begin_query(struct atrium_req *rq, const struct atrium_odata_spec *spec,
                                 struct atrium_store **ret_store, const char **ret_tenant_id,
                                 struct atrium_odata_query *q);

/* Append s percent-encoded as a query value (unreserved characters kept). */
void atrium_graph_put_encoded(struct atrium_buf *b, const char *s);

/*
 * 200 {"@odata.context": "{public_url}/v1.0/$metadata#<context>[(<select>)]",
 * "value": items, "@odata.nextLink"?}. next_after "" means last page: no
 * link. items is consumed.
 */
int atrium_graph_resp_collection(struct atrium_resp *rs, const struct atrium_req *rq,
                                 const char *context, const struct atrium_odata_query *q,
                                 json_t *items, const char *next_after);

/* status + the entity with "@odata.context": "...#<context>/$entity" first. obj is consumed. */
int atrium_graph_resp_entity(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                             const char *context, const struct atrium_odata_query *q, json_t *obj);

/* status + a complex value with "@odata.context": "...#<type>" (e.g.
 * microsoft.graph.passwordCredential). */
int atrium_graph_resp_value(struct atrium_resp *rs, const struct atrium_req *rq, unsigned status,
                            const char *type, json_t *obj);

/* Location: "{public_url}/v1.0/<collection>/<id>" (of a created entity). */
void atrium_graph_resp_location(struct atrium_resp *rs, const struct atrium_req *rq,
                                const char *collection, const char *id);

/* 204 No Content. */
int atrium_graph_resp_no_content(struct atrium_resp *rs);
