@NullMarked
package dev.roster.users.web;

import org.jspecify.annotations.NullMarked;
