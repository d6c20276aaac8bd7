/* SPDX-License-Identifier: MIT */
/*
 * The $filter parser of directory listings: a small lexer and a recursive
 * descent over OData's boolean expressions (or < and < not < primary),
 * checking every property against the resource's catalog and every literal
 * against the property's type. Bounded: input length, nesting depth, node
 * count, literal length and "in" list size. See odata_request.h.
 */
#include "graph/odata_request.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/err.h"
#include "core/rand.h"
#include "core/str.h"
#include "core/xalloc.h"

enum tk { TK_END, TK_LPAREN, TK_RPAREN, TK_COMMA, TK_COLON, TK_SLASH, TK_STRING, TK_WORD };

struct token {
    enum tk kind;
    const char *start; /* into the filter text */
    size_t len;
    char *str; /* TK_STRING: the unescaped literal (heap) */
};

struct parser {
    const char *text;
    const char *p;
    const struct atrium_odata_resource *res;
    struct atrium_errinfo *e;
    struct token tok;
    int depth;
    size_t nodes;
    const char *advanced;
    bool unsupported;
    const char *var; /* the lambda variable while inside any(...) */
    size_t var_len;
};

static const char *const type_names[] = {
    [ATRIUM_ODATA_T_STRING] = "Edm.String",
    [ATRIUM_ODATA_T_GUID] = "Edm.Guid",
    [ATRIUM_ODATA_T_BOOL] = "Edm.Boolean",
    [ATRIUM_ODATA_T_DATETIME] = "Edm.DateTimeOffset",
    [ATRIUM_ODATA_T_STRING_LIST] = "Collection(Edm.String)",
};

/* What the client wrote, made safe to quote in a message. */
static void shown(char *out, size_t size, const char *s, size_t len)
{
    snprintf(out, size, "%.*s", (int)(len < size ? len : size - 1), s);
    for (char *c = out; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = '?';
}

static int syntax(struct parser *ps, const char *what)
{
    size_t pos = (size_t)(ps->tok.start - ps->text);
    return atrium_err(ps->e, ATRIUM_EINVAL, "$filter", "Invalid $filter: %s at position %zu.", what,
                      pos);
}

static int unsupported_clause(struct parser *ps, const struct atrium_odata_prop *prop)
{
    ps->unsupported = true;
    return atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                      "Unsupported or invalid query filter clause specified for property '%s' of "
                      "resource '%s'.",
                      prop->name, ps->res->entity);
}

static void token_release(struct token *t)
{
    t->str = xfree(t->str);
}

static bool word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-' || c == '+' || c == '$';
}

/* A quoted literal starting at ps->p ('' escapes a quote). */
static int lex_string(struct parser *ps)
{
    const char *s = ps->p + 1;
    char *out = xmalloc(strlen(s) + 1);
    size_t o = 0;
    for (;; s++) {
        if (*s == '\0') {
            xfree(out);
            return syntax(ps, "unterminated string literal");
        }
        if (*s == '\'' && s[1] != '\'')
            break;
        if (*s == '\'')
            s++;
        out[o++] = *s;
    }
    out[o] = '\0';
    if (o > ATRIUM_ODATA_LITERAL_MAX) {
        xfree(out);
        return syntax(ps, "string literal too long");
    }
    ps->tok.kind = TK_STRING;
    ps->tok.str = out;
    ps->p = s + 1;
    ps->tok.len = (size_t)(ps->p - ps->tok.start);
    return 0;
}

/* A word: identifier, keyword or bare literal; ':' only between digits (times). */
static void lex_word(struct parser *ps)
{
    const char *s = ps->p;
    while (word_char(*s) || (*s == ':' && s > ps->p && s[-1] >= '0' && s[-1] <= '9' &&
                             s[1] >= '0' && s[1] <= '9' && ps->p[0] >= '0' && ps->p[0] <= '9'))
        s++;
    ps->tok.kind = TK_WORD;
    ps->tok.len = (size_t)(s - ps->p);
    ps->p = s;
}

