/* SPDX-License-Identifier: MIT */
/*
 * The password policy; see password_policy.h. Length is counted in code
 * points and never truncated. Context words (tenant and user name) are matched
 * ignoring ASCII case; banned words when the password is the word followed
 * only by digits, symbols or spaces ("Password123!" is "password" + "123!").
 */
#include "model/password_policy.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/str.h"
#include "core/xalloc.h"

/* Lowercase. A word also covers itself plus a digit/symbol suffix ("welcome1"). */
static const char *const banned_words[] = {
    "password",  "passw0rd", "p@ssword",      "p@ssw0rd", "pa$$word",   "pa55word", "12345678",
    "87654321",  "11111111", "00000000",      "qwerty",   "qwertyuiop", "azerty",   "azertyuiop",
    "asdfghjkl", "1q2w3e4r", "zaq12wsx",      "abc123",   "abcd1234",   "letmein",  "welcome",
    "iloveyou",  "admin",    "administrator", "changeme", "secret",     "trustno1", "monkey",
    "dragon",    "sunshine", "football",      "baseball", "princess",   "superman", "starwars",
    "master",    "login",    "default",       "test1234", "summer",     "winter",   "spring",
    "autumn",    "hello",    "freedom",       "atrium",
};

static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static bool is_ascii_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_banned(const char *password)
{
    size_t n = strlen(password);
    for (size_t w = 0; w < sizeof(banned_words) / sizeof(banned_words[0]); w++) {
        const char *word = banned_words[w];
        size_t m = strlen(word), i = 0;
        if (n < m)
            continue;
        while (i < m && fold(password[i]) == word[i])
            i++;
        if (i < m)
            continue;
        /* The rest must be printable ASCII other than letters. */
        while (i < n && (unsigned char)password[i] >= 0x20 && (unsigned char)password[i] < 0x7F &&
               !is_ascii_letter(password[i]))
            i++;
        if (i == n)
            return true;
    }
    return false;
}

/* hay contains needle[0..m), ignoring ASCII case. */
static bool contains_icase(const char *hay, const char *needle, size_t m)
{
    size_t n = strlen(hay);
    for (size_t i = 0; m <= n && i <= n - m; i++) {
        size_t j = 0;
        while (j < m && fold(hay[i + j]) == fold(needle[j]))
            j++;
        if (j == m)
            return true;
    }
    return false;
}

/* Code points in s[0..len), counting lead bytes only. */
static size_t loose_cp_count(const char *s, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += ((unsigned char)s[i] & 0xC0) != 0x80;
    return count;
}

static bool is_separator(char c)
{
    return c == ' ' || c == '.' || c == '_' || c == '-';
}

/*
 * password contains name[0..len) (3+ characters), or name with its spaces and
 * separators (. _ -) removed.
 */
static bool contains_name(const char *password, const char *name, size_t len)
{
    if (loose_cp_count(name, len) >= 3 && contains_icase(password, name, len))
        return true;
    char *squeezed = xmalloc(len + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++)
        if (!is_separator(name[i]))
            squeezed[k++] = name[i];
    squeezed[k] = '\0';
    bool found =
        k < len && loose_cp_count(squeezed, k) >= 3 && contains_icase(password, squeezed, k);
    xfree(squeezed);
    return found;
}

/* Check encoding and count code points; fills e on failure. */
static int count_chars(const char *password, const char *f, size_t *ret_count,
                       struct atrium_errinfo *e)
{
    size_t count = 0;
    for (const char *p = password; *p; count++) {
        uint32_t cp;
        size_t n = atrium_str_utf8_next(p, &cp);
        if (n == 0)
            return atrium_err(e, ATRIUM_EINVAL, f, "The password must be valid UTF-8 text.");
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            return atrium_err(e, ATRIUM_EINVAL, f,
                              "The password must not contain control characters.");
        p += n;
    }
    *ret_count = count;
    return 0;
}

int atrium_password_check(const struct atrium_password_policy *policy, const char *password,
                          const char *tenant_name, const char *user_name, const char *field,
                          struct atrium_errinfo *e)
{
    static const struct atrium_password_policy defaults = ATRIUM_PASSWORD_POLICY_DEFAULT;
    const struct atrium_password_policy *pol = policy ? policy : &defaults;
    const char *f = field && *field ? field : "password";
    if (!password)
        return atrium_err(e, ATRIUM_EINVAL, f, "The password is required.");
    if (strnlen(password, ATRIUM_PASSWORD_BYTES_MAX + 1) > ATRIUM_PASSWORD_BYTES_MAX)
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "The password is too long: at most %d bytes are accepted.",
                          ATRIUM_PASSWORD_BYTES_MAX);
    size_t count = 0;
    int rc = count_chars(password, f, &count, e);
    if (rc < 0)
        return rc;
    if (count < pol->min_length)
        return atrium_err(e, ATRIUM_EINVAL, f, "The password must be at least %zu characters long.",
                          pol->min_length);
    if (count > pol->max_length)
        return atrium_err(e, ATRIUM_EINVAL, f, "The password must be at most %zu characters long.",
                          pol->max_length);
    if (is_banned(password))
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "This password is too common; choose one that is harder to guess.");
    if (tenant_name && contains_name(password, tenant_name, strlen(tenant_name)))
        return atrium_err(e, ATRIUM_EINVAL, f,
                          "The password must not contain the organization name.");
    if (user_name) {
        /* Only the local part of a UPN counts as the user name. */
        const char *at = strchr(user_name, '@');
        size_t len = at ? (size_t)(at - user_name) : strlen(user_name);
        if (contains_name(password, user_name, len))
            return atrium_err(e, ATRIUM_EINVAL, f, "The password must not contain the user name.");
    }
    return 0;
}
