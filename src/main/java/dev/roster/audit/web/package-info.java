@NullMarked
package dev.roster.audit.web;

import org.jspecify.annotations.NullMarked;
