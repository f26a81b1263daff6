@NullMarked
package dev.roster.tenants.web;

import org.jspecify.annotations.NullMarked;
