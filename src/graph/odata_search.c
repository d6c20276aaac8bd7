/* SPDX-License-Identifier: MIT */
/*
 * $search on directory objects: one or more "property:words" clauses (the
 * quotes are required, \" and \\ escape inside them) joined by AND or OR.
 * Each word becomes a SEARCH node (a word of the property starts with it);
 * the words of one clause must all match. See odata_request.h.
 */
#include "graph/odata_request.h"

#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

#define SEARCH_WORDS_MAX 16

static int search_syntax(struct atrium_errinfo *e)
{
    return atrium_err(e, ATRIUM_EINVAL, "$search",
                      "Syntax error in $search: it must be one or more \"property:words\" clauses "
                      "(with the quotes) joined by AND or OR.");
}

/* The quoted clause at *p, unescaped (heap); *p moves past the closing quote. */
static char *quoted(const char **p)
{
    const char *s = *p;
    if (*s != '"')
        return NULL;
    char *out = xmalloc(strlen(s) + 1);
    size_t o = 0;
    for (s++; *s && *s != '"'; s++) {
        if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
            s++;
        out[o++] = *s;
    }
    if (*s != '"') {
        xfree(out);
        return NULL;
    }
    out[o] = '\0';
    *p = s + 1;
    return out;
}

/* The words of one "prop:words" clause, ANDed; *words counts them across clauses. */
static int clause(char *body, const struct atrium_odata_resource *res, size_t *words,
                  struct atrium_qnode **ret, struct atrium_errinfo *e)
{
    char *colon = strchr(body, ':');
    if (!colon)
        return search_syntax(e);
    const struct atrium_odata_prop *prop =
        atrium_odata_prop_find(res, body, (size_t)(colon - body));
    if (!prop || !(prop->flags & ATRIUM_ODATA_SEARCH)) {
        *colon = '\0';
        return atrium_err(e, ATRIUM_EINVAL, "$search",
                          "The property '%.60s' is not supported in $search on type '%s'.", body,
                          res->type_name);
    }
    struct atrium_qnode *tree = NULL;
    char *save = NULL;
    for (char *w = strtok_r(colon + 1, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        if (++*words > SEARCH_WORDS_MAX) {
            atrium_qnode_free(tree);
            return atrium_err(e, ATRIUM_EINVAL, "$search", "The $search has more than %d words.",
                              SEARCH_WORDS_MAX);
        }
        struct atrium_qvalue v = {.type = ATRIUM_QT_STRING, .s = xstrdup(w)};
        struct atrium_qnode *leaf =
            atrium_qnode_leaf(ATRIUM_QK_SEARCH, ATRIUM_QOP_EQ, prop->id, &v);
        tree = tree ? atrium_qnode_join(ATRIUM_QK_AND, tree, leaf) : leaf;
    }
    if (!tree)
        return search_syntax(e);
    *ret = tree;
    return 0;
}

/* After a clause: end, or AND / OR; *kind gets the joiner. */
static int joiner(const char **p, enum atrium_qkind *kind, bool *done)
{
    while (**p == ' ')
        (*p)++;
    *done = **p == '\0';
    if (*done)
        return 0;
    if (strncasecmp(*p, "AND ", 4) == 0) {
        *kind = ATRIUM_QK_AND;
        *p += 4;
    } else if (strncasecmp(*p, "OR ", 3) == 0) {
        *kind = ATRIUM_QK_OR;
        *p += 3;
    } else {
        return ATRIUM_EINVAL;
    }
    return 0;
}

int atrium_odata_search_parse(const char *text, const struct atrium_odata_resource *res,
                              struct atrium_qnode **ret, struct atrium_errinfo *e)
{
    if (!text || strlen(text) > ATRIUM_ODATA_SEARCH_MAX || !atrium_str_is_clean_utf8(text))
        return atrium_err(e, ATRIUM_EINVAL, "$search", "The $search is longer than %d bytes.",
                          ATRIUM_ODATA_SEARCH_MAX);
    struct atrium_qnode *tree = NULL;
    enum atrium_qkind kind = ATRIUM_QK_AND;
    size_t words = 0;
    bool done = false;
    const char *p = text;
    int r = 0;
    while (r == 0 && !done) {
        while (*p == ' ')
            p++;
        AUTO_FREE char *body = quoted(&p);
        struct atrium_qnode *c = NULL;
        r = body ? clause(body, res, &words, &c, e) : search_syntax(e);
        if (r == 0)
            tree = tree ? atrium_qnode_join(kind, tree, c) : c;
        if (r == 0 && joiner(&p, &kind, &done) < 0)
            r = search_syntax(e);
    }
    if (r < 0) {
        atrium_qnode_free(tree);
        return r;
    }
    *ret = tree;
    return 0;
}
