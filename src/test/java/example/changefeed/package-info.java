/** An example change-feed subscriber, run by {@code dev.roster.webhooks.ChangeFeedReceiverTests}. */
@NullMarked
package example.changefeed;

import org.jspecify.annotations.NullMarked;
