@NullMarked
package dev.roster.platform;

import org.jspecify.annotations.NullMarked;
