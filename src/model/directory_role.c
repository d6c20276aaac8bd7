/* SPDX-License-Identifier: MIT */
/*
 * Entra's built-in directory role templates and group release; see
 * directory_role.h. Ids and names are Entra's own (cross-checked against the
 * role definitions Microsoft Graph lists); descriptions are shortened.
 */
#include "model/directory_role.h"

#include <string.h>

#include "core/str.h"
#include "core/xalloc.h"

#define ROLE(id_, name_, desc_)                                                                    \
    {                                                                                              \
        .id = (id_), .display_name = (name_), .description = (desc_)                               \
    }

const struct atrium_role_template atrium_role_templates[] = {
    ROLE(ATRIUM_ROLE_GLOBAL_ADMIN, "Global Administrator",
         "Can manage all aspects of the directory and the services that use its identities."),
    ROLE("f2ef992c-3afb-46b9-b7cf-a126ee74c451", "Global Reader",
         "Can read everything that a Global Administrator can, but not update anything."),
    ROLE("e8611ab8-c189-46e8-94e1-60213ab1f814", "Privileged Role Administrator",
         "Can manage role assignments, and all aspects of Privileged Identity Management."),
    ROLE("7be44c8a-adaf-4e2a-84d6-ab2649e08a13", "Privileged Authentication Administrator",
         "Can view, set and reset authentication method information for any user (admin or "
         "non-admin)."),
    ROLE(ATRIUM_ROLE_USER_ADMIN, "User Administrator",
         "Can manage all aspects of users and groups, including resetting passwords for limited "
         "admins."),
    ROLE(ATRIUM_ROLE_HELPDESK_ADMIN, "Helpdesk Administrator",
         "Can reset passwords for non-administrators and Helpdesk Administrators."),
    ROLE("966707d0-3269-4727-9be2-8c3a10f19b9d", "Password Administrator",
         "Can reset passwords for non-administrators and Password Administrators."),
    ROLE("c4e39bd9-1100-46d3-8c65-fb160da0071f", "Authentication Administrator",
         "Can view, set and reset authentication method information for any non-admin user."),
    ROLE("0526716b-113d-4c15-b2c8-68e3c22b9f80", "Authentication Policy Administrator",
         "Can create and manage the authentication methods policy, tenant-wide MFA settings and "
         "password protection policy."),
    ROLE("fdd7a751-b60b-444a-984c-02652fe8fa1c", "Groups Administrator",
         "Can create and manage groups and group settings like naming and expiration policies."),
    ROLE(ATRIUM_ROLE_DIRECTORY_READERS, "Directory Readers",
         "Can read basic directory information. Commonly used to grant directory read access to "
         "applications and guests."),
    ROLE("9360feb5-f418-4baa-8175-e2a00bac4301", "Directory Writers",
         "Can read and write basic directory information. For granting access to applications, "
         "not intended for users."),
    ROLE(ATRIUM_ROLE_DOMAIN_NAME_ADMIN, "Domain Name Administrator",
         "Can manage domain names in cloud and on-premises."),
    ROLE("9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", "Application Administrator",
         "Can create and manage all aspects of app registrations and enterprise apps."),
    ROLE("158c047a-c907-4556-b7ef-446551a6b5f7", "Cloud Application Administrator",
         "Can create and manage all aspects of app registrations and enterprise apps except App "
         "Proxy."),
    ROLE("cf1c38e5-3621-4004-a7cb-879624dced7c", "Application Developer",
         "Can create application registrations independent of the 'Users can register "
         "applications' setting."),
    ROLE("95e79109-95c0-4d8e-aee3-d01accf2d47b", "Guest Inviter",
         "Can invite guest users independent of the 'members can invite guests' setting."),
    ROLE("be2f45a1-457d-42af-a067-6ec1fa63bc45", "External Identity Provider Administrator",
         "Can configure identity providers for use in direct federation."),
    ROLE("8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", "Hybrid Identity Administrator",
         "Can manage cloud provisioning, directory synchronization, pass-through authentication "
         "and federation settings."),
    ROLE("b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", "Conditional Access Administrator",
         "Can manage Conditional Access capabilities."),
    ROLE("194ae4cb-b126-40b2-bd5b-6091b380977d", "Security Administrator",
         "Can read security information and reports, and manage security configuration."),
    ROLE("5f2222b1-57c3-48ba-8ad5-d4759f1fde6f", "Security Operator",
         "Creates and manages security events."),
    ROLE("5d6b6bb7-de71-4623-b4af-96380a352509", "Security Reader",
         "Can read security information and reports."),
    ROLE("17315797-102d-40b4-93e0-432062caca18", "Compliance Administrator",
         "Can read and manage compliance configuration and reports."),
    ROLE("4a5d8f65-41da-4de4-8968-e035b65339cf", "Reports Reader",
         "Can read sign-in and audit reports."),
    ROLE("790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b", "Message Center Reader",
         "Can read messages and updates for their organization in Message Center only."),
    ROLE("b0f54661-2d74-4c50-afa3-1ec803f12efe", "Billing Administrator",
         "Can perform common billing related tasks like updating payment information."),
    ROLE("4d6ac14f-3453-41d0-bef9-a3e0c569773a", "License Administrator",
         "Can manage product licenses on users and groups."),
    ROLE("f023fd81-a637-4b56-95fd-791ac0226033", "Service Support Administrator",
         "Can read service health information and manage support tickets."),
    ROLE("7698a772-787b-4ac8-901f-60d6b08affd2", "Cloud Device Administrator",
         "Limited access to manage devices."),
    ROLE("29232cdf-9323-42fd-ade2-1d097af3e4de", "Exchange Administrator",
         "Can manage all aspects of the Exchange product."),
    ROLE("f28a1f50-f6e7-4571-818b-6a12f2af6b6c", "SharePoint Administrator",
         "Can manage all aspects of the SharePoint service."),
    ROLE("69091246-20e8-4a56-aa4d-066075b2a7a8", "Teams Administrator",
         "Can manage the Microsoft Teams service."),
    ROLE("3a2c62db-5318-420d-8d74-23affee5d9d5", "Intune Administrator",
         "Can manage all aspects of the Intune product."),
    ROLE("44367163-eba1-44c3-98af-f5787879f96a", "Dynamics 365 Administrator",
         "Can manage all aspects of the Dynamics 365 product."),
    ROLE("11648597-926c-4cf3-9c36-bcebb0ba8dcc", "Power Platform Administrator",
         "Can create and manage all aspects of Dynamics 365, Power Apps and Power Automate."),
    ROLE("644ef478-e28f-4e28-b9dc-3fdde9aa0b1f", "Printer Administrator",
         "Can manage all aspects of printers and printer connectors."),
    ROLE("4ba39ca4-527c-499a-b93d-d9b492c50246", "Partner Tier1 Support",
         "Do not use - not intended for general use."),
    ROLE("e00e864a-17c5-4a4b-9c06-f5b95a8d5bd8", "Partner Tier2 Support",
         "Do not use - not intended for general use."),
    {.id = NULL},
};

const struct atrium_role_template *atrium_role_template_find(const char *id)
{
    if (!id)
        return NULL;
    for (const struct atrium_role_template *t = atrium_role_templates; t->id; t++)
        if (atrium_str_ieq(t->id, id))
            return t;
    return NULL;
}

void atrium_group_release(struct atrium_group *g)
{
    if (!g)
        return;
    xfree(g->display_name);
    xfree(g->description);
    xfree(g->mail_nickname);
    memset(g, 0, sizeof(*g));
}
