/* SPDX-License-Identifier: MIT */
/* Cookie header parsing; see cookie.h. */
#include "http/cookie.h"

#include <stdbool.h>
#include <string.h>

#include "core/xalloc.h"

/* RFC 7230 tchar. */
static bool is_token_char(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return true;
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
        return true;
    return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static bool is_token(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!is_token_char((unsigned char)*s))
            return false;
    return true;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

static void add_pair(char *pair, size_t max, struct atrium_kv_list *l)
{
    char *eq = strchr(pair, '=');
    if (!eq || l->count >= max)
        return;
    *eq = '\0';
    char *name = trim(pair);
    char *value = trim(eq + 1);
    size_t n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"') {
        value[n - 1] = '\0';
        value++;
    }
    if (is_token(name))
        atrium_kv_list_add(l, name, value);
}

void atrium_cookie_parse(const char *header, size_t max, struct atrium_kv_list *l)
{
    if (!header || !*header)
        return;
    char *copy = xstrdup(header);
    atrium_kv_list_adopt(l, copy);
    char *p = copy;
    while (p) {
        char *semi = strchr(p, ';');
        if (semi)
            *semi = '\0';
        add_pair(p, max, l);
        p = semi ? semi + 1 : NULL;
    }
}
