package dev.roster.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The removal guards, on their own: when a pull's diff may be applied. */
class RoleDiffTests {

    private static List<RoleDiff.Change> changes(int n) {
        return Collections.nCopies(n, new RoleDiff.Change("t", "T", "viewer", null));
    }

    private static RoleDiff diff(int added, int removed) {
        return new RoleDiff(changes(added), List.of(), changes(removed));
    }

    @Test
    void anEmptyAnswerForAUserWithUpstreamMembershipsIsRefusedUnlessAllowed() {
        assertThat(diff(0, 2).refusal(2, true, false, 0.5)).contains("no roles");
        assertThat(diff(0, 2).refusal(2, true, true, 1.0)).isNull();
        // Nothing held: "none" is simply true.
        assertThat(RoleDiff.NONE.refusal(0, true, false, 0.5)).isNull();
    }

    @Test
    void removingMoreThanTheShareNetOfAdditionsIsRefused() {
        assertThat(diff(0, 3).refusal(4, false, false, 0.5)).contains("3 of 4");
        assertThat(diff(0, 2).refusal(4, false, false, 0.5)).isNull();
        // A move (one out, one in) removes nothing on balance.
        assertThat(diff(1, 1).refusal(1, false, false, 0.5)).isNull();
        assertThat(diff(0, 3).refusal(4, false, false, 1.0)).isNull();
    }

    @Test
    void swappingMostOfSeveralMembershipsIsRefusedButMovingOneIsNot() {
        assertThat(diff(3, 3).refusal(4, false, false, 0.5)).contains("replace 3 of 4");
        assertThat(diff(2, 2).refusal(4, false, false, 0.5)).isNull();
        assertThat(diff(2, 2).refusal(2, false, false, 0.5)).isNull();
    }
}
