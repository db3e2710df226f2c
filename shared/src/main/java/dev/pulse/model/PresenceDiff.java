package dev.pulse.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What changed in a room's presence since its members were last told: the net of one window's changes, per user.
 * A user who left and came back within the window, unchanged, is in none of the lists; one who arrived and left is in
 * none either. Each user is in at most one list.
 *
 * @param joins   users now present whom the members were told are not there (their status and devices)
 * @param updates users present before and after whose status or device count changed (the new values)
 * @param leaves  user ids the members were told are present and who are not anymore
 */
public record PresenceDiff(Room room, List<UserPresence> joins, List<UserPresence> updates, List<String> leaves) {
    public PresenceDiff {
        Objects.requireNonNull(room, "room");
        joins = List.copyOf(joins);
        updates = List.copyOf(updates);
        leaves = List.copyOf(leaves);
    }

    public boolean isEmpty() {
        return joins.isEmpty() && updates.isEmpty() && leaves.isEmpty();
    }

    public int size() {
        return joins.size() + updates.size() + leaves.size();
    }

    /**
     * The diff in parts of at most {@code maxUsers} users each (joins first, then updates, then leaves), so each part's
     * frame stays well inside one 32 KB WebSocket frame.
     */
    public List<PresenceDiff> parts(int maxUsers) {
        if (maxUsers < 1) {
            throw new IllegalArgumentException("maxUsers must be at least 1");
        }
        var parts = new ArrayList<PresenceDiff>();
        int j = 0;
        int u = 0;
        int l = 0;
        do {
            int left = maxUsers;
            int jn = Math.min(left, joins.size() - j);
            left -= jn;
            int un = Math.min(left, updates.size() - u);
            left -= un;
            int ln = Math.min(left, leaves.size() - l);
            parts.add(new PresenceDiff(room, joins.subList(j, j + jn), updates.subList(u, u + un), leaves.subList(l, l + ln)));
            j += jn;
            u += un;
            l += ln;
        } while (j < joins.size() || u < updates.size() || l < leaves.size());
        return parts;
    }

    /** Collects a diff user by user, from what the members were told and what is true now. */
    public static final class Builder {
        private final Room room;
        private final List<UserPresence> joins = new ArrayList<>();
        private final List<UserPresence> updates = new ArrayList<>();
        private final List<String> leaves = new ArrayList<>();

        public Builder(Room room) {
            this.room = room;
        }

        /**
         * @param told what the members were told of the user (null: not there)
         * @param now  the user's presence now (null: not there)
         * @return true when the user is part of the diff
         */
        public boolean add(UserPresence told, UserPresence now) {
            if (Objects.equals(told, now)) {
                return false;
            }
            if (told == null) {
                joins.add(now);
            } else if (now == null) {
                leaves.add(told.userId());
            } else {
                updates.add(now);
            }
            return true;
        }

        public PresenceDiff build() {
            return new PresenceDiff(room, joins, updates, leaves);
        }
    }
}
