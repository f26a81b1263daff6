@NullMarked
package dev.roster.inbound.web;

import org.jspecify.annotations.NullMarked;