static int lex(struct parser *ps)
{
    static const char singles[] = "(),:/";
    static const enum tk single_kinds[] = {TK_LPAREN, TK_RPAREN, TK_COMMA, TK_COLON, TK_SLASH};
    token_release(&ps->tok);
    while (*ps->p == ' ' || *ps->p == '\t')
        ps->p++;
    ps->tok.start = ps->p;
    ps->tok.len = 0;
    if (*ps->p == '\0') {
        ps->tok.kind = TK_END;
        return 0;
    }
    const char *single = strchr(singles, *ps->p);
    if (single) {
        ps->tok.kind = single_kinds[single - singles];
        ps->tok.len = 1;
        ps->p++;
        return 0;
    }
    if (*ps->p == '\'')
        return lex_string(ps);
    if (!word_char(*ps->p))
        return syntax(ps, "unexpected character");
    lex_word(ps);
    return 0;
}

static bool word_is(const struct parser *ps, const char *w)
{
    return ps->tok.kind == TK_WORD && ps->tok.len == strlen(w) &&
           strncasecmp(ps->tok.start, w, ps->tok.len) == 0;
}

static int expect(struct parser *ps, enum tk kind, const char *what)
{
    if (ps->tok.kind != kind)
        return syntax(ps, what);
    return lex(ps);
}

static int count_node(struct parser *ps)
{
    if (++ps->nodes > ATRIUM_QUERY_NODES_MAX)
        return atrium_err(ps->e, ATRIUM_EINVAL, "$filter", "The $filter has more than %d terms.",
                          ATRIUM_QUERY_NODES_MAX);
    return 0;
}

static int enter(struct parser *ps)
{
    if (++ps->depth > ATRIUM_ODATA_DEPTH_MAX)
        return atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                          "The $filter is nested more than %d levels deep.",
                          ATRIUM_ODATA_DEPTH_MAX);
    return 0;
}

/* Is op bit allowed on prop? Notes an advanced-only use under name. */
static int check_op(struct parser *ps, const struct atrium_odata_prop *prop, unsigned bit,
                    const char *name)
{
    if (prop->ops & bit)
        return 0;
    if (prop->adv_ops & bit) {
        if (!ps->advanced)
            ps->advanced = name;
        return 0;
    }
    return unsupported_clause(ps, prop);
}

static int type_mismatch(struct parser *ps, const struct atrium_odata_prop *prop, const char *found)
{
    return atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                      "A binary operator with incompatible types was detected. Found operand "
                      "types '%s' and '%s' for property '%s'.",
                      type_names[prop->type], found, prop->name);
}

static bool is_guid(const char *s, size_t len)
{
    char buf[ATRIUM_UUID_LEN + 1];
    if (len != ATRIUM_UUID_LEN)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    return atrium_uuid_is_valid(buf);
}

/* A quoted literal for prop (string or GUID). */
static int string_literal(struct parser *ps, const struct atrium_odata_prop *prop,
                          struct atrium_qvalue *v)
{
    if (prop->type == ATRIUM_ODATA_T_GUID) {
        if (!is_guid(ps->tok.str, strlen(ps->tok.str)))
            return atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                              "The value of property '%s' must be a GUID.", prop->name);
        v->type = ATRIUM_QT_GUID;
    } else if (prop->type == ATRIUM_ODATA_T_STRING || prop->type == ATRIUM_ODATA_T_STRING_LIST) {
        v->type = ATRIUM_QT_STRING;
    } else {
        return type_mismatch(ps, prop, "Edm.String");
    }
    v->s = TAKE_PTR(ps->tok.str);
    if (v->type == ATRIUM_QT_GUID)
        atrium_str_lower(v->s);
    return lex(ps);
}

