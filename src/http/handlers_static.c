/* SPDX-License-Identifier: MIT */
/*
 * GET /static/atrium.css and /static/atrium-form-post.js: the stylesheet of
 * the hosted pages and the script that submits a form_post response
 * (external, so the pages' CSP needs no 'unsafe-inline'). Embedded strings,
 * cacheable for a day.
 */
#include "http/handlers.h"

#include <stdio.h>
#include <string.h>

#include "http/request.h"
#include "http/response.h"

static const char stylesheet[] =
    ":root{color-scheme:light;--accent:#0067b8;--text:#1b1b1b;--muted:#616161;--error:#c50f1f}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;"
    "background:#f2f2f2;color:var(--text);font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,sans-serif}\n"
    ".card{width:100%;max-width:440px;background:#fff;padding:44px;margin:16px;"
    "box-shadow:0 2px 6px rgba(0,0,0,.2)}\n"
    ".brand{font-weight:600;color:var(--muted);margin-bottom:16px}\n"
    "h1{font-size:24px;font-weight:600;margin:0 0 12px}\n"
    ".subtitle,.note,.account{color:var(--muted);margin:0 0 16px}\n"
    ".app{color:var(--text)}\n"
    "label{display:block;margin:12px 0 4px;font-size:13px;color:var(--muted)}\n"
    "input[type=text],input[type=password],input[type=email]{width:100%;padding:6px 0;"
    "border:0;border-bottom:1px solid #666;font:inherit;outline:none}\n"
    "input:focus{border-bottom-color:var(--accent)}\n"
    ".error{color:var(--error);margin:0 0 12px}\n"
    ".buttons{display:flex;justify-content:flex-end;gap:8px;margin-top:24px}\n"
    "button{font:inherit;padding:6px 24px;min-width:108px;border:1px solid transparent;"
    "cursor:pointer}\n"
    "button.primary{background:var(--accent);color:#fff}\n"
    "button.secondary{background:#ccc;color:var(--text)}\n"
    ".accounts{display:flex;flex-direction:column;gap:8px}\n"
    "button.account{text-align:left;background:#fff;border:1px solid #ccc;padding:12px}\n"
    "button.account .upn{display:block;color:var(--muted);font-size:13px}\n"
    ".permissions{padding-left:20px}\n"
    ".details{font-size:12px;color:var(--muted);margin-top:24px}\n"
    ".details dt{font-weight:600}.details dd{margin:0 0 8px;word-break:break-all}\n";

static const char form_post_script[] =
    "\"use strict\";\n"
    "document.addEventListener(\"DOMContentLoaded\", function () {\n"
    "    var form = document.getElementById(\"atrium_form_post\");\n"
    "    if (form) {\n"
    "        form.submit();\n"
    "    }\n"
    "});\n";

static int send_static(struct atrium_resp *rs, const char *type, const char *data, size_t len)
{
    atrium_resp_reset(rs);
    int r = atrium_buf_append(&rs->body, data, len);
    if (r < 0)
        return r;
    rs->status = 200;
    snprintf(rs->content_type, sizeof(rs->content_type), "%s", type);
    return atrium_resp_header(rs, "Cache-Control", "public, max-age=86400");
}

int atrium_handle_static_css(struct atrium_req *rq, struct atrium_resp *rs)
{
    return send_static(rs, "text/css; charset=utf-8", stylesheet, sizeof(stylesheet) - 1);
}

int atrium_handle_static_form_post_js(struct atrium_req *rq, struct atrium_resp *rs)
{
    return send_static(rs, "text/javascript; charset=utf-8", form_post_script,
                       sizeof(form_post_script) - 1);
}
