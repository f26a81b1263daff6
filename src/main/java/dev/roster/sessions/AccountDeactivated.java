package dev.roster.sessions;

import dev.roster.platform.RosterException;
import org.springframework.http.HttpStatus;

/** The user exists but is deactivated: no new session, no refresh. */
public class UserDeactivated extends RosterException {

    UserDeactivated() {
        super(HttpStatus.FORBIDDEN, "user_deactivated", "This user is deactivated.");
    }
}
