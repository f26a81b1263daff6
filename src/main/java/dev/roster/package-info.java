/**
 * Roster: a multi-tenant identity and role service. One package per feature (see STYLE.md); {@code platform}
 * holds what every feature shares (database, cache invalidation, errors, request context).
 */
@NullMarked
package dev.roster;

import org.jspecify.annotations.NullMarked;
