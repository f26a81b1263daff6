package dev.roster.users;

import dev.roster.authz.Access;
import dev.roster.authz.Caller;
import dev.roster.outbox.Origin;
import dev.roster.outbox.Outbox;
import dev.roster.platform.AuditLog;
import dev.roster.platform.ErrorCode;
import dev.roster.platform.InvalidationBus;
import java.util.Map;
import java.util.UUID;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Deactivating and reactivating users. A deactivated user keeps their memberships (for audit and a later
 * reactivation) but cannot sign in or refresh, and their sessions end in the same transaction, so every node refuses
 * their next request.
 */
@Service
public class UserManagement {

    private static final String LOCK_ACTIVE = "SELECT is_active FROM users WHERE id = :id FOR UPDATE";

    // An admin's deactivation is marked as theirs: the upstream's later "active" never undoes it (docs/sync.md).
    private static final String SET_ACTIVE = """
            UPDATE users SET is_active = :active, updated_at = now(),
                             deactivated_by = CASE WHEN :active THEN NULL ELSE 'admin' END,
                             deactivated_at = CASE WHEN :active THEN NULL ELSE now() END
            WHERE id = :id
            """;

    private final JdbcClient jdbc;
    private final Access access;
    private final AuditLog audit;
    private final Outbox outbox;
    private final InvalidationBus bus;
    private final ApplicationEventPublisher events;

    UserManagement(
            JdbcClient jdbc,
            Access access,
            AuditLog audit,
            Outbox outbox,
            InvalidationBus bus,
            ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.access = access;
        this.audit = audit;
        this.outbox = outbox;
        this.bus = bus;
        this.events = events;
    }

    /** Deactivating an inactive user changes nothing. */
    @Transactional
    public void deactivate(Caller caller, UUID userId) {
        bus.join();
        if (!lockActive(userId)) {
            return;
        }
        if (access.isPlatformAdmin(userId)) {
            access.requireAnotherPlatformAdmin(userId);
        }
        setActive(caller, userId, false);
        events.publishEvent(new UserDeactivated(userId));
    }

    @Transactional
    public void reactivate(Caller caller, UUID userId) {
        bus.join();
        if (!lockActive(userId)) {
            setActive(caller, userId, true);
        }
    }

    private boolean lockActive(UUID userId) {
        return jdbc.sql(LOCK_ACTIVE)
                .param("id", userId)
                .query(Boolean.class)
                .optional()
                .orElseThrow(() -> ErrorCode.USER_NOT_FOUND.problem("There is no user " + userId + "."));
    }

    private void setActive(Caller caller, UUID userId, boolean active) {
        jdbc.sql(SET_ACTIVE).param("id", userId).param("active", active).update();
        audit.record(
                caller.actor(),
                active ? "user.reactivated" : "user.deactivated",
                "user:" + userId,
                Map.of("is_active", !active),
                Map.of("is_active", active));
        outbox.append(
                Outbox.USER,
                userId.toString(),
                active ? "user.reactivated" : "user.deactivated",
                Map.of("user_id", userId, "is_active", active),
                Origin.LOCAL);
        bus.publish(UserViews.TOPIC, userId.toString());
    }
}
