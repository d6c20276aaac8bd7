/* SPDX-License-Identifier: MIT */
/* Liveness (/healthz: the process answers) and readiness (/readyz: the store answers). */
#include "http/handlers.h"

#include "core/err.h"
#include "http/request.h"
#include "http/response.h"
#include "store/store.h"

int atrium_handle_healthz(struct atrium_req *rq, struct atrium_resp *rs)
{
    return atrium_resp_json(rs, 200, json_pack("{s:s}", "status", "ok"));
}

int atrium_handle_readyz(struct atrium_req *rq, struct atrium_resp *rs)
{
    struct atrium_store *s;
    int r = atrium_req_store(rq, &s);
    if (r < 0)
        return r;
    if (s->ops->ping(s) < 0)
        return atrium_err(&rq->err, ATRIUM_EBUSY, "", "The directory store is not ready.");
    return atrium_resp_json(rs, 200, json_pack("{s:s}", "status", "ready"));
}
