package dev.roster.users;

import dev.roster.authz.AuthorizationCheck;
import dev.roster.platform.ExactCache;
import dev.roster.platform.InvalidationBus;
import dev.roster.tenants.Tenants;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;

/** The user's own view ({@link Me}), from the per-node cache or one query; never from the upstream. */
@Service
public class UserViews {

    /**
     * Invalidation topic: a user's profile, settings or memberships changed (the key is the user id), i.e. anything
     * {@code /v1/me} shows.
     */
    public static final String TOPIC = "user";

    private final Users users;
    private final ExactCache<UUID, Me> cache;

    UserViews(Users users, InvalidationBus bus, MeterRegistry meters) {
        this.users = users;
        this.cache = ExactCache.create("me", 200_000, bus, TOPIC, UUID::fromString, meters);
        // A tenant's or a global role's rename shows in every member's view; renames are rare, so drop them all.
        bus.subscribe(Tenants.TOPIC, key -> cache.invalidateAll(), cache::invalidateAll);
        bus.subscribe(AuthorizationCheck.GLOBAL_ROLES_TOPIC, key -> cache.invalidateAll(), cache::invalidateAll);
    }

    public Optional<Me> me(UUID userId) {
        return Optional.ofNullable(cache.get(userId, id -> users.findMe(id).orElse(null)));
    }
}
