package dev.roster.sessions;

import dev.roster.platform.ErrorCode;
import dev.roster.platform.RosterException;

/** The user exists but is deactivated: no new session, no refresh. */
public class AccountDeactivated extends RosterException {

    AccountDeactivated() {
        super(ErrorCode.USER_DEACTIVATED, "This user is deactivated.");
    }
}