/* A bare literal: null, true, false, a GUID or a date-time. */
static int bare_literal(struct parser *ps, const struct atrium_odata_prop *prop,
                        struct atrium_qvalue *v)
{
    const char *w = ps->tok.start;
    size_t n = ps->tok.len;
    enum atrium_odata_type t = prop->type;
    if (word_is(ps, "null")) {
        v->type = ATRIUM_QT_NULL;
    } else if (word_is(ps, "true") || word_is(ps, "false")) {
        if (t != ATRIUM_ODATA_T_BOOL)
            return type_mismatch(ps, prop, "Edm.Boolean");
        v->type = ATRIUM_QT_BOOL;
        v->b = word_is(ps, "true");
    } else if (is_guid(w, n)) {
        if (t != ATRIUM_ODATA_T_GUID)
            return type_mismatch(ps, prop, "Edm.Guid");
        v->type = ATRIUM_QT_GUID;
        v->s = atrium_str_lower(xstrndup(w, n));
    } else if (atrium_odata_parse_datetime(w, n, &v->t) == 0) {
        if (t != ATRIUM_ODATA_T_DATETIME)
            return type_mismatch(ps, prop, "Edm.DateTimeOffset");
        v->type = ATRIUM_QT_DATETIME;
    } else {
        char s[48];
        shown(s, sizeof(s), w, n);
        return atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                          "The literal '%s' is not a valid %s value for property '%s'.", s,
                          type_names[t], prop->name);
    }
    return lex(ps);
}

static int literal(struct parser *ps, const struct atrium_odata_prop *prop, struct atrium_qvalue *v)
{
    memset(v, 0, sizeof(*v));
    if (ps->tok.kind == TK_STRING)
        return string_literal(ps, prop, v);
    if (ps->tok.kind == TK_WORD)
        return bare_literal(ps, prop, v);
    return syntax(ps, "a literal value was expected");
}

static const struct atrium_odata_prop *lookup(struct parser *ps)
{
    const struct atrium_odata_prop *prop =
        atrium_odata_prop_find(ps->res, ps->tok.start, ps->tok.len);
    if (!prop) {
        char s[64];
        shown(s, sizeof(s), ps->tok.start, ps->tok.len);
        atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                   "Could not find a property named '%s' on type '%s'.", s, ps->res->type_name);
    }
    return prop;
}

static bool is_lambda_var(const struct parser *ps)
{
    return ps->var && ps->tok.kind == TK_WORD && ps->tok.len == ps->var_len &&
           memcmp(ps->tok.start, ps->var, ps->var_len) == 0;
}

/* "(" prop "," 'literal' ")" after startswith/endswith; *ret_prop NULL for the lambda item. */
static int func_args(struct parser *ps, const struct atrium_odata_prop **ret_prop,
                     const struct atrium_odata_prop *item_of, struct atrium_qvalue *v)
{
    int r = expect(ps, TK_LPAREN, "'(' was expected");
    if (r < 0)
        return r;
    const struct atrium_odata_prop *prop = item_of;
    *ret_prop = NULL;
    if (item_of && is_lambda_var(ps)) {
        *ret_prop = NULL;
    } else if (ps->tok.kind != TK_WORD) {
        return syntax(ps, "a property name was expected");
    } else if (!(prop = lookup(ps))) {
        return ATRIUM_EINVAL;
    } else {
        *ret_prop = prop;
    }
    if ((r = lex(ps)) < 0 || (r = expect(ps, TK_COMMA, "',' was expected")) < 0)
        return r;
    if (ps->tok.kind != TK_STRING)
        return prop->type == ATRIUM_ODATA_T_STRING || prop->type == ATRIUM_ODATA_T_STRING_LIST
                   ? syntax(ps, "a string literal was expected")
                   : type_mismatch(ps, prop, "Edm.String");
    if ((r = literal(ps, prop, v)) < 0)
        return r;
    return expect(ps, TK_RPAREN, "')' was expected");
}

static int parse_function(struct parser *ps, struct atrium_qnode **ret)
{
    bool ends = word_is(ps, "endswith");
    if (!ends && !word_is(ps, "startswith")) {
        char s[40];
        shown(s, sizeof(s), ps->tok.start, ps->tok.len);
        ps->unsupported = true;
        return atrium_err(ps->e, ATRIUM_EINVAL, "$filter", "The function '%s' is not supported.",
                          s);
    }
    const struct atrium_odata_prop *prop;
    struct atrium_qvalue v;
    int r = lex(ps);
    if (r == 0)
        r = func_args(ps, &prop, NULL, &v);
    if (r == 0 && prop->type != ATRIUM_ODATA_T_STRING)
        r = prop->type == ATRIUM_ODATA_T_STRING_LIST ? unsupported_clause(ps, prop)
                                                     : type_mismatch(ps, prop, "Edm.String");
    if (r == 0)
        r = check_op(ps, prop, ends ? ATRIUM_ODATA_OP_ENDSWITH : ATRIUM_ODATA_OP_STARTSWITH,
                     ends ? "endsWith" : "startsWith");
    if (r == 0)
        r = count_node(ps);
    if (r < 0) {
        atrium_qvalue_release(&v);
        return r;
    }
    *ret = atrium_qnode_leaf(ATRIUM_QK_CMP, ends ? ATRIUM_QOP_ENDSWITH : ATRIUM_QOP_STARTSWITH,
                             prop->id, &v);
    return 0;
}

