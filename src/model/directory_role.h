/* SPDX-License-Identifier: MIT */
/*
 * Entra's built-in directory role templates (ids are Entra's own), groups and
 * role assignments. Pure data and structs.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/rand.h"

#define ATRIUM_ROLE_GLOBAL_ADMIN "62e90394-69f5-4237-9190-012177145e10"
#define ATRIUM_ROLE_USER_ADMIN "fe930be7-5e62-47db-91af-98c3a49a38b1"
#define ATRIUM_ROLE_HELPDESK_ADMIN "729827e3-9c14-49f7-bb1b-9608f156bbb8"
#define ATRIUM_ROLE_DIRECTORY_READERS "88d8e3e3-8f55-4a1e-953a-9b9898b8876b"
#define ATRIUM_ROLE_DOMAIN_NAME_ADMIN "8329153b-31d0-4727-b945-745eb3bc5f31"

struct atrium_role_template {
    const char *id;
    const char *display_name;
    const char *description;
};

/* The table of built-in role templates, terminated by an entry with id NULL. */
extern const struct atrium_role_template atrium_role_templates[];
/* Look a template up by id (case-insensitive); NULL when unknown. */
const struct atrium_role_template *atrium_role_template_find(const char *id);

struct atrium_group {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char *display_name;
    char *description; /* NULL when unset */
    char *mail_nickname;
    bool security_enabled;
    int64_t created;
};

void atrium_group_release(struct atrium_group *g);

/* What a directory object id found in a membership or ownership names. */
enum atrium_member_kind {
    ATRIUM_MEMBER_UNKNOWN = 0, /* no user or group of the tenant (deleted since) */
    ATRIUM_MEMBER_USER,
    ATRIUM_MEMBER_GROUP,
};

struct atrium_member_ref {
    char id[ATRIUM_UUID_LEN + 1];
    enum atrium_member_kind kind;
};

struct atrium_role_assignment {
    char id[ATRIUM_UUID_LEN + 1];
    char tenant_id[ATRIUM_UUID_LEN + 1];
    char role_template_id[ATRIUM_UUID_LEN + 1];
    char principal_id[ATRIUM_UUID_LEN + 1];
    int64_t created;
};
