package dev.roster.authz;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * One tenant's grants, as a check needs them: by principal, then by permission, then by selector (exact names in a
 * hash map, prefixes in another, {@code *} on its own). A check looks at the grants of the user's own principals
 * and, for each, at two permissions ({@code docs:read} and {@code docs:*}) only: its cost does not grow with the
 * tenant's number of grants. Immutable once built.
 */
final class GrantIndex {

    /**
     * A grant as checks report it ({@code principal} as written), and the principal it applies to: the same, or for
     * a legacy {@code role:<slug>} grant the canonical URN of the role it stands for.
     */
    record Entry(UUID id, String principal, String permission, String selector, String appliesTo) {

        Entry(UUID id, String principal, String permission, String selector) {
            this(id, principal, permission, selector, principal);
        }

        boolean legacy() {
            return !principal.equals(appliesTo);
        }
    }

    /** The grants of one principal and permission, by selector. */
    private static final class Selectors {
        @Nullable
        Entry any;

        final Map<String, Entry> exact = new HashMap<>(2);
        final Map<String, Entry> prefixes = new HashMap<>(2);

        /** A legacy grant and its rewritten twin may both exist until the backfill merges them: the canonical wins. */
        void add(Entry entry) {
            String selector = entry.selector();
            if (selector.equals("*")) {
                any = preferred(any, entry);
            } else if (selector.endsWith("*")) {
                prefixes.merge(selector.substring(0, selector.length() - 1), entry, Selectors::preferred);
            } else {
                exact.merge(selector, entry, Selectors::preferred);
            }
        }

        private static Entry preferred(@Nullable Entry held, Entry added) {
            return held == null || (held.legacy() && !added.legacy()) ? added : held;
        }

        /** The most specific grant whose selector matches: exact, then the longest prefix, then {@code *}. */
        @Nullable
        Entry match(String resource) {
            Entry hit = exact.get(resource);
            if (hit != null) {
                return hit;
            }
            if (!prefixes.isEmpty()) {
                hit = longestPrefix(resource);
                if (hit != null) {
                    return hit;
                }
            }
            return any;
        }

        /** Bounded by the resource's length or the number of prefixes, whichever is smaller. */
        private @Nullable Entry longestPrefix(String resource) {
            if (prefixes.size() <= resource.length()) {
                Entry best = null;
                for (var e : prefixes.entrySet()) {
                    if (resource.startsWith(e.getKey())
                            && (best == null
                                    || e.getKey().length() > best.selector().length() - 1)) {
                        best = e.getValue();
                    }
                }
                return best;
            }
            for (int end = resource.length(); end >= 1; end--) {
                Entry hit = prefixes.get(resource.substring(0, end));
                if (hit != null) {
                    return hit;
                }
            }
            return null;
        }

        void addAllTo(List<Entry> out) {
            out.addAll(exact.values());
            out.addAll(prefixes.values());
            if (any != null) {
                out.add(any);
            }
        }
    }

    private final boolean live;
    private final int size;
    private final Map<String, Map<String, Selectors>> byPrincipal;

    private GrantIndex(boolean live, int size, Map<String, Map<String, Selectors>> byPrincipal) {
        this.live = live;
        this.size = size;
        this.byPrincipal = byPrincipal;
    }

    static GrantIndex of(boolean live, List<Entry> grants) {
        var byPrincipal = new HashMap<String, Map<String, Selectors>>();
        for (Entry grant : grants) {
            byPrincipal
                    .computeIfAbsent(grant.appliesTo(), p -> new HashMap<>(4))
                    .computeIfAbsent(grant.permission(), p -> new Selectors())
                    .add(grant);
        }
        return new GrantIndex(live, grants.size(), byPrincipal);
    }

    /** The number of grants. */
    int size() {
        return size;
    }

    /** False when the tenant is (softly) deleted. */
    boolean live() {
        return live;
    }

    /**
     * The grant that lets one of {@code principals} (in that order) do {@code permission} on {@code resource}, or
     * null. Per principal: the exact permission before {@code resource:*}; per permission the most specific selector.
     */
    @Nullable
    Entry match(List<String> principals, String permission, String resource) {
        String wildcard = permission.substring(0, permission.indexOf(':') + 1) + "*";
        for (String principal : principals) {
            Map<String, Selectors> permissions = byPrincipal.get(principal);
            if (permissions == null) {
                continue;
            }
            Entry hit = match(permissions.get(permission), resource);
            if (hit == null) {
                hit = match(permissions.get(wildcard), resource);
            }
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }

    private static @Nullable Entry match(@Nullable Selectors selectors, String resource) {
        return selectors == null ? null : selectors.match(resource);
    }

    /** Every grant of {@code principals}, by principal (in that order), permission and selector. */
    List<Entry> grantsOf(List<String> principals) {
        var out = new ArrayList<Entry>();
        for (String principal : principals) {
            Map<String, Selectors> permissions = byPrincipal.get(principal);
            if (permissions == null) {
                continue;
            }
            var own = new ArrayList<Entry>();
            permissions.values().forEach(s -> s.addAllTo(own));
            own.sort(Comparator.comparing(Entry::permission).thenComparing(Entry::selector));
            out.addAll(own);
        }
        return out;
    }
}