/* The lambda body: "x eq 'v'" or "startswith(x,'v')"; tok is after ':'. */
static int lambda_body(struct parser *ps, const struct atrium_odata_prop *prop,
                       enum atrium_qop *ret_op, struct atrium_qvalue *v)
{
    const struct atrium_odata_prop *named = NULL;
    memset(v, 0, sizeof(*v));
    if (word_is(ps, "startswith")) {
        *ret_op = ATRIUM_QOP_STARTSWITH;
        int r = lex(ps);
        if (r == 0)
            r = func_args(ps, &named, prop, v);
        if (r == 0 && named)
            r = syntax(ps, "the lambda variable was expected");
        if (r == 0 && !(prop->ops & ATRIUM_ODATA_OP_STARTSWITH))
            r = unsupported_clause(ps, prop);
        return r;
    }
    if (!is_lambda_var(ps))
        return syntax(ps, "the lambda variable was expected");
    int r = lex(ps);
    if (r < 0)
        return r;
    if (!word_is(ps, "eq"))
        return unsupported_clause(ps, prop);
    *ret_op = ATRIUM_QOP_EQ;
    if ((r = lex(ps)) < 0 || (r = literal(ps, prop, v)) < 0)
        return r;
    return v->type == ATRIUM_QT_STRING ? 0 : unsupported_clause(ps, prop);
}

/* prop "/" any "(" var ":" body ")"; tok is at "/". */
static int parse_lambda(struct parser *ps, const struct atrium_odata_prop *prop,
                        struct atrium_qnode **ret)
{
    int r = lex(ps);
    if (r < 0)
        return r;
    if (!word_is(ps, "any") || prop->type != ATRIUM_ODATA_T_STRING_LIST)
        return unsupported_clause(ps, prop);
    if ((r = check_op(ps, prop, ATRIUM_ODATA_OP_ANY, "any")) < 0 || (r = enter(ps)) < 0 ||
        (r = lex(ps)) < 0 || (r = expect(ps, TK_LPAREN, "'(' was expected")) < 0)
        return r;
    if (ps->tok.kind != TK_WORD || ps->var)
        return ps->tok.kind == TK_RPAREN ? unsupported_clause(ps, prop)
                                         : syntax(ps, "a lambda variable was expected");
    ps->var = ps->tok.start;
    ps->var_len = ps->tok.len;
    enum atrium_qop op = ATRIUM_QOP_EQ;
    struct atrium_qvalue v = {0};
    if ((r = lex(ps)) == 0 && (r = expect(ps, TK_COLON, "':' was expected")) == 0 &&
        (r = lambda_body(ps, prop, &op, &v)) == 0)
        r = expect(ps, TK_RPAREN, "')' was expected");
    ps->var = NULL;
    ps->depth--;
    if (r == 0)
        r = count_node(ps);
    if (r < 0) {
        atrium_qvalue_release(&v);
        return r;
    }
    *ret = atrium_qnode_leaf(ATRIUM_QK_ANY, op, prop->id, &v);
    return 0;
}

