@NullMarked
package dev.roster.serviceaccounts.web;

import org.jspecify.annotations.NullMarked;
