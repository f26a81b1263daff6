@NullMarked
package dev.roster.roles.web;

import org.jspecify.annotations.NullMarked;