/* prop "in" "(" literal ("," literal)* ")"; tok is after "in". */
static int parse_in(struct parser *ps, const struct atrium_odata_prop *prop,
                    struct atrium_qnode **ret)
{
    int r = check_op(ps, prop, ATRIUM_ODATA_OP_IN, "in");
    if (r == 0)
        r = expect(ps, TK_LPAREN, "'(' was expected after 'in'");
    if (r < 0)
        return r;
    struct atrium_qnode *n = atrium_qnode_leaf(ATRIUM_QK_IN, ATRIUM_QOP_EQ, prop->id, NULL);
    n->values = xcalloc(ATRIUM_QUERY_IN_MAX, sizeof(*n->values));
    for (;;) {
        if (n->nvalues == ATRIUM_QUERY_IN_MAX)
            r = atrium_err(ps->e, ATRIUM_EINVAL, "$filter",
                           "An 'in' list may have at most %d values.", ATRIUM_QUERY_IN_MAX);
        if (r == 0 && (r = literal(ps, prop, &n->values[n->nvalues])) == 0)
            n->nvalues++;
        if (r == 0 && n->values[n->nvalues - 1].type == ATRIUM_QT_NULL)
            r = unsupported_clause(ps, prop);
        if (r < 0 || ps->tok.kind != TK_COMMA)
            break;
        r = lex(ps);
    }
    if (r == 0)
        r = expect(ps, TK_RPAREN, "')' was expected");
    if (r == 0)
        r = count_node(ps);
    if (r < 0) {
        atrium_qnode_free(n);
        return r;
    }
    *ret = n;
    return 0;
}

struct op_word {
    const char *word;
    enum atrium_qop op;
    unsigned bit;
};

static const struct op_word op_words[] = {
    {"eq", ATRIUM_QOP_EQ, ATRIUM_ODATA_OP_EQ},    {"ne", ATRIUM_QOP_NE, ATRIUM_ODATA_OP_NE},
    {"gt", ATRIUM_QOP_GT, ATRIUM_ODATA_OP_RANGE}, {"ge", ATRIUM_QOP_GE, ATRIUM_ODATA_OP_RANGE},
    {"lt", ATRIUM_QOP_LT, ATRIUM_ODATA_OP_RANGE}, {"le", ATRIUM_QOP_LE, ATRIUM_ODATA_OP_RANGE},
};

/* The literal of "prop op literal", with the operator's rules (null, types). */
static int comparison(struct parser *ps, const struct atrium_odata_prop *prop,
                      const struct op_word *w, struct atrium_qnode **ret)
{
    struct atrium_qvalue v;
    int r = literal(ps, prop, &v);
    bool is_null = r == 0 && v.type == ATRIUM_QT_NULL;
    if (r == 0 && is_null)
        r = w->op == ATRIUM_QOP_EQ || w->op == ATRIUM_QOP_NE
                ? check_op(ps, prop, ATRIUM_ODATA_OP_NULL,
                           w->op == ATRIUM_QOP_EQ ? "eq null" : "ne null")
                : unsupported_clause(ps, prop);
    if (r == 0 && !is_null)
        r = check_op(ps, prop, w->bit, w->word);
    if (r == 0 && prop->type == ATRIUM_ODATA_T_BOOL && w->bit == ATRIUM_ODATA_OP_RANGE)
        r = unsupported_clause(ps, prop);
    if (r == 0)
        r = count_node(ps);
    if (r < 0) {
        atrium_qvalue_release(&v);
        return r;
    }
    *ret = atrium_qnode_leaf(ATRIUM_QK_CMP, w->op, prop->id, &v);
    return 0;
}

/* prop (op literal | in (...) | /any(...)); tok is at the property name. */
static int parse_property_term(struct parser *ps, struct atrium_qnode **ret)
{
    const struct atrium_odata_prop *prop = lookup(ps);
    if (!prop)
        return ATRIUM_EINVAL;
    int r = lex(ps);
    if (r < 0)
        return r;
    if (ps->tok.kind == TK_SLASH)
        return parse_lambda(ps, prop, ret);
    if (prop->type == ATRIUM_ODATA_T_STRING_LIST)
        return unsupported_clause(ps, prop);
    if (word_is(ps, "in")) {
        if ((r = lex(ps)) < 0)
            return r;
        return parse_in(ps, prop, ret);
    }
    for (size_t i = 0; i < sizeof(op_words) / sizeof(op_words[0]); i++) {
        if (word_is(ps, op_words[i].word)) {
            if ((r = lex(ps)) < 0)
                return r;
            return comparison(ps, prop, &op_words[i], ret);
        }
    }
    if (word_is(ps, "has") || word_is(ps, "add") || word_is(ps, "sub")) {
        ps->unsupported = true;
        return atrium_err(ps->e, ATRIUM_EINVAL, "$filter", "This operator is not supported.");
    }
    return syntax(ps, "a comparison operator (eq, ne, gt, ge, lt, le, in) was expected");
}

