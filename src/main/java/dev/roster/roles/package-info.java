@NullMarked
package dev.roster.roles;

import org.jspecify.annotations.NullMarked;
