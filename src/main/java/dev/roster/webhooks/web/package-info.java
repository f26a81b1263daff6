@NullMarked
package dev.roster.webhooks.web;

import org.jspecify.annotations.NullMarked;
