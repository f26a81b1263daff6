package dev.roster;

import org.junit.jupiter.api.Test;
import org.springframework.modulith.core.ApplicationModules;

/** Features use each other only through their top-level packages, and never in a cycle. */
class ModularityTests {

    @Test
    void featuresRespectEachOthersInsides() {
        ApplicationModules.of(RosterApplication.class).verify();
    }
}
