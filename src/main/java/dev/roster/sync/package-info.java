/**
 * Keeping Roster in step with the upstream: one operation applies what the upstream says about a user (profile,
 * activity, memberships), whoever asked — sign-in, the background sync a refresh schedules, the cluster-once sweep,
 * an admin's force-sync, and later webhooks and SCIM. Connector types stop here. See docs/sync.md.
 */
@NullMarked
package dev.roster.sync;

import org.jspecify.annotations.NullMarked;
