package io.github.eegstream.connector.redis.source.pubsub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The rebalancer brings every reader within 1.25 times the mean, whatever the ids look like, at
 * any parallelism, in a few rounds, with a bounded number of patterns; and it leaves a balanced
 * source alone.
 */
class RebalancerTest {

    @Test
    void everyIdShapeBalancesAtTwoFourAndEightReaders() {
        Random random = new Random(7);
        Map<String, List<String>> shapes = new LinkedHashMap<>();
        shapes.put("numbers", ids(40, i -> Integer.toString(i)));
        shapes.put("sub-001", ids(40, i -> String.format("sub-%03d", i)));
        shapes.put("sub-01 (BIDS)", ids(40, i -> String.format("sub-%02d", i)));
        shapes.put("P001", ids(40, i -> String.format("P%03d", i)));
        shapes.put("UUIDs", ids(40, i -> new UUID(random.nextLong(), random.nextLong()).toString()));
        shapes.put("UUIDs, upper case", ids(400, i -> new UUID(random.nextLong(), random.nextLong()).toString().toUpperCase(Locale.ROOT)));
        List<String> names = List.of("anna", "Hanna", "joanna", "BOB", "bob", "Ben", "ella", "Stella", "bella", "Max",
                "max", "Alex", "ALEX", "lena", "Elena", "helena", "Tim", "kim", "Jim", "Sam");
        shapes.put("mixed-case names", ids(40, i -> names.get(i % names.size()) + (i >= names.size() ? "_2" : "")));
        for (Map.Entry<String, List<String>> shape : shapes.entrySet()) {
            for (int readers : new int[] {2, 4, 8}) {
                Outcome o = converge(shape.getValue(), readers, 1.0);
                System.err.printf("Rebalancer: %-18s p = %d: max/mean %.2f after %d rounds, %d classes%n", shape.getKey(),
                        readers, o.maxOverMean, o.rounds, o.classes);
                assertTrue(o.maxOverMean <= 1.25, shape.getKey() + " at p = " + readers + ": " + o);
                assertTrue(o.rounds <= 6, shape.getKey() + " at p = " + readers + " took " + o);
                assertTrue(o.classes <= RedisPubSubSource.maxClasses(readers), o.toString());
            }
        }
    }

    @Test
    void thereIsNoUpperBoundOnReaders() {
        Outcome o = converge(ids(400, i -> String.format("sub-%03d", i)), 64, 1.0);
        assertTrue(o.maxOverMean <= 1.25, o.toString());
    }

    @Test
    void unevenRatesBalanceByMessagesNotByUsers() {
        List<String> ids = ids(40, i -> "u" + i);
        Map<String, Double> rates = new HashMap<>();
        for (int i = 0; i < ids.size(); i++) {
            rates.put("user:" + ids.get(i) + ":raw", i % 4 == 0 ? 8.0 : 1.0); // a few 256-channel headsets among small ones
        }
        Outcome o = converge(rates, 4);
        assertTrue(o.maxOverMean <= 1.25, o.toString());
    }

    @Test
    void aBalancedSourceIsLeftAlone() {
        Map<ChannelClass, Integer> owners = new LinkedHashMap<>();
        List<ChannelClass> initial = ChannelClass.initial("user:", ":raw", 2);
        for (int i = 0; i < initial.size(); i++) {
            owners.put(initial.get(i), i % 2);
        }
        Map<String, Double> rates = Map.of("user:a0:raw", 1.0, "user:a1:raw", 1.0);
        assertEquals(List.of(), Rebalancer.plan(owners, rates, 2, 100).moves());
        assertEquals(List.of(), Rebalancer.plan(owners, Map.of(), 2, 100).moves(), "nothing to balance");
    }

    @Test
    void aRestoreAtLowerParallelismDealsTheGoneReadersClasses() {
        Map<ChannelClass, Integer> owners = new LinkedHashMap<>();
        List<ChannelClass> initial = ChannelClass.initial("user:", ":raw", 4);
        for (int i = 0; i < initial.size(); i++) {
            owners.put(initial.get(i), i % 4);
        }
        Map<ChannelClass, Integer> next = Rebalancer.plan(owners, Map.of(), 2, 100).owners();
        assertEquals(owners.keySet(), next.keySet());
        assertTrue(next.values().stream().allMatch(r -> r >= 0 && r < 2), next.toString());
    }

    private record Outcome(double maxOverMean, int rounds, int classes) {}

    private static Outcome converge(List<String> ids, int readers, double rate) {
        Map<String, Double> rates = new HashMap<>();
        ids.forEach(id -> rates.put("user:" + id + ":raw", rate));
        return converge(rates, readers);
    }

    /** Plans and applies moves, as the enumerator does, until the plan changes nothing. */
    private static Outcome converge(Map<String, Double> rates, int readers) {
        Map<ChannelClass, Integer> owners = new LinkedHashMap<>();
        List<ChannelClass> initial = ChannelClass.initial("user:", ":raw", readers);
        for (int i = 0; i < initial.size(); i++) {
            owners.put(initial.get(i), i % readers);
        }
        int rounds = 0;
        while (true) {
            Rebalancer.Plan plan = Rebalancer.plan(owners, rates, readers, RedisPubSubSource.maxClasses(readers));
            if (!plan.changes()) {
                break;
            }
            for (Rebalancer.Move m : plan.moves()) {
                assertEquals(owners.get(m.from()), m.owner());
                owners.remove(m.from());
                owners.putAll(m.to());
            }
            assertEquals(plan.owners(), owners);
            rounds++;
            if (rounds > 20) {
                break;
            }
        }
        double[] load = new double[readers];
        for (Map.Entry<String, Double> e : rates.entrySet()) {
            List<ChannelClass> matched = owners.keySet().stream().filter(c -> c.matches(e.getKey())).toList();
            assertEquals(1, matched.size(), e.getKey() + " in " + matched);
            load[owners.get(matched.get(0))] += e.getValue();
        }
        double mean = Arrays.stream(load).sum() / readers;
        return new Outcome(Arrays.stream(load).max().orElseThrow() / mean, rounds, owners.size());
    }

    private static List<String> ids(int n, java.util.function.IntFunction<String> id) {
        List<String> out = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            out.add(id.apply(i));
        }
        return out;
    }
}
