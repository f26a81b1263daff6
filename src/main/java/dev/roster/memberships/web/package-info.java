@NullMarked
package dev.roster.memberships.web;

import org.jspecify.annotations.NullMarked;
