@NullMarked
package dev.roster.tenants;

import org.jspecify.annotations.NullMarked;
