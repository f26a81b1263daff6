package dev.roster.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.roster.connectors.UpstreamBudget.Priority;
import dev.roster.connectors.UpstreamDirectory.Lookup;
import dev.roster.connectors.UpstreamUser.Organization;
import dev.roster.connectors.UpstreamUser.RoleAssignment;
import dev.roster.connectors.UpstreamUser.UpstreamTenant;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What every {@link UpstreamDirectory} must do (its contract), run against each implementation: answer a lookup with
 * the user as the directory states them or {@link Lookup.Gone}, search, take a budget permit per call, and fail with
 * a typed {@link UpstreamCallFailed} when it cannot be asked.
 */
abstract class UpstreamDirectoryContract {

    /** The directory under test, taking its permits from {@code budget}. */
    protected abstract UpstreamDirectory directory(UpstreamBudget budget);

    /** A directory like {@link #directory}, but which cannot be reached. */
    protected abstract UpstreamDirectory unreachableDirectory(UpstreamBudget budget);

    /** From now on the directory knows this user, as stated. */
    protected abstract void given(UpstreamUser user);

    /** From now on the directory answers a search for {@code query} with these users, in this order. */
    protected abstract void givenSearchFinds(String query, UpstreamUser... users);

    protected static final UpstreamUser ANN = new UpstreamUser(
            "ext-ann",
            "ann@example.com",
            true,
            "ann",
            "Ann",
            "Lee",
            "Marie",
            "Ann M. Lee",
            "https://img.example.com/ann.png",
            new Organization("Engineer", "Engineering", "Platform", "Identity", "Team Alpha", 3, "ext-boss", false),
            true,
            List.of(
                    new RoleAssignment("viewer", new UpstreamTenant("initech", "Initech", null)),
                    new RoleAssignment("tenant_admin", new UpstreamTenant("acme", "Acme Corp", null)),
                    new RoleAssignment("developer", new UpstreamTenant("globex", "globex", null))));

    protected static UpstreamUser person(String externalId, String email, @Nullable List<RoleAssignment> roles) {
        return new UpstreamUser(externalId, email, true, null, null, null, null, null, null, null, null, roles);
    }

    @Test
    void aLookupOfAKnownUserYieldsTheUserAsTheDirectoryStatesThem() {
        given(ANN);

        Lookup lookup = directory(UpstreamBudget.UNLIMITED).fetch("ext-ann", Priority.BACKGROUND);

        assertThat(lookup).isEqualTo(new Lookup.Found(ANN));
    }

    @Test
    void aLookupOfAUserTheDirectoryDoesNotKnowIsGone() {
        assertThat(directory(UpstreamBudget.UNLIMITED).fetch("ext-nobody", Priority.BACKGROUND))
                .isEqualTo(new Lookup.Gone());
    }

    @Test
    void rolesTheDirectoryDoesNotMentionAreNullAndNoRolesAreAnEmptyList() {
        given(person("ext-silent", "silent@example.com", null));
        given(person("ext-none", "none@example.com", List.of()));
        UpstreamDirectory directory = directory(UpstreamBudget.UNLIMITED);

        assertThat(found(directory.fetch("ext-silent", Priority.BACKGROUND)).roles())
                .isNull();
        assertThat(found(directory.fetch("ext-none", Priority.BACKGROUND)).roles())
                .isEmpty();
    }

    @Test
    void anIdIsANameNeverAPath() {
        UpstreamUser odd = person("a/../b c?d#e%", "odd@example.com", List.of());
        given(odd);

        assertThat(directory(UpstreamBudget.UNLIMITED).fetch("a/../b c?d#e%", Priority.BACKGROUND))
                .isEqualTo(new Lookup.Found(odd));
    }

    @Test
    void aSearchYieldsTheUsersTheDirectoryFindsAtMostTheLimit() {
        UpstreamUser anna = person("ext-anna", "anna@example.com", List.of());
        UpstreamUser annika = person("ext-annika", "annika@example.com", List.of());
        givenSearchFinds("ann lee", ANN, anna, annika);
        UpstreamDirectory directory = directory(UpstreamBudget.UNLIMITED);

        assertThat(directory.search("ann lee", 10)).containsExactly(ANN, anna, annika);
        assertThat(directory.search("ann lee", 2)).containsExactly(ANN, anna);
    }

    @Test
    void eachCallTakesAPermitOfItsPriority() {
        given(ANN);
        givenSearchFinds("ann", ANN);
        var budget = new RecordingBudget();
        UpstreamDirectory directory = directory(budget);

        directory.fetch("ext-ann", Priority.BACKGROUND);
        directory.fetch("ext-ann", Priority.INTERACTIVE);
        directory.search("ann", 5);

        assertThat(budget.acquired).containsExactly(Priority.BACKGROUND, Priority.INTERACTIVE, Priority.INTERACTIVE);
    }

    @Test
    void anUnreachableDirectoryIsAFailureNeverAnAnswer() {
        UpstreamDirectory directory = unreachableDirectory(UpstreamBudget.UNLIMITED);

        assertThatThrownBy(() -> directory.fetch("ext-ann", Priority.BACKGROUND))
                .isInstanceOfSatisfying(
                        UpstreamCallFailed.class, e -> assertThat(e.kind()).isEqualTo(UpstreamCallFailed.Kind.NETWORK));
        assertThatThrownBy(() -> directory.search("ann", 5))
                .isInstanceOfSatisfying(
                        UpstreamCallFailed.class, e -> assertThat(e.kind()).isEqualTo(UpstreamCallFailed.Kind.NETWORK));
    }

    protected static UpstreamUser found(Lookup lookup) {
        assertThat(lookup).isInstanceOf(Lookup.Found.class);
        return ((Lookup.Found) lookup).user();
    }

    /** Records the permits taken and the pauses asked for; never refuses. */
    static final class RecordingBudget implements UpstreamBudget {

        final List<Priority> acquired = new CopyOnWriteArrayList<>();
        final List<Duration> pauses = new CopyOnWriteArrayList<>();

        @Override
        public void acquire(Priority priority) {
            acquired.add(priority);
        }

        @Override
        public void pause(Duration duration) {
            pauses.add(duration);
        }
    }
}
