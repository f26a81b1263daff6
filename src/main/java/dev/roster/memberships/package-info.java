@NullMarked
package dev.roster.memberships;

import org.jspecify.annotations.NullMarked;