static int parse_or(struct parser *ps, struct atrium_qnode **ret);

static int parse_primary(struct parser *ps, struct atrium_qnode **ret)
{
    if (ps->tok.kind == TK_LPAREN) {
        int r = enter(ps);
        if (r == 0)
            r = lex(ps);
        if (r == 0)
            r = parse_or(ps, ret);
        if (r == 0 && (r = expect(ps, TK_RPAREN, "')' was expected")) < 0)
            *ret = atrium_qnode_free(*ret);
        ps->depth--;
        return r;
    }
    if (ps->tok.kind != TK_WORD)
        return syntax(ps, "an expression was expected");
    const char *after = ps->p;
    while (*after == ' ')
        after++;
    if (*after == '(')
        return parse_function(ps, ret);
    return parse_property_term(ps, ret);
}

static int parse_unary(struct parser *ps, struct atrium_qnode **ret)
{
    if (!word_is(ps, "not"))
        return parse_primary(ps, ret);
    if (!ps->advanced)
        ps->advanced = "not";
    struct atrium_qnode *inner = NULL;
    int r = enter(ps);
    if (r == 0)
        r = lex(ps);
    if (r == 0)
        r = parse_unary(ps, &inner);
    ps->depth--;
    if (r == 0 && (r = count_node(ps)) < 0)
        atrium_qnode_free(inner);
    if (r == 0)
        *ret = atrium_qnode_join(ATRIUM_QK_NOT, inner, NULL);
    return r;
}

/* left (word right)*, for "and" over unary and "or" over and. */
static int parse_chain(struct parser *ps, struct atrium_qnode **ret, const char *word,
                       enum atrium_qkind kind, int (*next)(struct parser *, struct atrium_qnode **))
{
    struct atrium_qnode *left = NULL, *right = NULL;
    int r = next(ps, &left);
    while (r == 0 && word_is(ps, word)) {
        right = NULL;
        if ((r = lex(ps)) == 0 && (r = next(ps, &right)) == 0 && (r = count_node(ps)) == 0)
            left = atrium_qnode_join(kind, left, right);
        else
            atrium_qnode_free(right);
    }
    if (r < 0) {
        atrium_qnode_free(left);
        return r;
    }
    *ret = left;
    return 0;
}

static int parse_and(struct parser *ps, struct atrium_qnode **ret)
{
    return parse_chain(ps, ret, "and", ATRIUM_QK_AND, parse_unary);
}

static int parse_or(struct parser *ps, struct atrium_qnode **ret)
{
    return parse_chain(ps, ret, "or", ATRIUM_QK_OR, parse_and);
}

int atrium_odata_filter_parse(const char *text, const struct atrium_odata_resource *res,
                              struct atrium_qnode **ret, const char **ret_advanced,
                              bool *ret_unsupported, struct atrium_errinfo *e)
{
    struct parser ps = {.text = text, .p = text, .res = res, .e = e};
    struct atrium_qnode *tree = NULL;
    *ret_unsupported = false;
    if (!text || strlen(text) > ATRIUM_ODATA_FILTER_MAX)
        return atrium_err(e, ATRIUM_EINVAL, "$filter", "The $filter is longer than %d bytes.",
                          ATRIUM_ODATA_FILTER_MAX);
    if (!atrium_str_is_clean_utf8(text))
        return atrium_err(e, ATRIUM_EINVAL, "$filter", "The $filter is not valid UTF-8 text.");
    int r = lex(&ps);
    if (r == 0 && ps.tok.kind == TK_END)
        r = syntax(&ps, "the expression is empty");
    if (r == 0)
        r = parse_or(&ps, &tree);
    if (r == 0 && ps.tok.kind != TK_END) {
        r = syntax(&ps, "unexpected text after the expression");
        tree = atrium_qnode_free(tree);
    }
    token_release(&ps.tok);
    *ret_unsupported = ps.unsupported;
    if (r < 0)
        return r;
    *ret = tree;
    *ret_advanced = ps.advanced;
    return 0;
}
