/** {@code /v1/tenants/{id}/grants}. */
@NullMarked
package dev.roster.grants.web;

import org.jspecify.annotations.NullMarked;
