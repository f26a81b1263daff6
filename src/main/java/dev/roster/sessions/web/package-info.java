@NullMarked
package dev.roster.sessions.web;

import org.jspecify.annotations.NullMarked;
