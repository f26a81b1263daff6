@NullMarked
package dev.roster.connectors;

import org.jspecify.annotations.NullMarked;
