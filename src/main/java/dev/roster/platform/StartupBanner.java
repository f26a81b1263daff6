package dev.roster.platform;

/**
 * Text a feature adds to what {@link StartupReport} prints once Roster serves, so that the report need not know
 * the feature (the demo provider's quickstart commands, for one).
 */
public interface StartupBanner {

    /** Printed after the ready line and a blank line; every line ends with a newline. */
    String text();
}
