@NullMarked
package dev.roster.outbox.web;

import org.jspecify.annotations.NullMarked;
