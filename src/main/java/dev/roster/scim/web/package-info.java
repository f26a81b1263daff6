@NullMarked
package dev.roster.scim.web;

import org.jspecify.annotations.NullMarked;
