/* SPDX-License-Identifier: MIT */
/*
 * Built-in applications present in every tenant:
 * - the directory API resource ("Microsoft Graph"): appId
 *   00000003-0000-0000-c000-000000000000, identifier https://graph.microsoft.com,
 *   with Entra's own permission ids and names;
 * - the first-party public client 04b07795-8ddb-461a-bbee-02f9e1bf7b46, the id
 *   that common command-line tools hard-code, pre-consented for the directory
 *   API on behalf of the signed-in user.
 * Pure data.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#define ATRIUM_GRAPH_APP_ID "00000003-0000-0000-c000-000000000000"
#define ATRIUM_GRAPH_RESOURCE_URI "https://graph.microsoft.com"
#define ATRIUM_GRAPH_DISPLAY_NAME "Microsoft Graph"
#define ATRIUM_FIRST_PARTY_CLIENT_ID "04b07795-8ddb-461a-bbee-02f9e1bf7b46"
#define ATRIUM_FIRST_PARTY_CLIENT_NAME "Atrium Command Line"

enum atrium_permission_kind {
    ATRIUM_PERMISSION_DELEGATED,   /* oauth2PermissionScope ("Scope") */
    ATRIUM_PERMISSION_APPLICATION, /* appRole ("Role") */
};

struct atrium_builtin_permission {
    const char *id;    /* Entra's GUID for this permission */
    const char *value; /* "User.Read.All" */
    enum atrium_permission_kind kind;
    const char *admin_display_name;
    bool admin_consent_required; /* delegated only */
};

/* The directory API's permissions, terminated by an entry with id NULL. */
extern const struct atrium_builtin_permission atrium_graph_permissions[];

/* Find by value ("User.Read.All", case-insensitive) and kind; NULL when unknown. */
const struct atrium_builtin_permission *
atrium_graph_permission_find(const char *value, enum atrium_permission_kind kind);
/* Find by id and kind; NULL when unknown. */
const struct atrium_builtin_permission *
atrium_graph_permission_by_id(const char *id, enum atrium_permission_kind kind);
