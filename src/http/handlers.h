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
