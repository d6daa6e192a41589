package io.github.eegstream.connector.redis.source.pubsub;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans how a pub/sub source's channel classes are cut and spread over its readers so that each
 * reader carries about the mean number of messages, from the message rate of every channel seen.
 * A pure function: the enumerator applies the plan (see {@link RedisPubSubEnumerator}).
 *
 * <p>A class is cut while it carries more than 1/{@value #GRANULARITY} of a reader's mean and
 * holds more than one channel; the parts are then dealt busiest first, each staying with its
 * reader while that reader has room, otherwise going to the least loaded one (longest processing
 * time first). With parts of at most 1/8 of the mean, the busiest reader ends within about 1.15
 * times the mean unless single channels are heavier than that.
 */
final class Rebalancer {

    /** Plan only when the busiest reader carries more than this times the mean. */
    static final double TRIGGER = 1.10;
    /** Parts are cut until each carries at most the mean over this (or is one channel). */
    static final int GRANULARITY = 8;
    /** A part stays with its reader while the reader's load stays under this times the mean. */
    private static final double ROOM = 1.05;
    /** Longest tail a class is cut to: ids are at most 64 characters (beyond: garbage, left whole). */
    private static final int MAX_TAIL = 64;

    /** Class {@code from}, read by {@code owner}, becomes {@code to} (a partition of it), each part read by its reader. */
    record Move(ChannelClass from, int owner, Map<ChannelClass, Integer> to) {}

    /** The new owner of every class, and the moves from the current classes that get there. */
    record Plan(Map<ChannelClass, Integer> owners, List<Move> moves) {
        boolean changes() {
            return !moves.isEmpty();
        }
    }

    private Rebalancer() {}

    /**
     * @param owners every current class and the reader reading it (a reader index may be out of
     *     range after a restore at a lower parallelism: its classes are dealt again)
     * @param rates messages per second of every channel seen
     * @param readers the source's parallelism
     * @param maxClasses no cut that would make more classes than this (each is a pattern that
     *     Redis matches every published message against)
     */
    static Plan plan(Map<ChannelClass, Integer> owners, Map<String, Double> rates, int readers, int maxClasses) {
        Map<ChannelClass, List<String>> members = new LinkedHashMap<>();
        owners.keySet().forEach(c -> members.put(c, new ArrayList<>()));
        for (String channel : rates.keySet()) {
            for (ChannelClass c : owners.keySet()) {
                if (c.matches(channel)) {
                    members.get(c).add(channel);
                    break;
                }
            }
        }
        double total = 0; // of channels some class holds (a name cut short holds none)
        for (List<String> chans : members.values()) {
            total += loadOf(chans, rates);
        }
        double mean = total / readers;
        boolean valid = owners.values().stream().allMatch(o -> o >= 0 && o < readers);
        double currentMax = 0;
        double[] load = new double[readers];
        members.forEach((c, chans) -> {
            int o = owners.get(c);
            if (o >= 0 && o < readers) {
                load[o] += loadOf(chans, rates);
            }
        });
        if (valid) {
            currentMax = java.util.Arrays.stream(load).max().orElse(0);
            if (total <= 0 || currentMax <= TRIGGER * mean) {
                return new Plan(owners, List.of());
            }
        }

        // Cut the busy classes of overloaded readers (and of readers that are gone), busiest
        // first, remembering which current class each part comes from. Other readers keep theirs.
        Map<ChannelClass, ChannelClass> origin = new HashMap<>();
        Map<ChannelClass, List<String>> parts = new LinkedHashMap<>();
        Map<ChannelClass, List<String>> pending = new HashMap<>(members);
        Map<ChannelClass, Double> pendingLoad = new HashMap<>();
        java.util.PriorityQueue<ChannelClass> work = new java.util.PriorityQueue<>(
                Comparator.comparingDouble((ChannelClass c) -> -pendingLoad.get(c)));
        for (ChannelClass c : owners.keySet()) {
            origin.put(c, c);
            pendingLoad.put(c, loadOf(members.get(c), rates));
            work.add(c);
        }
        while (!work.isEmpty()) {
            ChannelClass c = work.poll();
            List<String> chans = pending.remove(c);
            int owner = owners.get(origin.get(c));
            boolean overloaded = owner < 0 || owner >= readers || load[owner] > ROOM * mean;
            List<ChannelClass> cut = null;
            if (total > 0 && overloaded && pendingLoad.get(c) > mean / GRANULARITY && chans.size() >= 2
                    && parts.size() + work.size() + 3 <= maxClasses) {
                cut = cut(c, chans, rates);
            }
            if (cut == null) {
                parts.put(c, chans);
                continue;
            }
            for (ChannelClass child : cut) {
                origin.put(child, origin.get(c));
                pending.put(child, new ArrayList<>());
            }
            for (String ch : chans) {
                for (ChannelClass child : cut) {
                    if (child.matches(ch)) {
                        pending.get(child).add(ch);
                        break;
                    }
                }
            }
            for (ChannelClass child : cut) {
                pendingLoad.put(child, loadOf(pending.get(child), rates));
                work.add(child);
            }
        }

        // Deal the parts: busiest first; a part stays with its reader while there is room.
        List<ChannelClass> order = new ArrayList<>(parts.keySet());
        order.sort(Comparator.comparingDouble((ChannelClass c) -> -loadOf(parts.get(c), rates)));
        double[] assigned = new double[readers];
        Map<ChannelClass, Integer> next = new LinkedHashMap<>();
        List<ChannelClass> homeless = new ArrayList<>();
        for (ChannelClass c : order) {
            int was = owners.get(origin.get(c));
            double partLoad = loadOf(parts.get(c), rates);
            if (was >= 0 && was < readers && (partLoad == 0 || assigned[was] + partLoad <= ROOM * mean)) {
                next.put(c, was);
                assigned[was] += partLoad;
            } else {
                homeless.add(c);
            }
        }
        int[] count = new int[readers];
        next.values().forEach(r -> count[r]++);
        for (ChannelClass c : homeless) {
            int best = 0;
            for (int r = 1; r < readers; r++) {
                if (assigned[r] < assigned[best] || (assigned[r] == assigned[best] && count[r] < count[best])) {
                    best = r;
                }
            }
            next.put(c, best);
            assigned[best] += loadOf(parts.get(c), rates);
            count[best]++;
        }
        if (valid && java.util.Arrays.stream(assigned).max().orElse(0) >= currentMax - 0.02 * mean) {
            return new Plan(owners, List.of()); // no better than now: not worth moving anything
        }
        // A class whose parts all stay with its reader is left whole: no pattern, no handover.
        for (Map.Entry<ChannelClass, Integer> current : owners.entrySet()) {
            List<ChannelClass> mine = new ArrayList<>();
            boolean stays = true;
            for (Map.Entry<ChannelClass, Integer> e : next.entrySet()) {
                if (origin.get(e.getKey()).equals(current.getKey())) {
                    mine.add(e.getKey());
                    stays &= e.getValue().equals(current.getValue());
                }
            }
            if (stays && mine.size() > 1) {
                mine.forEach(next::remove);
                next.put(current.getKey(), current.getValue());
            }
        }

        List<Move> moves = new ArrayList<>();
        for (Map.Entry<ChannelClass, Integer> current : owners.entrySet()) {
            Map<ChannelClass, Integer> to = new LinkedHashMap<>();
            next.forEach((c, r) -> {
                if (origin.get(c).equals(current.getKey())) {
                    to.put(c, r);
                }
            });
            if (!to.equals(Map.of(current.getKey(), current.getValue()))) {
                moves.add(new Move(current.getKey(), current.getValue(), to));
            }
        }
        return new Plan(next, List.copyOf(moves));
    }

    private static double loadOf(List<String> channels, Map<String, Double> rates) {
        double sum = 0;
        for (String c : channels) {
            sum += rates.get(c);
        }
        return sum;
    }

    /** Classes are cut only by the characters of ids, so patterns stay short whatever names come. */
    static boolean idCharacter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    }

    /** Parts of {@code c} that divide its channels, or null if it cannot be cut further. */
    static List<ChannelClass> cut(ChannelClass c, List<String> channels, Map<String, Double> rates) {
        ChannelClass n = c.normalized();
        if (!n.splittable() || n.tail().length() > MAX_TAIL) {
            return null;
        }
        // The load behind each printable character before the tail.
        Map<Character, Double> byKey = new LinkedHashMap<>();
        for (String ch : channels) {
            int key = n.keyOf(ch);
            if (key >= 0 && idCharacter(key)) {
                byKey.merge((char) key, rates.get(ch), Double::sum);
            }
        }
        return switch (n.kind()) {
            case ALL -> byKey.isEmpty() ? null : n.splitByNextCharacter(heavierHalf(byKey, ""));
            case IN -> {
                String half = heavierHalf(byKey, n.chars());
                yield half.isEmpty() || half.length() == n.chars().length() ? null : n.splitChars(half);
            }
            case NOT_IN -> byKey.isEmpty() ? null : n.splitChars(heavierHalf(byKey, ""));
            case EXACT -> null;
        };
    }

    /**
     * Characters of {@code byKey} (and of {@code all}, if given, with no load) dealt busiest
     * first into two bins, always to the lighter: the first bin's characters. Its load is about
     * half, and it always has the busiest character.
     */
    private static String heavierHalf(Map<Character, Double> byKey, String all) {
        List<Map.Entry<Character, Double>> keys = new ArrayList<>(byKey.entrySet());
        for (int i = 0; i < all.length(); i++) {
            if (!byKey.containsKey(all.charAt(i))) {
                keys.add(Map.entry(all.charAt(i), 0.0));
            }
        }
        keys.sort(Comparator.comparingDouble((Map.Entry<Character, Double> e) -> -e.getValue())
                .thenComparing(Map.Entry::getKey));
        StringBuilder first = new StringBuilder();
        double a = 0;
        double b = 0;
        int secondCount = 0;
        for (Map.Entry<Character, Double> e : keys) {
            // Ties (and zero loads) alternate, so a class of idle characters still halves.
            if (a < b || (a == b && first.length() <= secondCount)) {
                first.append(e.getKey());
                a += e.getValue();
            } else {
                b += e.getValue();
                secondCount++;
            }
        }
        return first.toString();
    }
}
