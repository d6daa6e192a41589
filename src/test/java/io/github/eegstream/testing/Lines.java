package io.github.eegstream.testing;

import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/** Waiting for a line on a screen that a relay or a command writes to (a condition, never a fixed sleep). */
public final class Lines {

    private Lines() {}

    /** True once some line of {@code lines} matches, false after {@code timeout}. */
    public static boolean await(List<String> lines, Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (lines.stream().anyMatch(match)) {
                return true;
            }
            Thread.sleep(20);
        }
        return false;
    }
}
