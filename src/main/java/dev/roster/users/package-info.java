@NullMarked
package dev.roster.users;

import org.jspecify.annotations.NullMarked;
