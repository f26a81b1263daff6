/** An example application behind Roster, run by {@code dev.roster.downstream.DownstreamServiceTests}. */
@NullMarked
package example.documents;

import org.jspecify.annotations.NullMarked;
