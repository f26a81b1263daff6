/**
 * Service accounts: the identity an application's backend uses to call Roster (the authorization check, above all),
 * authenticated by the OAuth 2.0 client-credentials grant. Each is a Roster user underneath.
 */
@NullMarked
package dev.roster.serviceaccounts;

import org.jspecify.annotations.NullMarked;
