@NullMarked
package dev.roster.sessions;

import org.jspecify.annotations.NullMarked;
