package io.github.eegstream.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Standard output, one whole line at a time even when several relays print at once. */
final class Screen {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private Screen() {}

    static synchronized void println(String line) {
        OUT.println(line);
    }
}
