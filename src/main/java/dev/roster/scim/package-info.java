/**
 * The SCIM 2.0 server (RFC 7643/7644) at {@code /scim/v2}, through which enterprise IdPs (Entra ID, Okta) provision
 * Roster, and the SCIM clients they authenticate as ({@code /v1/scim-clients}, platform admins). A client sees only the
 * users and groups of its tenants. See docs/provisioning.md.
 */
@NullMarked
package dev.roster.scim;

import org.jspecify.annotations.NullMarked;
